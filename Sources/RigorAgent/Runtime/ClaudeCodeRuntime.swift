import Foundation
import RigorBasics
import RigorGuard
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How `rigor run --agent claude` starts the Claude Code CLI: headless (`-p`), stream-json
/// output, Rigor's RUN prompt appended to its system prompt, the research tools allowed,
/// Rigor's PreToolUse hook given in `--settings`, and the model when one is chosen. It runs
/// inside the guard sandbox with a private home prepared here (docs/run.md: what it sees).
public struct ClaudeCodeRuntime: Sendable {
    public static let allowedTools = "Read,Write,Edit,Bash,Glob,Grep"
    /// The user turn that starts the session (the instructions are in the system prompt).
    public static let task = "Carry out the RUN phase of the experiment described in the system prompt, following every obligation there. Begin by reading the spec."

    public var executable: String
    public var model: String?
    public var prompt: String
    public var specPath: String
    public var rigorExecutable: String

    public init(executable: String, model: String?, prompt: String, specPath: String, rigorExecutable: String) {
        self.executable = executable; self.model = model; self.prompt = prompt
        self.specPath = specPath; self.rigorExecutable = rigorExecutable
    }

    public var arguments: [String] {
        var argv = [executable, "-p", Self.task, "--output-format", "stream-json", "--verbose",
                    "--append-system-prompt", prompt, "--allowed-tools", Self.allowedTools,
                    // The hook settings `rigor guard claude-settings` writes (the workspace's own settings still apply).
                    "--settings", ClaudeSettings.json(specPath: specPath, rigorPath: rigorExecutable)]
        if let model { argv += ["--model", model] }
        return argv
    }

    /// The agent's environment (`AgentEnvironment`) keeping, of the secret variables, only
    /// Claude Code's own credentials (ANTHROPIC_*, CLAUDE_CODE_*): cloud keys and other tokens
    /// never reach the agent. Claude Code's updater and non-essential traffic are turned off.
    public func environment(base: [String: String], brokerSocket: String) -> [String: String] {
        var env = AgentEnvironment.make(base: base, brokerSocket: brokerSocket, specPath: specPath, rigorExecutable: rigorExecutable,
                                        keepSecret: Self.isClaudeCredential)
        env["DISABLE_AUTOUPDATER"] = "1"
        env["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1"
        env["DISABLE_TELEMETRY"] = "1"
        return env
    }

    /// Prepares the sandbox's private home: a folder with `.claude/` holding a copy of the user's
    /// `~/.claude/settings.json` when there is one, and, when no API key or token is in the
    /// environment, a copy of the logged-in user's credentials (`~/.claude/.credentials.json`,
    /// mode 0600). Nothing else of the real home is copied.
    public static func prepareHome(environment: [String: String]) throws -> (home: String, note: String?) {
        let home = try AgentEnvironment.makeHome()
        try FileManager.default.createDirectory(atPath: home + "/.claude", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let hasKey = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"].contains { !(environment[$0] ?? "").isEmpty }
        let real = environment["HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        // The user's Claude Code settings (model, environment, permissions) apply inside too;
        // Rigor's hook comes with --settings on top of them.
        if let real, let settings = try? TextFile.readBytes(real + "/.claude/settings.json", limit: 1 << 20) {
            try AtomicFile.write(settings, to: home + "/.claude/settings.json", mode: 0o600)
        }
        if hasKey { return (home, nil) }
        guard let real else { return (home, "no API key in the environment and no HOME to find Claude Code's login in") }
        let credentials = real + "/.claude/.credentials.json"
        guard let bytes = try? TextFile.readBytes(credentials, limit: 1 << 20) else {
            return (home, "no API key in the environment (ANTHROPIC_API_KEY) and no Claude Code login at \(credentials)")
        }
        try AtomicFile.write(bytes, to: home + "/.claude/.credentials.json", mode: 0o600)
        return (home, "no API key in the environment: Claude Code uses the login copied from \(credentials)")
    }


    static func isClaudeCredential(_ name: String) -> Bool { name.hasPrefix("ANTHROPIC_") || name.hasPrefix("CLAUDE_CODE_") }
}
