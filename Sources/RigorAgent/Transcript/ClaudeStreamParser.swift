import Foundation
import RigorBasics

/// Reads Claude Code's `--output-format stream-json` output, one JSON object per line
/// (`system` init and api_retry, `assistant` messages with text and tool_use blocks, `user`
/// messages with tool_result blocks, the final `result`), into transcript entries.
public struct ClaudeStreamParser: AgentOutputParser {
    /// Tool calls seen, by id (to name the tool of a blocked result).
    private var toolNames: [String: String] = [:]
    /// Message ids whose usage was counted (a message arrives once per content block).
    private var countedMessages: Set<String> = []
    public private(set) var turns = 0
    public private(set) var toolCalls = 0
    public private(set) var blockedCalls = 0
    /// Tokens per model turn, summed.
    public private(set) var usage = TokenUsage()
    /// The session's total as the runtime reported it at the end (preferred when present).
    public private(set) var reportedUsage: TokenUsage?
    public private(set) var ended = false

    public init() {}

    public var totalUsage: TokenUsage { reportedUsage ?? usage }

    public var counts: SessionCounts {
        var c = SessionCounts()
        c.turns = turns; c.toolCalls = toolCalls; c.blockedCalls = blockedCalls; c.usage = totalUsage
        return c
    }

    /// The entries one line of output gives (none for lines that are not Claude Code events).
    public mutating func entries(forLine line: [UInt8]) -> [TranscriptEntry] {
        guard let o = (try? JSONReader.parse(bytes: line))?.value.objectValue, let type = o["type"]?.stringValue else { return [] }
        switch type {
        case "system":
            if o["subtype"]?.stringValue == "init" {
                let tools = o["tools"]?.arrayValue?.compactMap(\.stringValue) ?? []
                return [.session(runtime: "claude", model: o["model"]?.stringValue, sessionID: o["session_id"]?.stringValue, tools: tools)]
            }
            if o["subtype"]?.stringValue == "api_retry" {
                return [.apiRetry(attempt: o["attempt"]?.clampedInt ?? 0, status: o["error_status"]?.clampedInt,
                                  error: o["error"]?.stringValue)]
            }
            return []
        case "assistant":
            guard let message = o["message"]?.objectValue else { return [] }
            var out: [TranscriptEntry] = []
            let id = message["id"]?.stringValue ?? UUID().uuidString
            if countedMessages.insert(id).inserted {
                turns += 1
                if let u = message["usage"]?.objectValue {
                    let t = TokenUsage(anthropic: u)
                    usage = usage + t
                    out.append(.usage(t))
                }
            }
            for block in message["content"]?.arrayValue ?? [] {
                guard let b = block.objectValue else { continue }
                switch b["type"]?.stringValue {
                case "text": if let t = b["text"]?.stringValue, !t.isEmpty { out.append(.assistantText(t)) }
                case "tool_use":
                    let callID = b["id"]?.stringValue ?? ""
                    let name = b["name"]?.stringValue ?? ""
                    toolNames[callID] = name
                    toolCalls += 1
                    out.append(.toolCall(id: callID, name: name, input: b["input"] ?? .null))
                default: continue
                }
            }
            return out
        case "user":
            var out: [TranscriptEntry] = []
            for block in o["message"]?["content"]?.arrayValue ?? [] {
                guard let b = block.objectValue, b["type"]?.stringValue == "tool_result" else { continue }
                let callID = b["tool_use_id"]?.stringValue ?? ""
                let isError = b["is_error"]?.boolValue ?? false
                let content = Self.text(of: b["content"])
                out.append(.toolResult(id: callID, isError: isError, content: content))
                if let by = Self.blockedBy(content, isError: isError) {
                    blockedCalls += 1
                    out.append(.blocked(id: callID, name: toolNames[callID] ?? "", by: by, reason: KernelRefusal.firstLine(content)))
                }
            }
            return out
        case "result":
            ended = true
            if let u = o["usage"]?.objectValue { reportedUsage = TokenUsage(anthropic: u) }
            let n = o["num_turns"]?.clampedInt
            return [.end(stopReason: o["stop_reason"]?.stringValue ?? o["subtype"]?.stringValue, isError: o["is_error"]?.boolValue ?? false,
                         turns: n, durationMilliseconds: o["duration_ms"]?.doubleValue)]
        default:
            return []
        }
    }


    /// A tool result's text: a string, or the text blocks of an array.
    static func text(of value: JSONValue?) -> String {
        if let s = value?.stringValue { return s }
        return (value?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }

    /// `hook` when Claude Code reports that a PreToolUse hook refused the call, `kernel` when a
    /// command failed on the sandbox's read-only mounts, nil otherwise.
    static func blockedBy(_ content: String, isError: Bool) -> String? {
        if content.contains("PreToolUse:") && content.contains("hook") { return "hook" }
        if content.contains(KernelRefusal.marker) { return "kernel" }
        return nil
    }
}
