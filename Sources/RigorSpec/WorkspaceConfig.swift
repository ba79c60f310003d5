import Foundation
import RigorBasics
import Yams

/// `rigor.yaml` at a workspace's root: Rigor's settings for the RUN phase (docs/config.md).
/// Unknown keys and values of the wrong kind are errors with their line.
public struct WorkspaceConfig: Sendable, Equatable {
    public static let fileName = "rigor.yaml"
    public static let keys = ["agent", "model", "provider", "base_url", "api_key_env", "context_window", "max_turns", "time_budget", "cloud_preference"]
    public static let agents = ["claude", "codex", "builtin", "none"]
    public static let providers = ["openai", "anthropic"]
    public static let cloudPreferences = ["local", "cloud-first", "cloud-always"]

    public var agent: String?
    public var model: String?
    /// The builtin agent's API: openai (Chat Completions) or anthropic (Messages).
    public var provider: String?
    /// The model API's base URL, as the provider's SDK takes it.
    public var baseURL: String?
    /// The environment variable holding the API key (never the key itself).
    public var apiKeyEnv: String?
    public var contextWindow: Int?
    public var maxTurns: Int?
    public var timeBudgetSeconds: Double?
    public var cloudPreference: String?

    public init() {}

    /// The file `rigor init` writes: every key, documented.
    public static let template = """
    # Rigor's settings for this workspace (docs/config.md). Flags of `rigor run` override them.
    agent: claude            # the agent of the RUN phase: claude (Claude Code CLI), codex (Codex CLI), builtin (Rigor's own) or none (the plan only)
    model: null              # the agent's model; null: the agent's own default (builtin needs one)
    provider: null           # builtin: openai (Chat Completions: OpenAI, vLLM, Ollama, llama.cpp, OpenRouter) or anthropic
    base_url: null           # builtin and codex: the API's base URL, e.g. http://localhost:8000/v1 (OpenAI-compatible ends in /v1)
    api_key_env: null        # the environment variable holding the key; null: OPENAI_API_KEY or ANTHROPIC_API_KEY
    context_window: null     # builtin: the model's context window in tokens; null: known per model, else 128000
    max_turns: null          # builtin: the most model turns; null: 200
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
            case "provider":
                if let text, !providers.contains(text) { throw fail("provider '\(text)' is not one of \(providers.joined(separator: ", "))") }
                config.provider = text
            case "base_url":
                if let text, !(text.hasPrefix("http://") || text.hasPrefix("https://")) { throw fail("base_url '\(text)' is not an http:// or https:// URL") }
                config.baseURL = text
            case "api_key_env":
                if let text, !Self.isVariableName(text) { throw fail("api_key_env '\(text)' is not an environment variable name (the key itself never goes in this file)") }
                config.apiKeyEnv = text
            case "context_window", "max_turns":
                var number: Int?
                if let text {
                    let least = key == "context_window" ? 1024 : 1
                    guard let n = Int(text), n >= least else { throw fail("\(key) '\(text)' is not a whole number of at least \(least)") }
                    number = n
                }
                if key == "max_turns" { config.maxTurns = number } else { config.contextWindow = number }
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

    /// Whether `name` can name an environment variable (letters, digits, `_`; not a digit first).
    public static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "_" }
    }
}
