import Foundation
import RigorGuard
import RigorTestSupport
import Testing

/// PreToolUse payloads shaped as Claude Code sends them (recorded from the real CLI 2.x:
/// session_id, transcript_path, cwd, prompt_id, permission_mode, hook_event_name, tool_name,
/// tool_input, tool_use_id).
@Suite struct HookTests {
    let f = GuardFixture()

    func payload(_ tool: String, _ input: String) -> Data {
        Data("""
        {"session_id":"69a536dc-e0a9-4267-8746-8b89ded60094","transcript_path":"/root/.claude/projects/x/69a5.jsonl",\
        "cwd":"\(f.root)","prompt_id":"90ead4da","permission_mode":"default","hook_event_name":"PreToolUse",\
        "tool_name":"\(tool)","tool_input":\(input),"tool_use_id":"toolu_3bbd597c6f984dd7814d2afa"}
        """.utf8)
    }

    func evaluate(_ data: Data) throws -> PreToolUseHook.Outcome {
        let set = try f.set()
        return PreToolUseHook.evaluate(input: data, set: set, policy: try CommandPolicy.load(oracle: set, workspaceRoot: f.root))
    }

    @Test func bash() throws {
        #expect(try evaluate(payload("Bash", #"{"command":"chmod 644 experiments/exp-001-x.md","description":"chmod"}"#)) != .allow)
        #expect(try evaluate(payload("Bash", #"{"command":"python3 src/train.py","description":"train","timeout":120000}"#)) == .allow)
    }

    @Test func write() throws {
        #expect(try evaluate(payload("Write", #"{"file_path":"\#(f.spec)","content":"x"}"#)) != .allow)
        #expect(try evaluate(payload("Write", #"{"file_path":"results/../experiments/exp-001-x.md","content":"x"}"#)) != .allow)
        #expect(try evaluate(payload("Write", #"{"file_path":"\#(f.abs("results/exp-001-x/metrics.json"))","content":"{}"}"#)) == .allow)
    }

    @Test func edit() throws {
        #expect(try evaluate(payload("Edit", #"{"file_path":"\#(f.abs("RESEARCH_LOG.md"))","old_string":"a","new_string":"b","replace_all":false}"#)) != .allow)
        #expect(try evaluate(payload("Edit", #"{"file_path":"\#(f.abs("src/train.py"))","old_string":"a","new_string":"b"}"#)) == .allow)
    }

    @Test func multiEdit() throws {
        #expect(try evaluate(payload("MultiEdit", #"{"file_path":"\#(f.abs("results/exp-000-old/metrics.json"))","edits":[{"old_string":"a","new_string":"b"}]}"#)) != .allow)
    }

    @Test func notebookEdit() throws {
        #expect(try evaluate(payload("NotebookEdit", #"{"notebook_path":"\#(f.abs("experiments/nb.ipynb"))","new_source":"x","edit_mode":"insert"}"#)) != .allow)
        #expect(try evaluate(payload("NotebookEdit", #"{"notebook_path":"\#(f.abs("src/nb.ipynb"))","new_source":"x"}"#)) == .allow)
    }

    @Test func readIsAllowed() throws {
        #expect(try evaluate(payload("Read", #"{"file_path":"\#(f.spec)"}"#)) == .allow)
    }

    @Test func symlinkIntoProtectedIsDenied() throws {
        try FileManager.default.createSymbolicLink(atPath: f.abs("src/l.md"), withDestinationPath: f.spec)
        #expect(try evaluate(payload("Write", #"{"file_path":"src/l.md","content":"x"}"#)) != .allow)
    }

    @Test(arguments: ["", "not json", "[1,2]", #"{"tool_name":"Bash"}"#, #"{"tool_name":"Write","tool_input":{}}"#,
                      #"{"tool_name":"Bash","tool_input":{"command":7}}"#, #"{"hook_event_name":"PostToolUse","tool_name":"Read","tool_input":{}}"#])
    func malformedInputFailsClosed(_ text: String) throws {
        guard case .deny(let reason) = try evaluate(Data(text.utf8)) else { Issue.record("allowed: \(text)"); return }
        #expect(reason.hasPrefix("rigor hook:"))
    }

    @Test func denyJSONFollowsTheProtocol() throws {
        let o = try evaluate(payload("Write", #"{"file_path":"\#(f.spec)","content":"x"}"#))
        #expect(o.exitCode == 2)
        let json = try #require(o.json)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let h = try #require(obj["hookSpecificOutput"] as? [String: Any])
        #expect(h["hookEventName"] as? String == "PreToolUse")
        #expect(h["permissionDecision"] as? String == "deny")
        #expect((h["permissionDecisionReason"] as? String)?.contains("experiments/exp-001-x.md") == true)
    }

    @Test func cliExitCodesAndStderr() throws {
        let deny = try runProcess([RepoPaths.rigorBinary, "hook", "pre-tool-use", "--spec", f.spec], cwd: f.root,
                                  stdin: String(decoding: payload("Bash", #"{"command":"sudo rm -rf /"}"#), as: UTF8.self))
        #expect(deny.status == 2)
        #expect(deny.stderr.contains("privilege"))
        #expect(deny.stdout.contains("\"permissionDecision\":\"deny\""))
        let allow = try runProcess([RepoPaths.rigorBinary, "hook", "pre-tool-use"], cwd: f.root,
                                   environment: [PreToolUseHook.specVariable: f.spec],
                                   stdin: String(decoding: payload("Bash", #"{"command":"ls"}"#), as: UTF8.self))
        #expect(allow.status == 0 && allow.stdout.isEmpty)
        let bad = try runProcess([RepoPaths.rigorBinary, "hook", "pre-tool-use", "--spec", f.spec], cwd: f.root, stdin: "{")
        #expect(bad.status == 2 && bad.stderr.contains("malformed"))
    }

    @Test func claudeSettingsRegistersTheHook() throws {
        let out = f.abs("settings.json")
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "claude-settings", f.spec, "--out", out], cwd: f.root)
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        let hooks = try #require(obj["hooks"] as? [String: Any])
        let pre = try #require((hooks["PreToolUse"] as? [[String: Any]])?.first)
        #expect(pre["matcher"] as? String == "*")
        let cmd = try #require((pre["hooks"] as? [[String: Any]])?.first?["command"] as? String)
        #expect(cmd.hasPrefix("/") && cmd.contains("hook pre-tool-use --spec"))
    }
}
