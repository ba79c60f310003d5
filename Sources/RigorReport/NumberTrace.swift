import Foundation
import RigorBasics
import RigorSpec
import RigorSupervisor

/// One number of metrics.json and where it came from (nil: untraced).
public struct TracedNumber: Sendable, Equatable {
    public var pointer: String
    public var value: Double
    public var source: TraceSource?
    /// For a number in a per_seed row: the row's seed and arm (its run is preferred).
    var rowSeed: Int? = nil
    var rowArm: String? = nil
}

/// `rigor metrics trace`: every number of metrics.json's baseline, treatment, per_seed and
/// sanity_checks, traced to a captured run (final or last logged value, seed) or an aggregate of
/// such values (mean, std, n of named runs), else untraced.
public struct TraceReport: Sendable, Equatable {
    public var metricsPath: String
    public var numbers: [TracedNumber]

    public var traced: Int { numbers.filter { $0.source != nil }.count }
    public var untraced: [String] { numbers.filter { $0.source == nil }.map(\.pointer) }

    /// `41 of 43 numbers traced; untraced: /treatment/sharpe, /per_seed/2/pnl`.
    public var coverage: String {
        "\(traced) of \(numbers.count) numbers traced" + (untraced.isEmpty ? "" : "; untraced: " + untraced.joined(separator: ", "))
    }

    public var json: JSONValue {
        .object(JSONObject([
            ("metrics", .string(metricsPath)),
            ("numbers", .array(numbers.map { n in
                .object(JSONObject([
                    ("pointer", .string(n.pointer)), ("value", .number(n.value)),
                    ("source", n.source.map { s in
                        .object(JSONObject([("kind", .string(s.kind.rawValue)), ("key", .string(s.key)),
                                            ("runs", .array(s.runs.map { .string($0) })), ("value", .number(s.value)),
                                            ("description", .string(s.description))]))
                    } ?? .null),
                ]))
            })),
            ("traced", .number(Double(traced))), ("total", .number(Double(numbers.count))),
            ("untraced", .array(untraced.map { .string($0) })),
        ]))
    }
}

public enum NumberTrace {
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    static let sections = ["baseline", "treatment", "per_seed", "sanity_checks"]

    /// Traces `<resultsDir>/metrics.json` against `<resultsDir>/runs/*/run.json`.
    public static func trace(resultsDir: String) throws(Problem) -> TraceReport {
        let path = resultsDir + "/metrics.json"
        let root: JSONValue
        do { root = try JSONReader.parse(try TextFile.readBytes(path, limit: 64 << 20)).value } catch {
            throw Problem(description: "\(path): cannot be traced: \(error)")
        }
        guard case .object(let top) = root else { throw Problem(description: "\(path): not a JSON object; nothing to trace") }
        let sources = TraceSources.collect(RunRecordFile.all(experimentDir: resultsDir).records, resultsDir: resultsDir)
        var numbers: [TracedNumber] = []
        for section in sections {
            guard let value = top[section] else { continue }
            walk(value, pointer: "/" + section, keys: [], into: &numbers)
        }
        for i in numbers.indices { numbers[i].source = best(for: numbers[i], sources) }
        return TraceReport(metricsPath: path, numbers: numbers)
    }

    static func walk(_ v: JSONValue, pointer: String, keys: [String], row: (seed: Int?, arm: String?) = (nil, nil),
                     into out: inout [TracedNumber]) {
        switch v {
        case .number(let d): out.append(TracedNumber(pointer: pointer, value: d, source: nil, rowSeed: row.seed, rowArm: row.arm))
        case .object(let o):
            var row = row
            if pointer.hasPrefix("/per_seed/") {
                if let s = o["seed"]?.doubleValue, s == s.rounded(), abs(s) < 1e15 { row.seed = Int(s) }
                if let a = o["arm"]?.stringValue { row.arm = a }
            }
            for (k, child) in o { walk(child, pointer: pointer + "/" + JSONReader.escapePointer(k), keys: keys + [k], row: row, into: &out) }
        case .array(let a):
            for (i, child) in a.enumerated() { walk(child, pointer: pointer + "/\(i)", keys: keys, into: &out) }
        default: break
        }
    }

    /// The best source of a number: the same kind of value (a seed for `seed`, n for `n`, a
    /// mean/std for `mean`/`std`), under the same key when one matches, else any key.
    static func best(for number: TracedNumber, _ sources: [TraceSource]) -> TraceSource? {
        let parts = number.pointer.split(separator: "/").map(String.init)
        let last = parts.last ?? ""
        let wanted: Set<TraceSource.Kind>
        switch last {
        case "seed": wanted = [.seed, .file]
        case "n": wanted = [.n, .file]
        case "mean": wanted = [.mean, .file]
        case "std": wanted = [.std, .file]
        default: wanted = [.final, .lastLog, .mean, .file]
        }
        // The metric's name: the last key that is not an aggregate field or an index.
        let name = parts.reversed().first { !["mean", "std", "n"].contains($0) && Int($0) == nil } ?? last
        let candidates = sources.filter { wanted.contains($0.kind) && matches(number.value, $0.value) }
        let normalised = MetricKey.normalize(name)
        // Prefer, in order: the row's own run under the same key, the same key, the row's run, any.
        func ownRun(_ s: TraceSource) -> Bool {
            number.rowSeed != nil && s.seed == number.rowSeed && (number.rowArm == nil || s.arm == number.rowArm)
        }
        let sameKey = { (s: TraceSource) in MetricKey.normalize(s.key) == normalised }
        return candidates.first { ownRun($0) && sameKey($0) } ?? candidates.first(where: sameKey)
            ?? candidates.first(where: ownRun) ?? candidates.first
    }

    /// A written number matches a source when equal, or when it has fewer decimals than the
    /// source and the source rounds to it. Integers written as such must be equal.
    static func matches(_ written: Double, _ source: Double) -> Bool {
        if written == source { return true }
        guard written.isFinite, source.isFinite else { return false }
        let text = JSONValue.format(number: written)
        guard let dot = text.firstIndex(of: "."), !text.contains("e") else { return false }
        let decimals = text.distance(from: text.index(after: dot), to: text.endIndex)
        let half = 0.5 * pow(10, -Double(decimals))
        return abs(source - written) <= half * (1 + 1e-9)
    }
}
