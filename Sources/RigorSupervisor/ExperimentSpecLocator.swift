import Foundation
import RigorSpec

/// Finds and parses the spec of an experiment from its results folder.
public enum ExperimentSpecLocator {
    public enum Outcome: Sendable {
        case found(ExperimentSpec)
        /// No spec where the workspace layout says it should be (reason says where Rigor looked).
        case notFound(String)
        /// A spec exists but cannot be used (unreadable, or errors inside it).
        case failed(String)
    }

    /// `explicit` (`--spec`) wins; else `<base>/experiments/<id>.md` for `<base>/results/<id>`,
    /// else the frozen copy `<results>/spec.md`.
    public static func load(experimentDir: String, explicit: String?) -> Outcome {
        var candidates: [String] = []
        if let explicit { candidates = [Workspace.absolute(explicit)] } else {
            let url = URL(fileURLWithPath: experimentDir)
            let id = url.lastPathComponent
            let resultsDir = url.deletingLastPathComponent()
            if resultsDir.lastPathComponent == "results" {
                candidates.append(resultsDir.deletingLastPathComponent().appendingPathComponent("experiments/\(id).md").path)
            }
            candidates.append(experimentDir + "/spec.md")
        }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            return explicit != nil ? .failed("\(candidates[0]): no such spec file")
                : .notFound("looked for \(candidates.joined(separator: " and "))")
        }
        do {
            let spec = try SpecParser.parse(path: path)
            if let e = spec.diagnostics.first(where: { $0.severity == .error }) {
                return .failed("the spec has errors; first: \(e.description)")
            }
            return .found(spec)
        } catch {
            return .failed(error.description)
        }
    }
}
