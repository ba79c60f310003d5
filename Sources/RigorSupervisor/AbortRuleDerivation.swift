import Foundation
import RigorBasics
import RigorSpec

/// A rule derived from a spec abort criterion.
public struct DerivedAbortRule: Sendable, Equatable {
    /// Rule source in the abort-rule language; "" for `.outOfMemory`.
    public var rule: String
    public var criterion: AbortCriterion
    /// Why this rule follows from the criterion (for records and `rigor exec` notes).
    public var basis: String
    public var action: AbortAction
    public var scope: AbortScope

    public init(rule: String, criterion: AbortCriterion, basis: String, action: AbortAction = .abortExperiment,
                scope: AbortScope = .live) {
        self.rule = rule
        self.criterion = criterion
        self.basis = basis
        self.action = action
        self.scope = scope
    }
}

/// Turns a spec's abort criteria into abort rules where they are machine-checkable,
/// conservatively (docs/abort-rules.md, "Derived from the spec"), and says for every
/// criterion whether and how it is enforced. The classes, in the order they are tried:
/// out of memory; NaN/Inf; time and GPU-hour limits; one class's share of the labels; a named
/// metric against a threshold. A criterion about all runs together, a crash, or a quantity
/// that is neither a spec metric nor a logged key is reported as not enforced, with the reason.
public enum AbortRuleDerivation {
    enum Derivation { case rule(String, AbortScope, String), skip(String) }

    /// One enforcement per criterion, in spec order.
    public static func enforcement(of criteria: [AbortCriterion], context: AbortDerivationContext) -> [CriterionEnforcement] {
        criteria.map { enforcement(of: $0, context: context) }
    }

    /// The live rules (what one run's supervisor applies); every other criterion is returned
    /// as not enforced here, rules of other scopes with the note that the protocol engine applies them.
    public static func rules(from criteria: [AbortCriterion], budget: ResourceBudget? = nil, computeProfile: ComputeProfile? = nil)
        -> (rules: [DerivedAbortRule], notEnforced: [(criterion: AbortCriterion, reason: String)]) {
        var rules: [DerivedAbortRule] = []
        var skipped: [(criterion: AbortCriterion, reason: String)] = []
        let context = AbortDerivationContext(budget: budget, computeProfile: computeProfile)
        for e in enforcement(of: criteria, context: context) {
            let live = e.rules.filter { $0.scope == .live }
            rules += live
            if let why = e.notEnforced {
                skipped.append((e.criterion, why))
            } else if live.isEmpty {
                let other = e.rules.map { r in "\(r.scope == .outOfMemory ? "out of memory" : "`\(r.rule)`") (\(r.scope.name), \(r.action.rawValue))" }
                skipped.append((e.criterion, "not a live rule: \(other.joined(separator: ", ")) is applied by the protocol engine (`rigor protocol run`), not by the supervisor of one run"))
            }
        }
        return (rules, skipped)
    }

    static func enforcement(of criterion: AbortCriterion, context: AbortDerivationContext) -> CriterionEnforcement {
        let reading = CriterionReading(criterion.text)
        var derivation = derive(reading, context)
        var action = AbortAction.abortExperiment
        var actionBasis = ""
        if case .rule(let rule, let scope, _) = derivation {
            switch readAction(reading) {
            case .undecided(let why): derivation = .skip(why)
            case .action(let a, let why): (action, actionBasis) = (a, why)
            }
            if scope != .outOfMemory, case .failure(let error) = Result(catching: { try AbortRule.parse(rule) }) {
                derivation = .skip("the derived rule `\(rule)` does not parse: \(error)")
            }
        }
        switch derivation {
        case .skip(let why):
            return CriterionEnforcement(criterion: criterion, rules: [], notEnforced: why)
        case .rule(let rule, let scope, let basis):
            let derived = DerivedAbortRule(rule: rule, criterion: criterion, basis: "\(basis); \(actionBasis)", action: action, scope: scope)
            return CriterionEnforcement(criterion: criterion, rules: [derived])
        }
    }

    static func derive(_ reading: CriterionReading, _ context: AbortDerivationContext) -> Derivation {
        let words = reading.conditionWords
        let w = Set(words)
        if w.contains("oom") || reading.condition.lowercased().range(of: #"out[ -]of[ -]memory"#, options: .regularExpression) != nil {
            return .rule("", .outOfMemory, "the protocol engine detects a run that ended out of memory and retries it once with RIGOR_RETRY_REASON=out_of_memory in its environment; the script chooses the smaller batch")
        }
        if w.contains("all") {
            return .skip("applies across several runs (\"all\"): a condition on all runs together, which neither one run's rule nor the experiment's totals express")
        }
        let (nan, inf) = mentionsNonFinite(w)
        if nan || inf { return nonFinite(reading, context) }
        if let (c, gpuHours) = limitComparison(reading) { return timeLimit(c, gpuHours: gpuHours, reading, context) }
        if let (share, percent, op) = classShare(reading) { return classShare(share, percent: percent, op: op, context) }
        switch reading.comparisons.count {
        case 0:
            if !w.isDisjoint(with: ["crash", "crashes", "exception", "raises", "fails", "error"]) {
                return .skip("names a failure (crash, exception, error), not a quantity: the run ends as failed by itself, and there is nothing for a rule to compare")
            }
            return .skip("names no quantity Rigor can check (no comparison with a number, NaN/Inf, time limit or out-of-memory)")
        case 1:
            return threshold(reading.comparisons[0], reading, context)
        default:
            let listed = reading.comparisons.map { "\($0.op) \(format($0.value))" }.joined(separator: ", ")
            return .skip("more than one comparison (\(listed)): a compound or per-variant condition a single rule does not express")
        }
    }

    static func format(_ d: Double) -> String { EventValues.format(d) }
}
