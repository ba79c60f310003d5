import Foundation
import RigorBasics
import RigorSupervisor

/// resource_usage summed from run records.
public struct ResourceUsage: Sendable, Equatable {
    public var gpuHours: Double
    /// Time during which at least one run was in progress (union of the runs' [start, start + wall] intervals).
    public var wallClockSeconds: Double
    public var totalTrainingSteps: Int
    public var totalRuns: Int

    public init(records: [RunRecord]) {
        gpuHours = records.reduce(0) { $0 + $1.gpuHours }
        totalTrainingSteps = records.reduce(0) { $0 + $1.steps }
        totalRuns = records.count
        var intervals: [(Double, Double)] = []
        var unparsed = 0.0
        for r in records {
            if let start = ProtocolClock.parse(r.startedAt)?.timeIntervalSince1970 {
                intervals.append((start, start + max(0, r.wallSeconds)))
            } else {
                unparsed += max(0, r.wallSeconds)
            }
        }
        let total = IntervalUnion.length(intervals)
        wallClockSeconds = total + unparsed
    }

    /// The experiment's one accounting: the budget ledger (every run of the experiment, protocol
    /// and `rigor exec`, every attempt), the same figures `rigor budget` and `rigor status` show.
    public init(ledger summary: LedgerSummary) {
        gpuHours = summary.gpuHours
        wallClockSeconds = summary.wallSeconds
        totalTrainingSteps = summary.steps
        totalRuns = summary.runsStarted   // runs that started (never-started ones are not in it)
    }

    public var json: JSONValue {
        .object(JSONObject([
            ("gpu_hours", .number(gpuHours)), ("wall_clock_seconds", .number(wallClockSeconds)),
            ("total_training_steps", .number(Double(totalTrainingSteps))), ("total_runs", .number(Double(totalRuns))),
        ]))
    }
}
