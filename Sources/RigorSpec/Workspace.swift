import Foundation

/// A research-kit workspace: where specs, results and the READ step's files live.
///
/// Layouts: `ROOT/experiments/exp-NNN-x.md` with `ROOT/results/exp-NNN-x/`, or the same
/// under a prefix such as `ROOT/.kit/experiments` and `ROOT/.kit/results`.
public struct Workspace: Sendable, Equatable {
    /// The repository root (holds RESEARCH_LOG.md etc., or the prefix folder).
    public var root: String
    /// Folder holding `experiments/` and `results/` (root itself, or `root/.kit`).
    public var base: String

    public var experimentsDir: String { base + "/experiments" }
    public var resultsDir: String { base + "/results" }

    /// Files owned by the READ step, at the root and at the base.
    public static let readOwnedFiles = ["RESEARCH_LOG.md", "QUESTIONS.md", "HANDOFF.md", "program_state.json"]

    public init(root: String, base: String? = nil) {
        self.root = Workspace.absolute(root)
        self.base = base.map(Workspace.absolute) ?? self.root
    }

    /// The workspace a spec belongs to: the spec must sit in an `experiments/` folder.
    public static func containing(specPath: String) -> Workspace? {
        let spec = URL(fileURLWithPath: absolute(specPath)).standardizedFileURL
        let experiments = spec.deletingLastPathComponent()
        guard experiments.lastPathComponent == "experiments" else { return nil }
        let base = experiments.deletingLastPathComponent()
        let root = base.lastPathComponent.hasPrefix(".") ? base.deletingLastPathComponent() : base
        return Workspace(root: root.path, base: base.path)
    }

    /// The results directory of one experiment.
    public func resultsDir(forExperiment id: String) -> String { resultsDir + "/" + id }

    /// The experiment id of a spec file: its file name without `.md`.
    public static func experimentID(specPath: String) -> String {
        URL(fileURLWithPath: specPath).deletingPathExtension().lastPathComponent
    }

    /// Absolute, standardised path (no `.`/`..`, no trailing slash); symlinks are not resolved.
    public static func absolute(_ path: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
        var p = url.standardizedFileURL.path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }
}
