import Foundation
import RigorBasics

/// Mean, sample standard deviation (n − 1) and count of a metric over runs.
public struct MetricAggregate: Sendable, Equatable {
    public var mean: Double
    /// Sample standard deviation; nil when fewer than two values.
    public var std: Double?
    public var n: Int

    /// Nil when there are no values.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        n = values.count
        mean = values.reduce(0, +) / Double(n)
        if n > 1 {
            let m = mean
            std = (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(n - 1)).squareRoot()
        } else {
            std = nil
        }
    }

    /// `{"mean": …, "std": … | null, "n": …}`.
    public var json: JSONValue {
        .object(JSONObject([("mean", .number(mean)), ("std", std.map { .number($0) } ?? .null), ("n", .number(Double(n)))]))
    }
}
