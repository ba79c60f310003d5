import Foundation
import RigorSpec

/// One path in the protected set, with why it is there.
public struct ProtectedEntry: Sendable, Equatable, Codable {
    /// Absolute path with symlinks resolved.
    public var path: String
    /// Why it is protected ("spec", "frozen spec", "other experiment's results", …).
    public var reason: String
    /// Whether the path existed when the set was built (absent paths are watched for creation).
    public var exists: Bool
    public var isDirectory: Bool
    /// A harness record (run folders, ledger, journal, lock): read-only to every sandboxed
    /// child, but written by Rigor during the phase, so not part of the tamper manifest.
    public var isRecord: Bool = false
}

/// The paths one experiment's RUN phase must never change, and those it may.
///
/// Matching is longest-prefix: a protected directory protects everything beneath it except a
/// writable entry nested deeper (own results dir inside `results/`), which in turn loses to a
/// protected entry deeper still (`results/<exp>/spec.md`, `results/<exp>/.rigor`).
public struct ProtectedSet: Sendable, Equatable {
    public var workspace: Workspace
    public var specPath: String
    public var experimentID: String
    public var protected: [ProtectedEntry]
    /// Writable paths: the workspace root, this experiment's results dir, temp dirs, user additions.
    public var writable: [String]
    public var config: GuardConfig

    /// This experiment's results dir (writable, except its spec.md and .rigor).
    public var experimentResultsDir: String
    /// `results/<exp>/.rigor`: manifest, snapshot, tamper log (protected).
    public var stateDir: String { experimentResultsDir + "/.rigor" }

    /// Builds the set for one spec: the workspace is found from the spec's path.
    public static func make(specPath: String, config overrideConfig: GuardConfig? = nil) throws(GuardError) -> ProtectedSet {
        guard let ws0 = Workspace.containing(specPath: specPath) else { throw .specNotInExperimentsDir(path: specPath) }
        let root = PathResolution.resolve(ws0.root, relativeTo: "/")
        let base = PathResolution.resolve(ws0.base, relativeTo: "/")
        let workspace = Workspace(root: root, base: base)
        let config: GuardConfig
        if let c = overrideConfig { config = c } else { config = try GuardConfig.load(workspaceRoot: root) }
        let spec = PathResolution.resolve(specPath, relativeTo: FileManager.default.currentDirectoryPath)
        let exp = Workspace.experimentID(specPath: spec)
        let ownResults = workspace.resultsDir(forExperiment: exp)

        var entries: [ProtectedEntry] = []
        func add(_ path: String, _ reason: String, record: Bool = false) {
            let p = PathResolution.resolve(path, relativeTo: root)
            guard !entries.contains(where: { $0.path == p }) else { return }
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: p, isDirectory: &isDir)
            entries.append(ProtectedEntry(path: p, reason: reason, exists: exists, isDirectory: exists && isDir.boolValue, isRecord: record))
        }
        add(spec, "the experiment spec")
        add(workspace.experimentsDir, "experiments dir (no new, renamed or edited specs)")
        add(ownResults + "/spec.md", "frozen copy of the spec")
        add(ownResults + "/.rigor", "guard state (manifest, snapshot, tamper log)")
        add(workspace.resultsDir, "results dir (no new or renamed experiment dirs)")
        if let others = try? FileManager.default.contentsOfDirectory(atPath: workspace.resultsDir) {
            for name in others.sorted() where name != exp {
                add(workspace.resultsDir + "/" + name, "results of another experiment")
            }
        }
        for dir in Set([root, base]).sorted() {
            for name in Workspace.readOwnedFiles { add(dir + "/" + name, "owned by the READ step") }
        }
        add(root + "/.rigor", "Rigor configuration (guard.yaml)")
        for dir in Set([root, base]).sorted() {
            add(dir + "/.claude/settings.json", "Claude Code settings (register Rigor's hook)")
            add(dir + "/rigor.yaml", "Rigor's workspace configuration")
        }
        for name in HarnessRecords.folders + HarnessRecords.files where name != ".rigor" {
            add(ownResults + "/" + name, "Rigor's records (written only by the harness)", record: true)
        }
        for p in config.protect { add(p, "protected by .rigor/guard.yaml") }

        var writable = [root, PathResolution.resolve(ownResults, relativeTo: root)]
        for p in config.writable { writable.append(PathResolution.resolve(p, relativeTo: root)) }
        var seen = Set<String>()
        writable = writable.filter { seen.insert($0).inserted }
        return ProtectedSet(workspace: workspace, specPath: spec, experimentID: exp, protected: entries,
                            writable: writable, config: config, experimentResultsDir: PathResolution.resolve(ownResults, relativeTo: root))
    }

    /// The protected entry governing a resolved absolute path, or nil when it is writable/outside.
    public func protectingEntry(of resolvedPath: String) -> ProtectedEntry? {
        var best: (len: Int, entry: ProtectedEntry?) = (-1, nil)
        for e in protected where PathResolution.isWithin(resolvedPath, e.path) && e.path.count > best.len {
            best = (e.path.count, e)
        }
        for w in writable where PathResolution.isWithin(resolvedPath, w) && w.count > best.len {
            best = (w.count, nil)
        }
        return best.entry
    }

    /// Protected entries that lie at or beneath `resolvedPath` (what a recursive remove or a
    /// move of that path would take with it).
    public func protectedEntries(under resolvedPath: String) -> [ProtectedEntry] {
        protected.filter { PathResolution.isWithin($0.path, resolvedPath) && ($0.exists || $0.path == resolvedPath) }
    }

    /// The protected entries that exist, as paths relative to the workspace root.
    public func listing() -> (protected: [(path: String, reason: String, exists: Bool)], writable: [String]) {
        (protected.map { (PathResolution.relative($0.path, to: workspace.root), $0.reason, $0.exists) },
         writable.map { PathResolution.relative($0, to: workspace.root) })
    }
}
