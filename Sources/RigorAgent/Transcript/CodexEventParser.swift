import Foundation
import RigorBasics

/// Reads the Codex CLI's `codex exec --json` events, one JSON object per line
/// (`thread.started`, `turn.started`, `item.started` / `item.updated` / `item.completed` with
/// `command_execution`, `agent_message`, `reasoning`, `file_change`, `mcp_tool_call`,
/// `web_search`, `todo_list` and `error` items, `turn.completed` with usage, `turn.failed`,
/// `error`), into transcript entries.
public struct CodexEventParser: AgentOutputParser {
    public private(set) var counts = SessionCounts()
    /// `turn.failed`'s message (the model API could not be used: a 401, retries exhausted).
    public private(set) var modelFailure: String?
    private var started: Set<String> = []
    /// The model Rigor configured (Codex's events do not name it).
    let model: String?

    public init(model: String? = nil) { self.model = model }

    public mutating func entries(forLine line: [UInt8]) -> [TranscriptEntry] {
        guard let o = (try? JSONReader.parse(bytes: line))?.value.objectValue, let type = o["type"]?.stringValue else { return [] }
        switch type {
        case "thread.started":
            return [.session(runtime: "codex", model: model, sessionID: o["thread_id"]?.stringValue, tools: [])]
        case "item.started":
            guard let item = o["item"]?.objectValue, let id = item["id"]?.stringValue else { return [] }
            return call(item, id: id)
        case "item.completed":
            guard let item = o["item"]?.objectValue else { return [] }
            let id = item["id"]?.stringValue ?? ""
            var out = started.contains(id) ? [] : call(item, id: id)
            switch item["type"]?.stringValue {
            case "agent_message":
                if let t = item["text"]?.stringValue, !t.isEmpty { out.append(.assistantText(t)) }
            case "command_execution":
                let output = item["aggregated_output"]?.stringValue ?? ""
                let status = item["exit_code"]?.clampedInt.map { Int32(clamping: $0) }
                let failed = item["status"]?.stringValue == "failed" || (status ?? 0) != 0
                out.append(.toolResult(id: id, isError: failed, content: output + (status.map { "\n[exit status \($0)]" } ?? "")))
                if let refused = KernelRefusal.line(in: output) {
                    counts.blockedCalls += 1
                    out.append(.blocked(id: id, name: "command_execution", by: "kernel", reason: refused))
                }
            case "file_change":
                let changes = (item["changes"]?.arrayValue ?? []).compactMap { c -> String? in
                    guard let p = c["path"]?.stringValue else { return nil }
                    return (c["kind"]?.stringValue ?? "change") + " " + p
                }
                out.append(.toolResult(id: id, isError: item["status"]?.stringValue == "failed", content: changes.joined(separator: "\n")))
            case "mcp_tool_call", "web_search":
                out.append(.toolResult(id: id, isError: item["status"]?.stringValue == "failed", content: item["result"].map { $0.serialized(pretty: false) } ?? ""))
            case "error":
                out.append(.note("codex: " + (item["message"]?.stringValue ?? "error")))
            default:
                break
            }
            return out
        case "turn.completed":
            counts.turns += 1
            guard let u = o["usage"]?.objectValue else { return [] }
            func n(_ k: String) -> Int { u[k]?.clampedInt ?? 0 }
            let usage = TokenUsage(input: n("input_tokens"), output: n("output_tokens"), cacheRead: n("cached_input_tokens"))
            counts.usage = counts.usage + usage
            return [.usage(usage), .end(stopReason: "turn.completed", isError: false, turns: counts.turns, durationMilliseconds: nil)]
        case "turn.failed":
            modelFailure = o["error"]?["message"]?.stringValue ?? "the turn failed"
            return [.end(stopReason: "turn.failed", isError: true, turns: counts.turns, durationMilliseconds: nil),
                    .note("codex: " + (o["error"]?["message"]?.stringValue ?? "the turn failed"))]
        case "error":
            return [.note("codex: " + (o["message"]?.stringValue ?? "error"))]
        default:
            return []
        }
    }

    /// The call an item stands for (commands, file changes, MCP calls, searches), once.
    private mutating func call(_ item: JSONObject, id: String) -> [TranscriptEntry] {
        guard let kind = item["type"]?.stringValue, ["command_execution", "file_change", "mcp_tool_call", "web_search"].contains(kind),
              started.insert(id).inserted else { return [] }
        counts.toolCalls += 1
        var input = JSONObject()
        for key in ["command", "changes", "server", "tool", "arguments", "query"] { if let v = item[key] { input[key] = v } }
        return [.toolCall(id: id, name: kind, input: .object(input))]
    }
}
