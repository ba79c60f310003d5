import Foundation
import RigorBasics
import RigorSpec
import RigorSupervisor

/// A number a captured run produced, or an aggregate Rigor computes from such numbers.
public struct TraceSource: Sendable, Equatable {
    public enum Kind: String, Sendable { case final, lastLog = "last_log", mean, std, n, seed, file }
    public var kind: Kind
    public var value: Double
    /// The logged key (or `seed`).
    public var key: String
    /// The runs the value comes from, sorted.
    public var runs: [String]
    /// The seed and arm of a single run's value (to prefer the run a per_seed row names).
    public var seed: Int? = nil
    public var arm: String? = nil
    /// For a value read from a run's output file: the file (relative to the results folder) and
    /// where in it (`/a/b` in JSON, `row 3, column loss` in CSV).
    public var file: String? = nil
    public var location: String? = nil

    /// `final value of val_accuracy in run full-a-seed0-a1`, `mean of val_accuracy over 3 runs (…)`.
    public var description: String {
        switch kind {
        case .final: return "final value of \(key) in run \(runs.joined())"
        case .lastLog: return "last logged value of \(key) in run \(runs.joined())"
        case .seed: return "seed of run \(runs.joined())"
        case .file: return "value at \(location ?? "?") in \(file ?? "?"), written by run \(runs.joined())"
        case .mean, .std, .n: return "\(kind.rawValue) of \(key) over \(runs.count) run(s) (\(runs.joined(separator: ", ")))"
        }
    }
}

/// Every source the run records of a results folder offer, in a stable order.
enum TraceSources {
    static func collect(_ records: [RunRecord], resultsDir: String? = nil) -> [TraceSource] {
        var out: [TraceSource] = []
        if let resultsDir {
            for r in records.sorted(by: { $0.runID < $1.runID }) { out += OutputFileNumbers.read(r, resultsDir: resultsDir) }
        }
        var reported: [(record: RunRecord, key: String, value: Double)] = []
        for r in records.sorted(by: { $0.runID < $1.runID }) {
            if let seed = r.seed { out.append(TraceSource(kind: .seed, value: Double(seed), key: "seed", runs: [r.runID], seed: seed, arm: r.arm)) }
            for (k, v) in r.finalMetrics.sorted(by: { $0.key < $1.key }) {
                guard let d = v.doubleValue else { continue }
                out.append(TraceSource(kind: .final, value: d, key: k, runs: [r.runID], seed: r.seed, arm: r.arm))
            }
            for (k, v) in r.lastValues.sorted(by: { $0.key < $1.key }) {
                guard let d = v.doubleValue else { continue }
                out.append(TraceSource(kind: .lastLog, value: d, key: k, runs: [r.runID], seed: r.seed, arm: r.arm))
            }
            // The value a run reports for a key: its final value, else its last logged one.
            var keys = Set(r.finalMetrics.keys).union(r.lastValues.keys)
            keys = keys.filter { (r.finalMetrics[$0] ?? r.lastValues[$0])?.doubleValue != nil }
            for k in keys.sorted() { reported.append((r, k, (r.finalMetrics[k] ?? r.lastValues[k])!.doubleValue!)) }
        }
        // Aggregates over the groups Rigor aggregates by: (phase, arm), arm, phase, all runs.
        var groups: [String: [(String, Double)]] = [:]
        for item in reported {
            let arm = item.record.arm ?? "-"
            let phase = item.record.phase.rawValue
            for group in ["\(phase)|\(arm)", "*|\(arm)", "\(phase)|*", "*|*"] {
                groups[item.key + "\u{0}" + group, default: []].append((item.record.runID, item.value))
            }
        }
        var seen: Set<String> = []
        for (name, members) in groups.sorted(by: { $0.key < $1.key }) {
            let key = String(name.split(separator: "\u{0}").first ?? "")
            let runs = members.map(\.0).sorted()
            guard seen.insert(key + runs.joined(separator: ",")).inserted else { continue }
            let values = members.map(\.1)
            let n = Double(values.count)
            let mean = values.reduce(0, +) / n
            out.append(TraceSource(kind: .mean, value: mean, key: key, runs: runs))
            out.append(TraceSource(kind: .n, value: n, key: key, runs: runs))
            if values.count > 1 {
                let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
                out.append(TraceSource(kind: .std, value: std, key: key, runs: runs))
            }
        }
        return out
    }
}
