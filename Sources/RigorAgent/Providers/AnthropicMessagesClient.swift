import Foundation
import RigorBasics
import RigorHTTP

/// The Anthropic Messages API, streamed (`POST {base}/v1/messages`, `stream: true`), with
/// retries (`ModelRetry`). The key is sent as `x-api-key` and appears in no error.
public struct AnthropicMessagesClient: Sendable {
    public var baseURL: String
    public var model: String
    public var apiKey: String
    public var retry = ModelRetry()
    public static let version = "2023-06-01"

    /// `baseURL` as Anthropic's SDK takes it: without `/v1`.
    public init(baseURL: String = "https://api.anthropic.com", model: String, apiKey: String) {
        self.baseURL = ModelEndpoint.withoutTrailingSlash(baseURL)
        self.model = model
        self.apiKey = apiKey
    }

    /// Sends one request body (`model` and `stream` are set here) and returns the assembled
    /// answer; `onRetry` hears of each retried failure (attempt, status, why).
    public func send(_ body: JSONObject, http: StreamingHTTPClient,
                     onRetry: @Sendable (Int, Int?, String) -> Void = { _, _, _ in }) async throws(ModelError) -> ModelAnswer {
        let endpoint = ModelEndpoint(provider: "anthropic", model: model, url: baseURL + "/v1/messages", headers: [
            ("content-type", "application/json"), ("anthropic-version", Self.version), ("x-api-key", apiKey), ("accept", "text/event-stream")],
            secrets: [apiKey])
        return try await ModelRequestLoop.send(body, to: endpoint,
                                               retry: retry, http: http, as: AnthropicStreamAssembler.self, onRetry: onRetry)
    }
}
