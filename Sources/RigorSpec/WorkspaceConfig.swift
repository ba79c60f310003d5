import Foundation
import RigorBasics
import Yams

/// `rigor.yaml` at a workspace's root: Rigor's settings for the RUN phase (docs/config.md).
/// Unknown keys and values of the wrong kind are errors with their line.
public struct WorkspaceConfig: Sendable, Equatable {
    public static let fileName = "rigor.yaml"
    public static let keys = ["agent", "model", "time_budget", "cloud_preference"]
    public static let agents = ["claude", "none"]
    public static let cloudPreferences = ["local", "cloud-first", "cloud-always"]

    public var agent: String?
    public var model: String?
    public var timeBudgetSeconds: Double?
    public var cloudPreference: String?

    public init() {}

    /// The file `rigor init` writes: every key, documented.
    public static let template = """
    # Rigor's settings for this workspace (docs/config.md). Flags of `rigor run` override them.
    agent: claude            # the agent of the RUN phase: claude (Claude Code CLI) or none (the plan only)
    model: null              # the agent's model; null: the agent's own default
    time_budget: null        # e.g. 2h or 45m; null: the spec's max wall-clock, else estimated_wall_hours x 2 (15 min floor)
    cloud_preference: local  # local, cloud-first or cloud-always (rigor preflight)

    """

    /// A problem in rigor.yaml, with its place.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var message: String
        public var description: String { "\(path):\(line): \(message)" }
    }

    /// Reads `<root>/rigor.yaml`; nil when there is none.
    public static func load(root: String) throws(Problem) -> WorkspaceConfig? {
        let path = root + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do { text = try TextFile.read(path, limit: 1 << 20) } catch { throw Problem(path: path, line: 1, message: "\(error)") }
        return try parse(text: text, path: path)
    }

    public static func parse(text: String, path: String) throws(Problem) -> WorkspaceConfig {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw Problem(path: path, line: 1, message: "not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        var config = WorkspaceConfig()
        guard let node else { return config }
        guard let mapping = node.mapping else { throw Problem(path: path, line: node.mark.map { $0.line } ?? 1, message: "expected a mapping of settings") }
        for (keyNode, value) in mapping {
            let line = keyNode.mark?.line ?? 1
            guard let key = keyNode.string else { throw Problem(path: path, line: line, message: "keys must be plain text") }
            func fail(_ message: String) -> Problem { Problem(path: path, line: line, message: message) }
            let text = value.null != nil ? nil : value.string
            switch key {
            case "agent":
                if let text, !agents.contains(text) { throw fail("agent '\(text)' is not one of \(agents.joined(separator: ", "))") }
                config.agent = text
            case "model": config.model = text
            case "time_budget":
                if let text {
                    guard let s = DurationText.seconds(in: text), s > 0 else { throw fail("time_budget '\(text)' is not a duration such as 2h or 45m") }
                    config.timeBudgetSeconds = s
                }
            case "cloud_preference":
                if let text, !cloudPreferences.contains(text) {
                    throw fail("cloud_preference '\(text)' is not one of \(cloudPreferences.joined(separator: ", "))")
                }
                config.cloudPreference = text
            default:
                throw fail("unknown key '\(key)' (known: \(keys.joined(separator: ", ")))")
            }
        }
        return config
    }
}
