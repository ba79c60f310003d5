import Foundation
import RigorBasics
import RigorHTTP

/// Reads one provider's stream into a `ModelAnswer`.
public protocol StreamAssembler: Sendable {
    init()
    mutating func consume(_ event: ServerSentEvent)
    /// The answer so far (`complete` once the provider's end marker arrived).
    var result: ModelAnswer { get }
    /// An error the stream itself carried.
    var streamError: String? { get }
}

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

/// Where a request goes and as whom.
public struct ModelEndpoint: Sendable {
    public var provider: String
    public var model: String
    public var url: String
    public var headers: [(String, String)]
    /// Values never to appear in an error (the key).
    public var secrets: [String]

    /// A base URL as a provider's SDK takes it, without its trailing slash.
    static func withoutTrailingSlash(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }
}

/// One streamed model request with retries (`ModelRetry`): the body gets the endpoint's `model`
/// and `stream: true`; a 200 whose stream ends properly is the answer; 429, 5xx, a cut stream
/// and transport failures are tried again; any other status fails at once with the provider's
/// message (`{"error": {"message": …}}`).
enum ModelRequestLoop {
    /// The most bytes one streamed answer may take.
    static let maxAnswerBytes = 64 << 20

    static func send<A: StreamAssembler>(_ request: JSONObject, to endpoint: ModelEndpoint, retry: ModelRetry, http: StreamingHTTPClient,
                                         as _: A.Type, onRetry: @Sendable (Int, Int?, String) -> Void) async throws(ModelError) -> ModelAnswer {
        var request = request
        request["model"] = .string(endpoint.model)
        request["stream"] = .bool(true)
        let body = Array(JSONValue.object(request).serialized(pretty: false).utf8)
        let redactor = Redactor(secrets: endpoint.secrets)
        var attempt = 0
        while true {
            attempt += 1
            if Task.isCancelled { throw ModelError(provider: endpoint.provider, model: endpoint.model, status: nil, message: "the request was cancelled") }
            let failure: (status: Int?, why: String, retryAfter: String?, retryable: Bool)
            do {
                let response = try await http.post(url: endpoint.url, headers: endpoint.headers, body: body)
                if response.status == 200 {
                    var parser = ServerSentEventParser()
                    var assembler = A()
                    var received = 0
                    do {
                        for try await chunk in response.body {
                            received += chunk.count
                            if received > Self.maxAnswerBytes { break }
                            for event in parser.feed(chunk) { assembler.consume(event) }
                        }
                    } catch {}
                    let answer = assembler.result
                    if received > Self.maxAnswerBytes {
                        failure = (nil, "the answer's stream passed \(Self.maxAnswerBytes >> 20) MB; it was not read further", nil, false)
                    } else if answer.complete {
                        return answer
                    } else {
                        failure = (nil, assembler.streamError ?? "the stream ended before the answer was complete", nil, true)
                    }
                } else {
                    var text: [UInt8] = []
                    do { for try await chunk in response.body { text += chunk; if text.count >= 65536 { break } } } catch {}
                    // `{"error": {"message": …}}` (OpenAI, Anthropic, vLLM) or `{"error": "…"}` (Ollama, llama.cpp).
                    let error = (try? JSONReader.parse(bytes: text))?.value["error"]
                    let message = error?["message"]?.stringValue ?? error?.stringValue ?? String(decoding: text.prefix(300), as: UTF8.self)
                    failure = (response.status, message, response.header("retry-after"), ModelRetry.isRetryable(status: response.status))
                }
            } catch {
                failure = (nil, error.reason, nil, error.retryable)
            }
            let why = redactor.redact(failure.why)
            guard failure.retryable, attempt < retry.maxAttempts else {
                throw ModelError(provider: endpoint.provider, model: endpoint.model, status: failure.status, message: why)
            }
            onRetry(attempt, failure.status, why)
            let wait = retry.delay(afterAttempt: attempt, retryAfter: failure.retryAfter)
            try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
        }
    }
}
