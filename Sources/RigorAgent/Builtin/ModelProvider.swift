import Foundation
import RigorBasics
import RigorHTTP

/// A model API the builtin agent talks to: the conversation goes out in the provider's own
/// wire format, the streamed answer comes back assembled.
protocol ModelProvider: Sendable {
    var provider: String { get }
    var model: String { get }
    func answer(_ conversation: Conversation, tools: [AgentTool], maxOutputTokens: Int, http: StreamingHTTPClient,
                onRetry: @Sendable (Int, Int?, String) -> Void) async throws(ModelError) -> ModelAnswer
    /// The prompt's size in the provider's own count.
    func promptTokens(_ usage: TokenUsage) -> Int
}

extension AnthropicMessagesClient: ModelProvider {
    var provider: String { "anthropic" }

    func answer(_ conversation: Conversation, tools: [AgentTool], maxOutputTokens: Int, http: StreamingHTTPClient,
                onRetry: @Sendable (Int, Int?, String) -> Void) async throws(ModelError) -> ModelAnswer {
        try await send(Self.body(conversation, tools: tools, maxOutputTokens: maxOutputTokens), http: http, onRetry: onRetry)
    }

    /// Input tokens exclude those read from or written to the cache.
    func promptTokens(_ u: TokenUsage) -> Int { u.input + u.cacheRead + u.cacheCreation }

    /// Messages API: `system` apart, `tool_use` blocks in the assistant's content, `tool_result`
    /// blocks in the next user message.
    static func body(_ c: Conversation, tools: [AgentTool], maxOutputTokens: Int) -> JSONObject {
        var messages: [JSONValue] = [["role": "user", "content": .string(c.task)]]
        for turn in c.turns {
            switch turn {
            case .assistant(let text, let calls):
                var blocks: [JSONValue] = text.isEmpty ? [] : [["type": "text", "text": .string(text)]]
                blocks += calls.map { ["type": "tool_use", "id": .string($0.id), "name": .string($0.name), "input": $0.input] }
                if blocks.isEmpty { blocks = [["type": "text", "text": "(no text)"]] }
                messages.append(["role": "assistant", "content": .array(blocks)])
            case .results(let results):
                messages.append(["role": "user", "content": .array(results.map {
                    ["type": "tool_result", "tool_use_id": .string($0.id), "content": .string($0.content), "is_error": .bool($0.isError)]
                })])
            }
        }
        return JSONObject([
            ("max_tokens", .number(Double(maxOutputTokens))), ("system", .string(c.system)), ("messages", .array(messages)),
            ("tools", .array(tools.map { ["name": .string($0.name), "description": .string($0.description), "input_schema": $0.schema] })),
        ])
    }
}

extension OpenAIChatClient: ModelProvider {
    var provider: String { "openai" }

    func answer(_ conversation: Conversation, tools: [AgentTool], maxOutputTokens: Int, http: StreamingHTTPClient,
                onRetry: @Sendable (Int, Int?, String) -> Void) async throws(ModelError) -> ModelAnswer {
        try await send(Self.body(conversation, tools: tools), http: http, onRetry: onRetry)
    }

    /// `prompt_tokens` counts cached tokens too.
    func promptTokens(_ u: TokenUsage) -> Int { u.input }

    /// Chat Completions: a `system` message first, `tool_calls` on the assistant's message
    /// (arguments as the JSON text the model sent), one `tool` message per result.
    static func body(_ c: Conversation, tools: [AgentTool]) -> JSONObject {
        var messages: [JSONValue] = [["role": "system", "content": .string(c.system)], ["role": "user", "content": .string(c.task)]]
        for turn in c.turns {
            switch turn {
            case .assistant(let text, let calls):
                var m = JSONObject([("role", "assistant"), ("content", text.isEmpty ? .null : .string(text))])
                if !calls.isEmpty {
                    m["tool_calls"] = .array(calls.map {
                        ["id": .string($0.id), "type": "function", "function": ["name": .string($0.name), "arguments": .string($0.raw)]]
                    })
                }
                messages.append(.object(m))
            case .results(let results):
                messages += results.map { ["role": "tool", "tool_call_id": .string($0.id), "content": .string($0.content)] }
            }
        }
        return JSONObject([
            ("messages", .array(messages)),
            ("tools", .array(tools.map { ["type": "function", "function": ["name": .string($0.name), "description": .string($0.description), "parameters": $0.schema]] })),
        ])
    }
}
