import Foundation
import RigorBasics
import RigorHTTP

/// Why a model request failed for good: one line naming provider, model, status and the
/// provider's message, never the key.
public struct ModelError: Error, Sendable, CustomStringConvertible {
    public var provider: String
    public var model: String
    public var status: Int?
    public var message: String
    public var description: String {
        "\(provider) (model \(model)): " + (status.map { "HTTP \($0): " } ?? "") + message
    }
}

/// The Anthropic Messages API, streamed (`POST {base}/v1/messages`, `stream: true`), with
/// retries (`ModelRetry`). The key is read from the environment variable named by the caller
/// and sent as `x-api-key`; it appears in no error, log or record.
public struct AnthropicMessagesClient: Sendable {
    public var baseURL: String
    public var model: String
    public var apiKey: String
    public var retry = ModelRetry()
    public static let version = "2023-06-01"

    public init(baseURL: String = "https://api.anthropic.com", model: String, apiKey: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.apiKey = apiKey
    }

    /// Sends one request body (without `model` and `stream`, which are set here) and returns the
    /// assembled answer; `onRetry` hears of each retried failure.
    public func send(_ body: JSONObject, http: StreamingHTTPClient,
                     onRetry: @Sendable (_ attempt: Int, _ status: Int?, _ why: String) -> Void = { _, _, _ in }) async throws(ModelError) -> ModelAnswer {
        var request = body
        request["model"] = .string(model)
        request["stream"] = .bool(true)
        let bytes = Array(JSONValue.object(request).serialized(pretty: false).utf8)
        let redactor = Redactor(secrets: [apiKey])
        var attempt = 0
        while true {
            attempt += 1
            let failure: (status: Int?, why: String, retryAfter: String?, retryable: Bool)
            do {
                let response = try await http.post(url: baseURL + "/v1/messages", headers: [
                    ("content-type", "application/json"), ("anthropic-version", Self.version), ("x-api-key", apiKey),
                    ("accept", "text/event-stream")], body: bytes)
                if response.status == 200 {
                    var parser = ServerSentEventParser()
                    var assembler = AnthropicStreamAssembler()
                    do {
                        for try await chunk in response.body {
                            for event in parser.feed(chunk) { assembler.consume(event) }
                        }
                    } catch {}
                    let answer = assembler.result
                    if answer.complete { return answer }
                    failure = (200, assembler.streamError ?? "the stream ended before message_stop", nil, true)
                } else {
                    var text: [UInt8] = []
                    do { for try await chunk in response.body where text.count < 65536 { text += chunk } } catch {}
                    let message = (try? JSONReader.parse(bytes: text))?.value["error"]?["message"]?.stringValue
                        ?? String(decoding: text.prefix(300), as: UTF8.self)
                    failure = (response.status, message, response.header("retry-after"), ModelRetry.isRetryable(status: response.status))
                }
            } catch {
                failure = (nil, error.reason, nil, error.retryable)
            }
            let why = redactor.redact(failure.why)
            guard failure.retryable, attempt < retry.maxAttempts else {
                throw ModelError(provider: "anthropic", model: model, status: failure.status, message: why)
            }
            onRetry(attempt, failure.status, why)
            let wait = retry.delay(afterAttempt: attempt, retryAfter: failure.retryAfter)
            try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
        }
    }
}
