import Foundation
import RigorBasics

/// The builtin agent's session as the model sees it: the system prompt (Rigor's RUN prompt),
/// the task, then the model's turns and the tools' results. Kept inside the model's context
/// window by `ContextWindow`, which shortens old tool output and never the system prompt or
/// the task.
struct Conversation: Sendable {
    /// One tool result as sent back to the model.
    struct ToolResult: Sendable {
        var id: String
        var name: String
        var content: String
        var isError: Bool
        var shortened = false
    }

    enum Turn: Sendable {
        case assistant(text: String, calls: [Call])
        case results([ToolResult])
    }

    /// A tool call as the model made it; `input` is what is sent back (an object, `{}` when the
    /// arguments were not JSON), `raw` the arguments as they came.
    struct Call: Sendable {
        var id: String
        var name: String
        var input: JSONValue
        var raw: String
        var shortened = false
    }

    let system: String
    let task: String
    var turns: [Turn] = []

    /// Rough size in tokens (4 bytes each), as providers count English and code.
    static func tokens(_ text: String) -> Int { text.utf8.count / 4 + 1 }

    func estimatedTokens(tools: [AgentTool]) -> Int { estimatedTokens(toolTokens: Self.tokens(tools)) }

    func estimatedTokens(toolTokens: Int) -> Int {
        turns.reduce(Self.tokens(system) + Self.tokens(task) + 8 + toolTokens) { $0 + Self.tokens($1) }
    }

    /// The tools' descriptions and schemas, as sent with every request.
    static func tokens(_ tools: [AgentTool]) -> Int {
        tools.reduce(0) { $0 + tokens($1.description) + tokens($1.schema.serialized(pretty: false)) }
    }

    static func tokens(_ turn: Turn) -> Int {
        switch turn {
        case .assistant(let text, let calls): return tokens(text) + calls.reduce(0) { $0 + tokens($1.raw) + tokens($1.name) + 8 } + 4
        case .results(let results): return results.reduce(0) { $0 + tokens($1.content) + 8 }
        }
    }
}

/// Keeps a conversation inside the model's context window: when the estimate (calibrated by
/// the provider's own token counts) passes the window less the room kept for the answer, the
/// oldest tool results are shortened first (head kept, the rest replaced by a note), then the
/// long inputs of old tool calls (file contents written); the system prompt, the task and the
/// latest turn are never touched.
struct ContextWindow: Sendable {
    let tokens: Int
    let reserve: Int
    /// Provider tokens per estimated token, learned from the answers (at least 1).
    var calibration = 1.0

    static let keptHead = 400

    init(tokens: Int, reserve: Int) {
        self.tokens = tokens
        self.reserve = min(reserve, tokens / 4)
    }

    var budget: Int { tokens - reserve }

    mutating func learn(promptTokens: Int, estimated: Int) {
        guard promptTokens > 0, estimated > 0 else { return }
        calibration = max(1.0, Double(promptTokens) / Double(estimated))
    }

    /// Shortens `conversation` until it fits; returns how many items were shortened and the
    /// tokens saved (estimated).
    func fit(_ conversation: inout Conversation, tools: [AgentTool], target: Int? = nil) -> (items: Int, saved: Int) {
        let limit = Double(target ?? budget) / calibration
        var current = Double(conversation.estimatedTokens(tools: tools))
        guard current > limit else { return (0, 0) }
        let before = current
        var items = 0
        let last = conversation.turns.count - 1
        // Tool results first, oldest first; then the long inputs of old tool calls.
        for pass in 0..<2 {
            for i in 0..<max(0, last) where current > limit {
                let old = Double(Conversation.tokens(conversation.turns[i]))
                switch conversation.turns[i] {
                case .results(var results) where pass == 0:
                    for j in results.indices where !results[j].shortened && results[j].content.utf8.count > Self.keptHead * 2 {
                        results[j].content = Self.shorten(results[j].content)
                        results[j].shortened = true
                        items += 1
                    }
                    conversation.turns[i] = .results(results)
                case .assistant(let text, var calls) where pass == 1:
                    for j in calls.indices where !calls[j].shortened && calls[j].raw.utf8.count > Self.keptHead * 2 {
                        calls[j].input = Self.shorten(calls[j].input)
                        calls[j].raw = calls[j].input.serialized(pretty: false)
                        calls[j].shortened = true
                        items += 1
                    }
                    conversation.turns[i] = .assistant(text: text, calls: calls)
                default: continue
                }
                current -= old - Double(Conversation.tokens(conversation.turns[i]))
            }
        }
        return (items, Int(before - current))
    }

    static func shorten(_ text: String) -> String {
        let bytes = Array(text.utf8)
        return String(decoding: bytes.prefix(keptHead), as: UTF8.self)
            + "\n[… \(bytes.count - keptHead) bytes of this old output were removed to keep the conversation inside the model's context window; run the tool again if it is needed …]"
    }

    static func shorten(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let s) where s.utf8.count > keptHead * 2: return .string(shorten(s))
        case .object(let o): return .object(JSONObject(o.map { ($0.key, shorten($0.value)) }))
        case .array(let a): return .array(a.map { shorten($0) })
        default: return value
        }
    }
}
