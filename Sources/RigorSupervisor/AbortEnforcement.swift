import Foundation
import RigorSpec

// What a spec abort criterion turns into (docs/abort-rules.md, "Derived from the spec"):
// per criterion, either rules with an action and a scope, or the reason it is not enforced.
// The protocol engine applies every scope; `rigor exec` applies only `.live` rules.

/// What happens when a derived rule trips.
public enum AbortAction: String, Sendable, Equatable, CaseIterable {
    /// Stop the experiment and write partial metrics with the reason.
    case abortExperiment = "abort_experiment"
    /// Stop that run only: it is left out of the aggregates and not retried; other runs go on.
    case abortRun = "abort_run"
    /// Skip the arm/configuration whose run tripped it; other arms go on.
    case skipConfiguration = "skip_configuration"
    /// Retry that unit once.
    case retryOnce = "retry_once"
}

/// When and over what a derived rule is evaluated.
public enum AbortScope: Sendable, Equatable {
    /// Handed to each run's supervisor; evaluated on every event.
    case live
    /// Evaluated on each run's final values after it ends; the phase when the criterion names a
    /// gate or phase, nil for every phase.
    case final(RunPhase?)
    /// Evaluated by the protocol engine over the experiment's totals: `wall` is the total
    /// experiment wall-clock seconds, `gpu_hours` the total GPU-hours.
    case experiment
    /// The run ended out of memory; the rule text is "".
    case outOfMemory

    /// `live`, `final`, `final:mve`, `experiment`, `out_of_memory`.
    public var name: String {
        switch self {
        case .live: return "live"
        case .final(let phase): return phase.map { "final:\($0.rawValue)" } ?? "final"
        case .experiment: return "experiment"
        case .outOfMemory: return "out_of_memory"
        }
    }
}

/// What the derivation may match a criterion's words against.
public struct AbortDerivationContext: Sendable, Equatable {
    public var budget: ResourceBudget?
    public var computeProfile: ComputeProfile?
    /// The spec's metric keys (`MetricKey.normalize` of each spec metric name).
    public var metricKeys: [String]
    /// Normalised key -> the key exactly as the script logs it (a plan's metric mapping event
    /// names, check `value:` names); empty for plain `rigor exec`.
    public var loggedKeys: [String: String]

    public init(budget: ResourceBudget? = nil, computeProfile: ComputeProfile? = nil, metricKeys: [String] = [],
                loggedKeys: [String: String] = [:]) {
        self.budget = budget
        self.computeProfile = computeProfile
        self.metricKeys = metricKeys
        self.loggedKeys = loggedKeys
    }
}

/// One spec abort criterion and whether (and how) it is enforced.
public struct CriterionEnforcement: Sendable, Equatable, CustomStringConvertible {
    public var criterion: AbortCriterion
    /// Empty when not enforced.
    public var rules: [DerivedAbortRule]
    /// The reason, when `rules` is empty.
    public var notEnforced: String?

    public var isEnforced: Bool { !rules.isEmpty }

    public init(criterion: AbortCriterion, rules: [DerivedAbortRule], notEnforced: String? = nil) {
        self.criterion = criterion
        self.rules = rules
        self.notEnforced = rules.isEmpty ? (notEnforced ?? "no rule derived") : nil
    }

    /// `line 41: enforced: `loss > 5 for 3 epochs` (live, abort_experiment) — basis`, or
    /// `line 44: not enforced: reason`.
    public var description: String {
        guard isEnforced else { return "line \(criterion.line): not enforced: \(notEnforced ?? "")" }
        let parts = rules.map { r in
            let what = r.scope == .outOfMemory ? "out of memory" : "`\(r.rule)`"
            return "\(what) (\(r.scope.name), \(r.action.rawValue)) — \(r.basis)"
        }
        return "line \(criterion.line): enforced: " + parts.joined(separator: "; ")
    }
}
