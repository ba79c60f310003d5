import Foundation
import RigorBasics
import RigorProtocol
import RigorSpec
import RigorSupervisor

/// The metrics.json Rigor writes when the agent left none (or one that is not JSON): the
/// contract's structure, `abort_triggered: true` with a factual reason, the values of the
/// supervised runs (final value of each logged key, else its last logged value) in
/// `per_seed`, and the ledger's resource usage. Nothing in it is interpreted or invented.
public enum FallbackMetrics {
    public static func build(spec: ExperimentSpec, resultsDir: String, reason: String, extraNotes: [String] = []) -> JSONValue {
        let records = RunRecordFile.all(experimentDir: resultsDir).records.sorted { ($0.startedAt, $0.runID) < ($1.startedAt, $1.runID) }
        var perSeed: [JSONValue] = []
        var unseeded: [String] = []
        for r in records {
            var values = JSONObject()
            for (k, v) in r.lastValues where r.finalMetrics[k] == nil { values[k] = v }
            for (k, v) in r.finalMetrics { values[k] = v }
            guard let seed = r.seed else { unseeded.append(r.runID); continue }
            var row = JSONObject([("seed", .number(Double(seed))), ("arm", r.arm.map { .string($0) } ?? .null),
                                  ("run", .string(r.runID)), ("phase", .string(r.phase.rawValue)), ("status", .string(r.status.rawValue))])
            for k in values.keys.sorted() where row[k] == nil { row[k] = values[k] ?? .null }
            perSeed.append(.object(row))
        }
        let ledger = (try? BudgetLedger(experimentDir: resultsDir).read(reconciling: true))
        let usage = ledger.map { ResourceUsage(ledger: $0).json } ?? ResourceUsage(records: records).json
        var notes = ["metrics.json written by Rigor, not by the agent: \(reason)",
                     "per_seed lists the \(perSeed.count) supervised run(s) with a seed, with their final (else last logged) values"]
        if !unseeded.isEmpty { notes.append("\(unseeded.count) run(s) without a seed are in runs/ only: \(unseeded.joined(separator: ", "))") }
        if let ledger { notes.append("resource_usage counts " + ledger.includes) }
        notes += extraNotes
        return .object(JSONObject([
            ("experiment", .string(spec.experimentID)),
            ("timestamp", .string(ISOTimestamp.now())),
            ("baseline", .object(JSONObject())),
            ("treatment", .object(JSONObject())),
            ("per_seed", .array(perSeed)),
            ("sanity_checks", .object(JSONObject())),
            ("resource_usage", usage),
            ("abort_triggered", .bool(true)),
            ("abort_reason", .string(reason)),
            ("notes", .string(notes.joined(separator: "; "))),
        ]))
    }
}
