import Foundation

/// When and how long to wait before asking a model again: 429, 5xx, a cut stream, a timeout
/// or a reset connection are retried with exponential backoff and jitter, honouring
/// `Retry-After` (seconds); any other 4xx is not.
public struct ModelRetry: Sendable {
    public var maxAttempts: Int
    public var baseSeconds: Double
    public var maxSeconds: Double

    public init(maxAttempts: Int = 6, baseSeconds: Double = 0.5, maxSeconds: Double = 30) {
        self.maxAttempts = maxAttempts; self.baseSeconds = baseSeconds; self.maxSeconds = maxSeconds
    }

    public static func isRetryable(status: Int) -> Bool { status == 429 || status == 408 || (500...599).contains(status) }

    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    public func delay(afterAttempt attempt: Int, retryAfter: String?, random: Double = Double.random(in: 0..<1)) -> Double {
        if let retryAfter, let s = Double(retryAfter.trimmingCharacters(in: .whitespaces)), s >= 0 { return min(s, maxSeconds) }
        let exponential = min(maxSeconds, baseSeconds * pow(2, Double(attempt - 1)))
        return exponential * (0.5 + 0.5 * random)
    }
}
