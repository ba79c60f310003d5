import Foundation
import RigorAgent
import RigorBasics
import Testing

/// Claude Code's stream-json lines, as the real CLI printed them against the scripted server.
struct ClaudeStreamParserTests {
    @Test func aSessionBecomesTranscriptEntriesWithUsageCountedOncePerMessage() {
        var p = ClaudeStreamParser()
        let lines = [
            #"{"type":"system","subtype":"init","cwd":"/w","session_id":"s1","tools":["Bash","Read"],"model":"claude-x"}"#,
            #"{"type":"system","subtype":"api_retry","attempt":1,"max_retries":10,"retry_delay_ms":529,"error_status":429,"error":"rate_limit"}"#,
            #"{"type":"assistant","message":{"id":"m1","content":[{"type":"text","text":"Let me look."}],"usage":{"input_tokens":100,"output_tokens":1,"cache_read_input_tokens":7}}}"#,
            #"{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Write","input":{"file_path":"/w/spec.md"}}],"usage":{"input_tokens":100,"output_tokens":1}}}"#,
            #"{"type":"user","message":{"role":"user","content":[{"tool_use_id":"t1","type":"tool_result","content":"PreToolUse:Write hook error: [rigor hook pre-tool-use]: rigor guard: spec.md is protected\n","is_error":true}]}}"#,
            #"{"type":"user","message":{"role":"user","content":[{"tool_use_id":"t2","type":"tool_result","content":[{"type":"text","text":"sh: 1: cannot create x: Read-only file system"}],"is_error":true}]}}"#,
            #"{"type":"result","subtype":"success","is_error":false,"num_turns":2,"duration_ms":1734,"stop_reason":"end_turn","usage":{"input_tokens":5581,"output_tokens":64,"cache_read_input_tokens":14}}"#,
            "not json at all",
        ]
        let entries = lines.flatMap { p.entries(forLine: Array($0.utf8)) }
        #expect(entries.map(\.type) == ["session", "api_retry", "usage", "assistant_text", "tool_call", "tool_result", "blocked", "tool_result", "blocked", "end"])
        #expect(entries[6] == .blocked(id: "t1", name: "Write", by: "hook", reason: "PreToolUse:Write hook error: [rigor hook pre-tool-use]: rigor guard: spec.md is protected"))
        if case .blocked(_, _, let by, _) = entries[8] { #expect(by == "kernel") } else { Issue.record("\(entries[8])") }
        #expect(p.turns == 1 && p.toolCalls == 1 && p.blockedCalls == 2)
        #expect(p.usage == TokenUsage(input: 100, output: 1, cacheRead: 7))
        #expect(p.totalUsage == TokenUsage(input: 5581, output: 64, cacheRead: 14), "the session's reported total wins")
    }

    @Test func longToolOutputKeepsItsHeadAndTailAndSecretsAreRedacted() {
        let long = String(repeating: "a", count: 40_000) + "MIDDLE" + String(repeating: "z", count: 40_000)
        let o = TranscriptEntry.toolResult(id: "t", isError: false, content: long).json(sequence: 1, time: "t")
        let kept = o["content"]?.stringValue ?? ""
        #expect(kept.hasPrefix("aaaa") && kept.hasSuffix("zzzz") && !kept.contains("MIDDLE") && kept.contains("bytes not kept"))
        #expect(o["content_bytes"] == .number(80_006))
        let r = Redactor(secrets: ["sk-secret-123456"])
        #expect(r.redact("key=sk-secret-123456;") == "key=[redacted];")
    }
}
