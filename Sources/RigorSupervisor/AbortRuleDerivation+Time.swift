import Foundation
import RigorBasics
import RigorSpec

// Time and GPU-hour limits: a total ("Total wall time exceeds 2 hours") is evaluated by the
// protocol engine over the experiment's totals; a limit on one run, model or fit ("Any
// single run takes > 10 minutes") is a live rule, enforced only where the spec's own per-run
// estimate makes it plausible.

extension AbortRuleDerivation {
    static let timeUnits: Set<String> = ["ms", "s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes",
                                         "h", "hr", "hrs", "hour", "hours", "d", "day", "days"]
    static let totalWords: Set<String> = ["total", "experiment", "overall", "entire", "whole"]
    static let perRunWords: Set<String> = ["run", "runs", "model", "models", "fit", "fits", "training", "job", "trial", "seed"]

    /// The first comparison whose number is a duration or GPU-hours.
    static func limitComparison(_ reading: CriterionReading) -> (CriterionComparison, gpuHours: Bool)? {
        for c in reading.comparisons {
            if c.unit.hasPrefix("gpu") || MetricKey.normalize(c.subject).contains("gpu_h") { return (c, true) }
            if timeUnits.contains(c.unit) { return (c, false) }
        }
        return nil
    }

    static func timeLimit(_ c: CriterionComparison, gpuHours: Bool, _ reading: CriterionReading, _ context: AbortDerivationContext)
        -> Derivation {
        guard c.op.hasPrefix(">") else {
            return .skip("a lower bound on time or GPU-hours (\(c.op)) is no abort condition Rigor can check")
        }
        let w = Set(reading.conditionWords)
        let quantity = gpuHours ? "gpu_hours" : "wall"
        let amount = gpuHours ? c.value : (DurationText.seconds(in: c.fromNumber) ?? c.value)
        let limit = "\(quantity) \(c.op) \(format(amount))\(gpuHours ? "" : "s")"
        let what = gpuHours ? "GPU-hours" : "wall-clock"
        if !w.isDisjoint(with: totalWords) {
            return .rule(limit, .experiment, "a total \(what) limit for the experiment; the protocol engine compares it with the experiment's total")
        }
        if !w.isDisjoint(with: perRunWords) {
            return gpuHours ? .rule(limit, .live, "a per-run GPU-hours limit") : perRunTime(amount, context)
        }
        if w.contains("wall") || w.contains("clock") || gpuHours {
            return .rule(limit, .experiment, "a \(what) limit that names no run, model or fit: read as the experiment's total")
        }
        return .skip("does not say what the time limit applies to (no 'run', 'model', 'fit', 'total' or 'wall clock')")
    }

    /// Per-run time limits under this many seconds are not enforced without a per-run estimate.
    public static let minimumUnestimatedLimit = 300.0
    /// A per-run limit must be at least this multiple of the spec's per-run estimate.
    public static let requiredMargin = 3.0

    static func perRunTime(_ limit: Double, _ context: AbortDerivationContext) -> Derivation {
        let rule = "wall > \(format(limit))s"
        let limitText = DurationText.format(seconds: limit)
        if let perRun = perRunEstimate(context) {
            let estimate = "\(DurationText.format(seconds: perRun.seconds)) (\(perRun.source))"
            if limit < requiredMargin * perRun.seconds {
                return .skip("per-run limit \(limitText) is under \(format(requiredMargin))x the spec's own per-run estimate of \(estimate): unrealistic, so not enforced; note the discrepancy in metrics.json notes")
            }
            return .rule(rule, .live, "per-run time limit; at least \(format(requiredMargin))x the spec's per-run estimate of \(estimate)")
        }
        if limit < minimumUnestimatedLimit {
            return .skip("per-run limit \(limitText) is under \(DurationText.format(seconds: minimumUnestimatedLimit)) and the spec gives no per-run estimate to check it against: not enforced blindly")
        }
        return .rule(rule, .live, "per-run time limit (no per-run estimate in the spec to compare with)")
    }

    /// The spec's own expected time per run: estimated_wall_hours / max training runs.
    static func perRunEstimate(_ context: AbortDerivationContext) -> (seconds: Double, source: String)? {
        guard let hours = context.computeProfile?.estimatedWallHours, hours > 0 else { return nil }
        let runs = context.budget?.maxTrainingRuns.flatMap { $0.notApplicable ? nil : $0.value } ?? 0
        guard runs >= 1 else { return nil }
        return (hours * 3600 / runs, "estimated_wall_hours \(format(hours)) / max training runs \(format(runs))")
    }
}
