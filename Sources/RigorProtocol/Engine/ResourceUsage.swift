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
        intervals.sort { $0.0 < $1.0 }
        var total = 0.0
        var current: (Double, Double)?
        for iv in intervals {
            if let c = current, iv.0 <= c.1 { current = (c.0, max(c.1, iv.1)) }
            else { if let c = current { total += c.1 - c.0 }; current = iv }
        }
        if let c = current { total += c.1 - c.0 }
        wallClockSeconds = total + unparsed
    }

    public var json: JSONValue {
        .object(JSONObject([
            ("gpu_hours", .number(gpuHours)), ("wall_clock_seconds", .number(wallClockSeconds)),
            ("total_training_steps", .number(Double(totalTrainingSteps))), ("total_runs", .number(Double(totalRuns))),
        ]))
    }
}
