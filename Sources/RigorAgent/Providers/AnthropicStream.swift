import Foundation
import RigorBasics
import RigorHTTP

/// One model answer, assembled from its stream: text and tool calls in order, why it stopped,
/// the tokens it used.
public struct ModelAnswer: Sendable, Equatable {
    public enum Block: Sendable, Equatable {
        case text(String)
        /// A tool call; `input` is nil when its arguments were not valid JSON (`rawInput` holds them).
        case toolCall(id: String, name: String, input: JSONValue?, rawInput: String)
    }
    public var blocks: [Block] = []
    public var stopReason: String?
    public var usage = TokenUsage()
    /// Whether the stream ended properly (message_stop); false when it was cut.
    public var complete = false

    public init() {}
}

/// Assembles an Anthropic Messages stream (`message_start`, `content_block_start` /
/// `content_block_delta` (`text_delta`, `input_json_delta`) / `content_block_stop`,
/// `message_delta`, `message_stop`, `ping`, `error`) as its events arrive.
public struct AnthropicStreamAssembler: StreamAssembler {
    private var answer = ModelAnswer()
    private var texts: [Int: String] = [:]
    private var tools: [Int: (id: String, name: String, json: String)] = [:]
    private var order: [Int] = []
    /// The `error` event's message, when the stream carried one.
    public private(set) var streamError: String?

    public init() {}

    public mutating func consume(_ event: ServerSentEvent) {
        guard let o = (try? JSONReader.parse(event.data))?.value.objectValue else { return }
        let type = o["type"]?.stringValue ?? event.type
        switch type {
        case "message_start":
            if let u = o["message"]?["usage"]?.objectValue { answer.usage = answer.usage + TokenUsage(anthropic: u) }
        case "content_block_start":
            let i = o["index"]?.clampedInt ?? -1
            guard let block = o["content_block"]?.objectValue else { return }
            order.append(i)
            if block["type"]?.stringValue == "tool_use" {
                tools[i] = (block["id"]?.stringValue ?? "", block["name"]?.stringValue ?? "", "")
            } else {
                texts[i] = block["text"]?.stringValue ?? ""
            }
        case "content_block_delta":
            let i = o["index"]?.clampedInt ?? -1
            guard let delta = o["delta"]?.objectValue else { return }
            if let t = delta["text"]?.stringValue { texts[i, default: ""] += t }
            if let j = delta["partial_json"]?.stringValue, tools[i] != nil { tools[i]?.json += j }
        case "message_delta":
            if let stop = o["delta"]?["stop_reason"]?.stringValue { answer.stopReason = stop }
            if let u = o["usage"]?.objectValue {
                // message_delta carries the cumulative output tokens.
                if let out = u["output_tokens"]?.clampedInt { answer.usage.output = out }
            }
        case "message_stop":
            answer.complete = true
        case "error":
            streamError = o["error"]?["message"]?.stringValue ?? "error event"
        default:
            break
        }
    }

    /// The answer as assembled so far (complete when message_stop arrived).
    public var result: ModelAnswer {
        var a = answer
        a.blocks = order.compactMap { i in
            if let t = tools[i] {
                let raw = t.json.isEmpty ? "{}" : t.json
                return .toolCall(id: t.id, name: t.name, input: try? JSONReader.parse(raw).value, rawInput: raw)
            }
            return texts[i].map { .text($0) }
        }
        return a
    }
}
