import Foundation
import RigorBasics
import RigorHTTP

/// OpenAI-compatible Chat Completions, streamed (`POST {base}/chat/completions`, `stream: true`,
/// usage asked for with `stream_options.include_usage`), with retries (`ModelRetry`). `baseURL`
/// is as OpenAI's SDK takes it, ending in `/v1` (OpenAI, vLLM, Ollama, llama.cpp's server,
/// OpenRouter). The key is sent as a bearer token and appears in no error; a local server
/// without a key gets no Authorization header.
public struct OpenAIChatClient: Sendable {
    public var baseURL: String
    public var model: String
    public var apiKey: String?
    public var retry = ModelRetry()

    public init(baseURL: String = "https://api.openai.com/v1", model: String, apiKey: String?) {
        self.baseURL = ModelEndpoint.withoutTrailingSlash(baseURL)
        self.model = model
        self.apiKey = apiKey
    }

    public func send(_ body: JSONObject, http: StreamingHTTPClient,
                     onRetry: @Sendable (Int, Int?, String) -> Void = { _, _, _ in }) async throws(ModelError) -> ModelAnswer {
        var request = body
        request["stream_options"] = .object(JSONObject([("include_usage", .bool(true))]))
        var headers = [("content-type", "application/json"), ("accept", "text/event-stream")]
        if let apiKey, !apiKey.isEmpty { headers.append(("authorization", "Bearer " + apiKey)) }
        let endpoint = ModelEndpoint(provider: "openai", model: model, url: baseURL + "/chat/completions", headers: headers,
                                     secrets: apiKey.map { [$0] } ?? [])
        return try await ModelRequestLoop.send(request, to: endpoint,
                                               retry: retry, http: http, as: OpenAIChatStreamAssembler.self, onRetry: onRetry)
    }
}

/// Assembles a Chat Completions stream: `choices[0].delta.content` pieces, `tool_calls` pieces
/// keyed by `index` (a server that omits it continues the last call, or starts the first),
/// `finish_reason`, a `usage` chunk, and `[DONE]`. A stream that ends after a `finish_reason`
/// without `[DONE]` (some local servers) counts as complete.
public struct OpenAIChatStreamAssembler: StreamAssembler {
    private var text = ""
    private var calls: [Int: (id: String, name: String, arguments: String)] = [:]
    private var callOrder: [Int] = []
    private var lastIndex: Int?
    private var finish: String?
    private var usage = TokenUsage()
    private var done = false
    public private(set) var streamError: String?

    public init() {}

    public mutating func consume(_ event: ServerSentEvent) {
        if event.data == "[DONE]" { done = true; return }
        guard let o = (try? JSONReader.parse(event.data))?.value.objectValue else { return }
        if let message = o["error"]?["message"]?.stringValue { streamError = message; return }
        if let u = o["usage"]?.objectValue {
            func n(_ k: String) -> Int { u[k]?.clampedInt ?? 0 }
            usage = TokenUsage(input: n("prompt_tokens"), output: n("completion_tokens"),
                               cacheRead: u["prompt_tokens_details"]?["cached_tokens"]?.clampedInt ?? 0)
        }
        guard let choice = o["choices"]?.arrayValue?.first?.objectValue else { return }
        if let reason = choice["finish_reason"]?.stringValue { finish = reason }
        guard let delta = choice["delta"]?.objectValue else { return }
        if let piece = delta["content"]?.stringValue { text += piece }
        for call in delta["tool_calls"]?.arrayValue ?? [] {
            guard let c = call.objectValue else { continue }
            let index = c["index"]?.clampedInt ?? (c["id"]?.stringValue != nil ? (callOrder.last.map { $0 + 1 } ?? 0) : (lastIndex ?? 0))
            lastIndex = index
            if calls[index] == nil { calls[index] = ("", "", ""); callOrder.append(index) }
            if let id = c["id"]?.stringValue, !id.isEmpty { calls[index]?.id = id }
            if let name = c["function"]?["name"]?.stringValue, !name.isEmpty { calls[index]?.name = name }
            if let args = c["function"]?["arguments"]?.stringValue { calls[index]?.arguments += args }
        }
    }

    public var result: ModelAnswer {
        var a = ModelAnswer()
        if !text.isEmpty { a.blocks.append(.text(text)) }
        for i in callOrder {
            guard let c = calls[i] else { continue }
            let raw = c.arguments.isEmpty ? "{}" : c.arguments
            a.blocks.append(.toolCall(id: c.id, name: c.name, input: try? JSONReader.parse(raw).value, rawInput: raw))
        }
        a.stopReason = finish
        a.usage = usage
        a.complete = done || finish != nil
        return a
    }
}
