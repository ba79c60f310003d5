internal import AsyncHTTPClient
import Foundation
internal import NIOCore
internal import NIOHTTP1

/// An HTTP response whose body arrives in pieces (a model's server-sent event stream).
public struct StreamingResponse: Sendable {
    public var status: Int
    /// Header names lower-cased, in the order received.
    public var headers: [(name: String, value: String)]
    public var body: AsyncThrowingStream<[UInt8], any Error>

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }
}

/// Why a request got no response.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    public var url: String
    public var reason: String
    /// Whether trying again may help (connection refused or reset, timeout).
    public var retryable: Bool
    public var description: String { "\(url): \(reason)" }
}

/// POSTs JSON and streams the response body back (AsyncHTTPClient on a shared event loop
/// group). The only HTTP client in Rigor; other modules see `StreamingResponse` only.
public final class StreamingHTTPClient: Sendable {
    private let client: HTTPClient

    public init(connectTimeoutSeconds: Int64 = 30) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(connectTimeoutSeconds), read: .seconds(600))
        // A redirect is not followed: it could carry a key header (x-api-key) to another host.
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Sends `body` to `url` and returns once the response head has arrived.
    public func post(url: String, headers: [(String, String)], body: [UInt8], timeoutSeconds: Int64 = 600) async throws(HTTPTransportError) -> StreamingResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do { response = try await client.execute(request, timeout: .seconds(timeoutSeconds)) } catch {
            throw HTTPTransportError(url: url, reason: Self.describe(error), retryable: true)
        }
        let stream = AsyncThrowingStream<[UInt8], any Error> { continuation in
            let task = Task {
                do {
                    for try await buffer in response.body { continuation.yield(Array(buffer.readableBytesView)) }
                    continuation.finish()
                } catch { continuation.finish(throwing: HTTPTransportError(url: url, reason: Self.describe(error), retryable: true)) }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return StreamingResponse(status: Int(response.status.code),
                                 headers: response.headers.map { (name: $0.name.lowercased(), value: $0.value) }, body: stream)
    }

    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}
