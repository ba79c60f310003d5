import Foundation
import RigorBasics
import RigorSpec

/// Where the spec a validation used came from.
public enum SpecSource: String, Sendable, Codable {
    /// Given with `--spec`.
    case option
    /// Found in the workspace (`…/experiments/exp-x.md` for `…/results/exp-x/`).
    case workspace
}

/// The outcome of validating one metrics file: every violation, and where each spec metric was found.
public struct MetricsReport: Sendable, Equatable {
    public var metricsPath: String
    public var configPath: String?
    public var specPath: String?
    public var specSource: SpecSource?
    public var specSHA256: String?
    public var violations: [MetricsViolation]
    public var specMetrics: [SpecMetricMatch]
    /// Checks that did not run, each with the reason (e.g. no spec).
    public var checksSkipped: [String]

    public var errorCount: Int { violations.filter { $0.severity == .error }.count }
    public var warningCount: Int { violations.filter { $0.severity == .warning }.count }
    /// True when no error was found (warnings allowed).
    public var isValid: Bool { errorCount == 0 }

    /// Codes with how often each occurs, most frequent first, then by code.
    public var codeCounts: [(code: ViolationCode, count: Int)] {
        var counts: [ViolationCode: Int] = [:]
        for v in violations { counts[v.code, default: 0] += 1 }
        return counts.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.code.rawValue < $1.code.rawValue }
    }

    /// `PATH: N errors, M warnings` (or `no violations`), with the spec used.
    public var summaryLine: String {
        var s = "\(metricsPath): "
        if violations.isEmpty { s += "no violations" } else {
            s += "\(errorCount) error\(errorCount == 1 ? "" : "s"), \(warningCount) warning\(warningCount == 1 ? "" : "s")"
        }
        if let specPath { s += " (checked against \(specPath))" } else { s += " (no spec: spec checks skipped)" }
        return s
    }

    /// The report as JSON, keys in a fixed order.
    public var jsonValue: JSONValue {
        var spec: JSONValue = .null
        if let specPath {
            spec = .object(JSONObject([("path", .string(specPath)), ("source", .string(specSource?.rawValue ?? "option")),
                                       ("sha256", specSHA256.map(JSONValue.string) ?? .null)]))
        }
        let items: [JSONValue] = violations.map { v in
            .object(JSONObject([
                ("code", .string(v.code.rawValue)), ("severity", .string(v.severity.rawValue)), ("message", .string(v.message)),
                ("file", .string(v.file)), ("pointer", v.pointer.map(JSONValue.string) ?? .null),
                ("line", v.line.map { .number(Double($0)) } ?? .null), ("column", v.column.map { .number(Double($0)) } ?? .null),
                ("spec_line", v.specLine.map { .number(Double($0)) } ?? .null),
            ]))
        }
        return .object(JSONObject([
            ("metrics_file", .string(metricsPath)), ("config_file", configPath.map(JSONValue.string) ?? .null),
            ("spec", spec), ("valid", .bool(isValid)), ("errors", .number(Double(errorCount))),
            ("warnings", .number(Double(warningCount))), ("violations", .array(items)),
            ("spec_metrics", .array(specMetrics.map(\.jsonValue))),
            ("checks_skipped", .array(checksSkipped.map(JSONValue.string))),
        ]))
    }
}
