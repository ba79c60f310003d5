import Foundation
import RigorGuard
import RigorTestSupport
import Testing

/// The real Claude Code CLI (bundled in the PyPI package claude-agent-sdk), driven by a
/// scripted Anthropic Messages API server on 127.0.0.1, with Rigor's hook registered through
/// `rigor guard claude-settings`. Forbidden calls must come back to the model as blocked.
enum ClaudeCLI {
    static let path: String? = {
        if let p = ProcessInfo.processInfo.environment["RIGOR_CLAUDE_BIN"], FileManager.default.isExecutableFile(atPath: p) { return p }
        guard let r = try? runProcess(["python3", "-c", "import claude_agent_sdk, os; print(os.path.join(os.path.dirname(claude_agent_sdk.__file__), '_bundled', 'claude'))"], timeout: 30),
              r.status == 0 else { return nil }
        let p = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.isExecutableFile(atPath: p) ? p : nil
    }()
}

@Suite(.serialized) struct ClaudeCodeE2ETests {
    /// Skipped where the CLI is missing, except under CI (CI=true), where its absence is a failure.
    @Test(.enabled(if: ClaudeCLI.path != nil || ProcessInfo.processInfo.environment["CI"] == "true",
                   "Claude Code CLI not installed (pip install claude-agent-sdk)"))
    func forbiddenToolCallsComeBackBlocked() throws {
        let f = GuardFixture()
        let claude = try #require(ClaudeCLI.path, "Claude Code CLI not installed: pip install claude-agent-sdk (scripts/test.sh does), or set RIGOR_CLAUDE_BIN")
        let work = TempDirectory(prefix: "rigor-e2e")
        let steps: [[[String: Any]]] = [
            [["type": "tool_use", "name": "Read", "input": ["file_path": f.spec]]],
            [["type": "tool_use", "name": "Bash", "input": ["command": "chmod 644 experiments/exp-001-x.md", "description": "make writable"]]],
            [["type": "tool_use", "name": "Write", "input": ["file_path": f.spec, "content": "hacked\n"]]],
            [["type": "tool_use", "name": "Edit", "input": ["file_path": f.spec, "old_string": "line a", "new_string": "line b"]]],
            [["type": "tool_use", "name": "Bash", "input": ["command": "echo pwned > RESEARCH_LOG.md", "description": "log"]]],
            [["type": "tool_use", "name": "Write", "input": ["file_path": f.root + "/results/../experiments/exp-009-new.md", "content": "new spec\n"]]],
            [["type": "tool_use", "name": "Bash", "input": ["command": "echo ok > results/exp-001-x/note.txt", "description": "allowed"]]],
        ]
        try JSONSerialization.data(withJSONObject: steps).write(to: URL(fileURLWithPath: work.path + "/script.json"))
        let log = work.path + "/requests.jsonl", portFile = work.path + "/port"
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", RepoPaths.root + "/Tests/RigorGuardTests/Support/anthropic_stub_server.py",
                            "--script", work.path + "/script.json", "--log", log, "--port-file", portFile, "--max-seconds", "240"]
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer { let t = Date(); server.terminate(); server.waitUntilExit(); print("e2e: server stop \(Date().timeIntervalSince(t)) s") }
        var port = ""
        for _ in 0..<200 where port.isEmpty {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
            if port.isEmpty { usleep(50_000) }
        }
        try #require(!port.isEmpty, "stub server did not start")

        let settings = work.path + "/settings.json"
        let s = try runProcess([RepoPaths.rigorBinary, "guard", "claude-settings", f.spec, "--out", settings], cwd: f.root)
        try #require(s.status == 0, "\(s.stderr)")
        let home = work.path + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let env = ["HOME": home, "ANTHROPIC_BASE_URL": "http://127.0.0.1:\(port)", "ANTHROPIC_API_KEY": "dummy",
                   "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_AUTOUPDATER": "1", "DISABLE_TELEMETRY": "1",
                   "DISABLE_ERROR_REPORTING": "1", "CLAUDE_CODE_ENABLE_TELEMETRY": "0"]
        // Output goes to files: the CLI leaves helper processes that would hold a pipe open.
        let t0 = Date()
        let out = work.path + "/claude.out", err = work.path + "/claude.err"
        let status = try runProcess(["/bin/sh", "-c", "exec \"$0\" \"$@\" > \(out) 2> \(err) < /dev/null", claude,
                                     "-p", "Run the experiment.", "--output-format", "stream-json", "--verbose",
                                     "--settings", settings, "--model", "claude-sonnet-4-5", "--allowedTools", "Bash,Write,Edit,Read"],
                                    cwd: f.root, environment: env, timeout: 180).status
        print("e2e: claude ran \(Date().timeIntervalSince(t0)) s")
        let r = (status: status, stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
        #expect(r.status == 0, "claude exit \(r.status): \(r.stderr.suffix(2000))")

        // What the model was told about each of its tool calls (the last request holds the whole conversation).
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        var last: [[String: Any]] = []
        for l in lines {
            guard let o = try? JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any],
                  let body = o["body"] as? [String: Any], body["tools"] != nil, let msgs = body["messages"] as? [[String: Any]] else { continue }
            if msgs.count >= last.count { last = msgs }
        }
        var results: [String: (isError: Bool, text: String)] = [:]
        var calls: [(id: String, name: String)] = []
        for m in last {
            guard let content = m["content"] as? [[String: Any]] else { continue }
            for b in content {
                if b["type"] as? String == "tool_use" {
                    let id = try #require(b["id"] as? String, "tool_use without an id: \(b)")
                    let name = try #require(b["name"] as? String, "tool_use without a name: \(b)")
                    calls.append((id, name))
                }
                if b["type"] as? String == "tool_result", let id = b["tool_use_id"] as? String {
                    let text = (b["content"] as? String) ?? "\(b["content"] ?? "")"
                    results[id] = ((b["is_error"] as? Bool) ?? false, text)
                }
            }
        }
        try #require(calls.count == steps.count, "model saw \(calls.count) tool calls; stderr: \(r.stderr.suffix(1500))")
        let expectBlocked = [false, true, true, true, true, true, false]
        for (i, c) in calls.enumerated() {
            let res = try #require(results[c.id], "no tool_result for call \(i) \(c.name)")
            if expectBlocked[i] {
                #expect(res.isError, "call \(i) \(c.name) not an error: \(res.text)")
                // The hook's own reason: the command policy's for Bash, the protected-file rule's for file tools.
                let reason = c.name == "Bash" ? "Blocked by Rigor's command policy" : "Blocked by Rigor: \(c.name) on "
                #expect(res.text.contains(reason), "call \(i) \(c.name): \(res.text)")
            } else {
                #expect(!res.isError, "call \(i) \(c.name) failed: \(res.text)")
            }
        }
        #expect(f.read("experiments/exp-001-x.md") == "# exp-001 spec\nline a\n")
        #expect(f.read("RESEARCH_LOG.md") == "RESEARCH_LOG.md\n")
        #expect(!FileManager.default.fileExists(atPath: f.abs("experiments/exp-009-new.md")))
        #expect(f.read("results/exp-001-x/note.txt") == "ok\n")
    }
}
