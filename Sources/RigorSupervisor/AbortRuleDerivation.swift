import Foundation
import RigorBasics
import RigorSpec

/// A rule derived from a spec abort criterion.
public struct DerivedAbortRule: Sendable, Equatable {
    /// Rule source in the abort-rule language.
    public var rule: String
    public var criterion: AbortCriterion
    /// Why this rule follows from the criterion (for records and `rigor exec` notes).
    public var basis: String
}

/// Turns a spec's abort criteria into abort rules where they are machine-checkable on
/// one run, conservatively (docs/abort-rules.md, "Derived from the spec"): NaN/Inf of the
/// loss or of any logged value, and per-run wall-time limits that the spec's own estimates
/// make plausible.
/// Everything else is returned as not enforced, with the reason.
public enum AbortRuleDerivation {
    /// Per-run time limits under this many seconds are not enforced without a per-run estimate.
    public static let minimumUnestimatedLimit = 300.0
    /// A per-run limit must be at least this multiple of the spec's per-run estimate.
    public static let requiredMargin = 3.0

    public static func rules(from criteria: [AbortCriterion], budget: ResourceBudget? = nil, computeProfile: ComputeProfile? = nil)
        -> (rules: [DerivedAbortRule], notEnforced: [(criterion: AbortCriterion, reason: String)]) {
        var rules: [DerivedAbortRule] = []
        var skipped: [(criterion: AbortCriterion, reason: String)] = []
        for c in criteria {
            switch derive(c, budget: budget, computeProfile: computeProfile) {
            case .rule(let r, let basis): rules.append(DerivedAbortRule(rule: r, criterion: c, basis: basis))
            case .skip(let why): skipped.append((c, why))
            }
        }
        return (rules, skipped)
    }

    private enum Derivation { case rule(String, String), skip(String) }

    private static func words(_ text: String) -> Set<String> {
        Set(text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).map(String.init))
    }

    private static func derive(_ c: AbortCriterion, budget: ResourceBudget?, computeProfile: ComputeProfile?) -> Derivation {
        let w = words(c.text)
        let lower = c.text.lowercased()
        let mentionsNaN = w.contains("nan")
        let mentionsInf = w.contains("inf") || w.contains("infinity") || w.contains("infinite")
        if mentionsNaN || mentionsInf {
            if w.contains("all") {
                return .skip("applies across several runs (\"all\"), not to one run")
            }
            let aboutLoss = w.contains("loss") || w.contains("diverges") || w.contains("diverge")
            let anyValue: Set<String> = ["metric", "metrics", "value", "values", "prediction", "predictions", "output", "outputs", "any", "gradient", "gradients"]
            if !aboutLoss {
                guard !w.isDisjoint(with: anyValue) else {
                    return .skip("names a NaN/Inf of something that is neither the loss nor any logged value; add an explicit --abort rule naming the logged key")
                }
                var parts: [String] = []
                if mentionsNaN { parts.append("any(isnan)") }
                if mentionsInf { parts.append("any(isinf)") }
                return .rule(parts.joined(separator: " or "), "the criterion names a NaN/Inf in any metric, value or prediction: every logged value is checked")
            }
            var parts: [String] = []
            if mentionsNaN { parts.append("isnan(loss)") }
            if mentionsInf { parts.append("isinf(loss)") }
            return .rule(parts.joined(separator: " or "), "the criterion names a NaN/Inf loss; the script must log it as `loss`")
        }
        guard let limit = DurationText.seconds(in: c.text), limit > 0, lower.contains(">") || w.contains("exceeds") || w.contains("takes")
                || w.contains("longer") || w.contains("over") else {
            return .skip("not machine-checkable on one run: it names no logged metric or time limit Rigor can evaluate")
        }
        if w.contains("total") || w.contains("experiment") || w.contains("overall") {
            return .skip("a total wall-clock limit for the experiment: the budget ledger meters it, and the RUN-phase rules apply total budgets loosely (complete the phase, report partial results)")
        }
        let perRunWords: Set<String> = ["run", "runs", "model", "models", "fit", "fits", "training"]
        guard !w.isDisjoint(with: perRunWords) else {
            return .skip("does not say it limits a single run (no 'run', 'model' or 'fit'); not enforced per run")
        }
        let limitText = DurationText.format(seconds: limit)
        if let perRun = perRunEstimate(budget: budget, computeProfile: computeProfile) {
            if limit < requiredMargin * perRun.seconds {
                return .skip("per-run limit \(limitText) is under \(EventValues.format(requiredMargin))x the spec's own per-run estimate of \(DurationText.format(seconds: perRun.seconds)) (\(perRun.source)): unrealistic, so not enforced; note the discrepancy in metrics.json notes")
            }
            return .rule("wall > \(EventValues.format(limit))s", "per-run time limit; at least \(EventValues.format(requiredMargin))x the spec's per-run estimate of \(DurationText.format(seconds: perRun.seconds)) (\(perRun.source))")
        }
        if limit < minimumUnestimatedLimit {
            return .skip("per-run limit \(limitText) is under \(DurationText.format(seconds: minimumUnestimatedLimit)) and the spec gives no per-run estimate to check it against: not enforced blindly")
        }
        return .rule("wall > \(EventValues.format(limit))s", "per-run time limit (no per-run estimate in the spec to compare with)")
    }

    /// The spec's own expected time per run: estimated_wall_hours / max training runs.
    private static func perRunEstimate(budget: ResourceBudget?, computeProfile: ComputeProfile?) -> (seconds: Double, source: String)? {
        guard let hours = computeProfile?.estimatedWallHours, hours > 0 else { return nil }
        let runs = budget?.maxTrainingRuns.flatMap { $0.notApplicable ? nil : $0.value } ?? 0
        guard runs >= 1 else { return nil }
        return (hours * 3600 / runs, "estimated_wall_hours \(EventValues.format(hours)) / max training runs \(EventValues.format(runs))")
    }
}
