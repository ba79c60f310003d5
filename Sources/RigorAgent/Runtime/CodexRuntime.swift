import Foundation
import RigorBasics
import RigorGuard

/// How `rigor run --agent codex` starts the Codex CLI: `codex exec --json` (headless, JSONL
/// events on stdout), its model provider given with `-c model_providers.rigor={…}` (the
/// Responses API at the chosen base URL, the key read by Codex from the variable named by
/// `api_key_env`), Rigor's RUN prompt ahead of the task, stdin closed (Codex waits on an open
/// one). Codex's own sandbox cannot work
/// inside Rigor's (it needs a namespace helper it cannot create there), so it runs with
/// `--dangerously-bypass-approvals-and-sandbox` inside the guard sandbox: Rigor's guard is
/// the enforcement (docs/run.md).
public struct CodexRuntime: Sendable {
    public static let providerName = "rigor"
    public var executable: String
    public var agent: AgentChoice
    public var prompt: String
    public var specPath: String
    public var rigorExecutable: String

    public init(executable: String, agent: AgentChoice, prompt: String, specPath: String, rigorExecutable: String) {
        self.executable = executable; self.agent = agent; self.prompt = prompt; self.specPath = specPath; self.rigorExecutable = rigorExecutable
    }

    /// A TOML basic string.
    static func toml(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if ch.value < 0x20 || ch.value == 0x7F { out += String(format: "\\u%04X", ch.value) } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }

    public var arguments: [String] {
        var provider = "name=\(Self.toml("Rigor"))" + ", base_url=\(Self.toml(agent.baseURL ?? "https://api.openai.com/v1"))" + ", wire_api=\"responses\""
        if agent.apiKey != nil, let variable = agent.apiKeyEnv { provider += ", env_key=\(Self.toml(variable))" }
        var argv = [executable, "exec", "--json", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", "--ephemeral",
                    "-c", "model_providers.\(Self.providerName)={\(provider)}", "-c", "model_provider=\(Self.toml(Self.providerName))"]
        // No usage metrics, no plugin sync (the only connections are to the model API); no web
        // search; commands in a plain `bash -c`, since a login shell's /etc/profile would reset
        // PATH and lose `rigor`.
        argv += ["-c", "analytics.enabled=false", "-c", "features.plugins=false", "-c", "web_search=\"disabled\"", "-c", "allow_login_shell=false"]
        if let model = agent.model { argv += ["-m", model] }
        argv.append(prompt + "\n\n---\n\n" + ClaudeCodeRuntime.task)
        return argv
    }

    /// The agent's environment: no secrets but the model API's key (Codex calls the API
    /// itself), the broker's socket, `rigor` first on PATH.
    public func environment(base: [String: String], brokerSocket: String) -> [String: String] {
        var env = AgentEnvironment.make(base: base, brokerSocket: brokerSocket, specPath: specPath, rigorExecutable: rigorExecutable)
        if let variable = agent.apiKeyEnv, let key = agent.apiKey { env[variable] = key }
        env.removeValue(forKey: "CODEX_HOME")
        return env
    }

    /// Codex's home (`~/.codex` in the private home) exists before it starts.
    public func prepare(home: String) throws {
        try FileManager.default.createDirectory(atPath: home + "/.codex", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

}
