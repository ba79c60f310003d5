import Foundation
import RigorBasics
import RigorSpec

/// Every metric the spec defines is reported somewhere in the file; nothing in baseline or
/// treatment is a metric the spec does not define (a warning). Uses `MetricMatcher`'s rule.
enum SpecMetricsCheck {
    /// Top-level keys whose contents are never searched for metrics.
    static let notSearched: Set<String> = ["experiment", "timestamp", "resource_usage", "abort_triggered", "abort_reason", "notes"]

    static func searchablePaths(_ root: JSONObject) -> [MetricKeyPath] {
        var out: [MetricKeyPath] = []
        for entry in root where !notSearched.contains(entry.key) {
            let pointer = "/" + JSONReader.escapePointer(entry.key)
            out.append(MetricKeyPath(pointer: pointer, keys: [entry.key]))
            out += MetricMatcher.keyPaths(in: entry.value, pointer: pointer, keys: [entry.key])
        }
        return out
    }

    /// Where each spec metric was found (best kind of match only), in spec order.
    static func matches(_ spec: ExperimentSpec, _ root: JSONObject) -> [SpecMetricMatch] {
        let candidates = MetricMatcher.candidates(searchablePaths(root))
        return spec.metrics.map { metric in
            let target = MetricMatcher.Target(metric)
            var best: MetricMatchKind?
            var pointers: [String] = []
            for candidate in candidates {
                guard let kind = MetricMatcher.match(target, candidate) else { continue }
                if best == nil || kind < best! { best = kind; pointers = [candidate.path.pointer] }
                else if kind == best { pointers.append(candidate.path.pointer) }
            }
            return SpecMetricMatch(name: metric.name, key: metric.key, kind: metric.kind, specLine: metric.line,
                                   match: best, pointers: pointers)
        }
    }

    static func check(_ ctx: CheckContext, matches: [SpecMetricMatch]) -> [MetricsViolation] {
        guard let spec = ctx.spec, let root = ctx.root else { return [] }
        var out: [MetricsViolation] = []
        for m in matches where m.match == nil {
            out.append(ctx.inSpec(.specMetricMissing,
                                  "\(m.kind.rawValue) metric \(quoted(m.name)) (key \(m.key)) is not reported: no key of the metrics file matches it",
                                  line: m.specLine))
        }
        let targets = spec.metrics.map(MetricMatcher.Target.init)
        for section in ["baseline", "treatment"] {
            guard let value = root[section], value.objectValue != nil else { continue }
            for candidate in MetricMatcher.candidates(MetricMatcher.keyPaths(in: value, pointer: "/" + section)) {
                let path = candidate.path
                if case .object = valueAt(path, in: value) { continue }
                if path.keys.last == MetricsFile.armLabelKey, case .string = valueAt(path, in: value) { continue }
                let covered = targets.contains { MetricMatcher.match($0, candidate) != nil }
                if !covered {
                    out.append(ctx.violation(.metricNotInSpec,
                                             "\(section) key \(quoted(path.keys.joined(separator: "."))) matches no metric the spec defines; observations belong in notes",
                                             pointer: path.pointer))
                }
            }
        }
        return out
    }

    private static func valueAt(_ path: MetricKeyPath, in value: JSONValue) -> JSONValue? {
        var v: JSONValue? = value
        // Array indices are not part of `keys`; walk objects, stepping into arrays' elements by pointer.
        let parts = path.pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst(2)
        for part in parts {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch v {
            case .object(let o): v = o[key]
            case .array(let a): v = Int(key).flatMap { $0 >= 0 && $0 < a.count ? a[$0] : nil }
            default: return nil
            }
        }
        return v
    }
}

/// Where a spec metric was found in a metrics file.
public struct SpecMetricMatch: Sendable, Equatable {
    public var name: String
    public var key: String
    public var kind: MetricKind
    public var specLine: Int
    /// The strongest kind of match found, nil when the metric is not reported.
    public var match: MetricMatchKind?
    /// JSON pointers of every key matched with that strength.
    public var pointers: [String]

    public var jsonValue: JSONValue {
        .object(JSONObject([
            ("metric", .string(name)), ("key", .string(key)), ("kind", .string(kind.rawValue)),
            ("spec_line", .number(Double(specLine))), ("match", match.map { .string($0.rawValue) } ?? .null),
            ("pointers", .array(pointers.map(JSONValue.string))),
        ]))
    }
}
