import Foundation
import RigorSpec

/// How long the RUN phase may take: `--time-budget`, else `time_budget` in rigor.yaml, else the
/// spec's max wall-clock, else `estimated_wall_hours` × 2 with a 15-minute floor; nil when
/// none of these exists (the caller must then ask for `--time-budget`).
public struct TimeBudget: Sendable, Equatable {
    public var seconds: Double
    /// Where it came from (`--time-budget 45m`, `spec line 69: Max wall-clock time …`, …).
    public var source: String

    public static let floorSeconds = 15.0 * 60

    public static func resolve(spec: ExperimentSpec, flag: Double? = nil, configured: Double? = nil) -> TimeBudget? {
        if let flag { return TimeBudget(seconds: flag, source: "--time-budget") }
        if let configured { return TimeBudget(seconds: configured, source: "time_budget in rigor.yaml") }
        if let limit = spec.resourceBudget?.maxWallClockSeconds, !limit.notApplicable, let s = limit.value, s > 0 {
            return TimeBudget(seconds: s, source: "the spec's max wall-clock (line \(limit.line): \(limit.raw.trimmingCharacters(in: .whitespaces)))")
        }
        if let hours = spec.computeProfile?.estimatedWallHours, hours > 0 {
            let seconds = max(floorSeconds, hours * 2 * 3600)
            return TimeBudget(seconds: seconds, source: "estimated_wall_hours \(hours) × 2" + (seconds == floorSeconds ? ", raised to the 15-minute floor" : ""))
        }
        return nil
    }
}
