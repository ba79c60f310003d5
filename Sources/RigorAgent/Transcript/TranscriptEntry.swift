import Foundation
import RigorBasics

/// One line of `rigor/transcript.jsonl`, the record of an agent session that every runtime
/// writes the same way (docs/transcript.md). Facts only: what the model said, which tools it
/// called with what input, what came back, which calls the guard blocked, tokens used.
public enum TranscriptEntry: Sendable, Equatable {
    /// The session began: runtime, model, the runtime's session id, the tools it offers.
    case session(runtime: String, model: String?, sessionID: String?, tools: [String])
    case assistantText(String)
    case toolCall(id: String, name: String, input: JSONValue)
    case toolResult(id: String, isError: Bool, content: String)
    /// A tool call the guard refused: `by` is `hook` (before it ran) or `kernel` (it ran and
    /// the read-only mount refused the write).
    case blocked(id: String, name: String, by: String, reason: String)
    /// Tokens of one model turn.
    case usage(TokenUsage)
    /// The runtime retried a model request (status of the failed attempt).
    case apiRetry(attempt: Int, status: Int?, error: String?)
    /// A run the broker started or finished on the agent's request.
    case brokeredRun(id: Int, command: String, status: Int32?)
    /// The session ended, as the runtime reported it.
    case end(stopReason: String?, isError: Bool, turns: Int?, durationMilliseconds: Double?)
    /// Something Rigor observed (time budget reached, the agent's exit status).
    case note(String)

    public var type: String {
        switch self {
        case .session: return "session"
        case .assistantText: return "assistant_text"
        case .toolCall: return "tool_call"
        case .toolResult: return "tool_result"
        case .blocked: return "blocked"
        case .usage: return "usage"
        case .apiRetry: return "api_retry"
        case .brokeredRun: return "brokered_run"
        case .end: return "end"
        case .note: return "note"
        }
    }

    /// Largest tool result kept whole; longer ones keep their head and tail.
    static let contentLimit = 64 << 10

    public func json(sequence: Int, time: String) -> JSONValue {
        var o = JSONObject([("seq", .number(Double(sequence))), ("time", .string(time)), ("type", .string(type))])
        switch self {
        case .session(let runtime, let model, let sessionID, let tools):
            o["runtime"] = .string(runtime); o["model"] = model.map { .string($0) } ?? .null
            o["session_id"] = sessionID.map { .string($0) } ?? .null; o["tools"] = .array(tools.map { .string($0) })
        case .assistantText(let t): o["text"] = .string(t)
        case .toolCall(let id, let name, let input): o["id"] = .string(id); o["name"] = .string(name); o["input"] = input
        case .toolResult(let id, let isError, let content):
            o["id"] = .string(id); o["is_error"] = .bool(isError)
            o["content"] = .string(Self.capped(content)); o["content_bytes"] = .number(Double(content.utf8.count))
        case .blocked(let id, let name, let by, let reason):
            o["id"] = .string(id); o["name"] = .string(name); o["by"] = .string(by); o["reason"] = .string(reason)
        case .usage(let u): o["usage"] = u.json
        case .apiRetry(let attempt, let status, let error):
            o["attempt"] = .number(Double(attempt)); o["status"] = status.map { .number(Double($0)) } ?? .null
            o["error"] = error.map { .string($0) } ?? .null
        case .brokeredRun(let id, let command, let status):
            o["request"] = .number(Double(id)); o["command"] = .string(command)
            o["status"] = status.map { .number(Double($0)) } ?? .null
        case .end(let stop, let isError, let turns, let ms):
            o["stop_reason"] = stop.map { .string($0) } ?? .null; o["is_error"] = .bool(isError)
            o["turns"] = turns.map { .number(Double($0)) } ?? .null; o["duration_ms"] = ms.map { .number($0) } ?? .null
        case .note(let text): o["text"] = .string(text)
        }
        return .object(o)
    }

    static func capped(_ s: String) -> String {
        let bytes = Array(s.utf8)
        guard bytes.count > contentLimit else { return s }
        let half = contentLimit / 2
        return String(decoding: bytes[..<half], as: UTF8.self) + "\n[… \(bytes.count - 2 * half) bytes not kept …]\n" + String(decoding: bytes[(bytes.count - half)...], as: UTF8.self)
    }
}

/// Tokens: input, output, and input read from the provider's cache (and written to it).
public struct TokenUsage: Sendable, Equatable {
    public var input: Int = 0
    public var output: Int = 0
    public var cacheRead: Int = 0
    public var cacheCreation: Int = 0

    public init(input: Int = 0, output: Int = 0, cacheRead: Int = 0, cacheCreation: Int = 0) {
        self.input = input; self.output = output; self.cacheRead = cacheRead; self.cacheCreation = cacheCreation
    }

    /// An Anthropic `usage` object (Claude Code reports the same one).
    public init(anthropic u: JSONObject) {
        func n(_ k: String) -> Int { u[k]?.clampedInt ?? 0 }
        self.init(input: n("input_tokens"), output: n("output_tokens"), cacheRead: n("cache_read_input_tokens"),
                  cacheCreation: n("cache_creation_input_tokens"))
    }

    public static func + (a: TokenUsage, b: TokenUsage) -> TokenUsage {
        TokenUsage(input: a.input + b.input, output: a.output + b.output, cacheRead: a.cacheRead + b.cacheRead, cacheCreation: a.cacheCreation + b.cacheCreation)
    }

    public var json: JSONValue {
        .object(JSONObject([("input_tokens", .number(Double(input))), ("output_tokens", .number(Double(output))),
                            ("cached_input_tokens", .number(Double(cacheRead))), ("cache_creation_input_tokens", .number(Double(cacheCreation)))]))
    }
}
