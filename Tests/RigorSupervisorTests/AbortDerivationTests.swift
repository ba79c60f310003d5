import Foundation
import Testing
import RigorSpec
@testable import RigorSupervisor

// Spec abort criteria → enforcement, one case per class (docs/abort-rules.md, "Derived from
// the spec"), with criterion texts quoted from the corpus specs where one exists.

/// A criterion that must derive exactly this rule, action and scope.
struct EnforcedCase: CustomTestStringConvertible, Sendable {
    var text: String
    var metricKeys: [String] = []
    var logged: [String: String] = [:]
    var rule: String
    var action: AbortAction
    var scope: AbortScope
    var testDescription: String { text }
}

/// A criterion that must not be enforced, with a reason containing `reason`.
struct RefusedCase: CustomTestStringConvertible, Sendable {
    var text: String
    var metricKeys: [String] = []
    var logged: [String: String] = [:]
    var reason: String
    var testDescription: String { text }
}

@Suite("Abort criteria derivation")
struct AbortDerivationTests {
    static func enforce(_ text: String, keys: [String] = [], logged: [String: String] = [:],
                        budget: ResourceBudget? = nil, profile: ComputeProfile? = nil) -> CriterionEnforcement {
        let context = AbortDerivationContext(budget: budget, computeProfile: profile, metricKeys: keys, loggedKeys: logged)
        let all = AbortRuleDerivation.enforcement(of: [criterion(text, line: 7)], context: context)
        #expect(all.count == 1)
        return all[0]
    }

    /// A criterion as the spec reader makes one (its memberwise initialiser is internal to RigorSpec).
    static func criterion(_ text: String, line: Int) -> AbortCriterion {
        let json = try! JSONSerialization.data(withJSONObject: ["text": text, "line": line])
        return try! JSONDecoder().decode(AbortCriterion.self, from: json)
    }

    static let enforced: [EnforcedCase] = [
        // 1. NaN / Inf
        EnforcedCase(text: "Loss diverges (NaN or inf) for any run — Abort that run. Record as infrastructure failure. Do not count toward hypothesis evaluation.",
                     rule: "isnan(loss) or isinf(loss)", action: .abortRun, scope: .live),
        EnforcedCase(text: "Any NaN in computed metrics → abort, data corruption.", rule: "any(isnan)", action: .abortExperiment, scope: .live),
        EnforcedCase(text: "Any NaN or Inf in Brier scores → abort, numerical issue.", logged: ["brier_score": "brier_score"],
                     rule: "isnan(brier_score) or isinf(brier_score)", action: .abortExperiment, scope: .live),
        // 2. Held for N consecutive epochs/steps/evaluations (the spec template's example)
        EnforcedCase(text: "Training loss above 5 for 3 consecutive epochs", metricKeys: ["train_loss"],
                     rule: "train_loss > 5 for 3 epochs", action: .abortExperiment, scope: .live),
        EnforcedCase(text: "Training loss above 5 for 3 consecutive epochs", logged: ["loss": "loss"],
                     rule: "loss > 5 for 3 epochs", action: .abortExperiment, scope: .live),
        EnforcedCase(text: "Validation loss > 2.5 for 4 consecutive evaluations → stop", logged: ["val_loss": "val/loss"],
                     rule: "val/loss > 2.5 for 4 evaluations", action: .abortExperiment, scope: .live),
        // 3. Totals for the experiment
        EnforcedCase(text: "Total wall time exceeds 2 hours — Complete the current phase and report partial results. Prioritize bar_size=1000 (the RL training config) over 200 and 500.",
                     rule: "wall > 7200s", action: .abortExperiment, scope: .experiment),
        EnforcedCase(text: "Total wall clock over 10 hours → abort remaining runs, report partial results",
                     rule: "wall > 36000s", action: .abortExperiment, scope: .experiment),
        EnforcedCase(text: "Total GPU-hours over 12 → abort, report partial results", rule: "gpu_hours > 12", action: .abortExperiment, scope: .experiment),
        EnforcedCase(text: "Wall clock > 30 minutes → abort (3× the expected 10 min for primary results; CV may be slow but primary should complete in < 5 min).",
                     rule: "wall > 1800s", action: .abortExperiment, scope: .experiment),
        // 4. One run, model or fit
        EnforcedCase(text: "Any single run takes > 10 minutes — Abort that run. Investigate — likely a data loading or memory issue. Reduce dataset size.",
                     rule: "wall > 600s", action: .abortRun, scope: .live),
        EnforcedCase(text: "Any run exceeds 8 hours wall time — Kill to stay within budget. Evaluate the latest checkpoint.",
                     rule: "wall > 28800s", action: .abortRun, scope: .live),
        // 5. A named metric at a gate or phase
        EnforcedCase(text: "MVE Gate A (train accuracy < 0.35) → ABORT", metricKeys: ["train_accuracy"],
                     rule: "train_accuracy < 0.35", action: .abortExperiment, scope: .final(.mve)),
        EnforcedCase(text: "if baseline accuracy < 0.6 abort", metricKeys: ["accuracy"], rule: "accuracy < 0.6", action: .abortExperiment, scope: .final(.baseline)),
        EnforcedCase(text: "N_sessions < 200 → abort, cache is incomplete (expected 248).", metricKeys: ["n_sessions"],
                     rule: "n_sessions < 200", action: .abortExperiment, scope: .final(nil)),
        EnforcedCase(text: "N_samples < 400,000 → abort, cache is incomplete (expected ~454K).", metricKeys: ["n_samples"],
                     rule: "n_samples < 400000", action: .abortExperiment, scope: .final(nil)),
        EnforcedCase(text: "Set B accuracy < 33% (below majority baseline) — Abort.", logged: ["set_b_accuracy_fraction": "set_b_acc_frac"],
                     rule: "set_b_acc_frac < 0.33", action: .abortExperiment, scope: .final(nil)),
        // 6. One class's share of the labels
        EnforcedCase(text: "A configuration whose labels are >95% one class → skip that configuration", logged: ["majority_class_fraction": "majority_class_fraction"],
                     rule: "majority_class_fraction > 0.95", action: .skipConfiguration, scope: .live),
        EnforcedCase(text: "Label distribution has any class < 15% — Abort. Barrier parameters may have changed. Verify precompute settings.",
                     metricKeys: ["minority_class_pct"], rule: "minority_class_pct < 15", action: .abortExperiment, scope: .live),
        EnforcedCase(text: "Label distribution is 100% one class — Abort for that oracle/bar_size combination. The oracle definition is degenerate at this granularity.",
                     logged: ["majority_class_fraction": "majority_class_fraction"],
                     rule: "majority_class_fraction >= 1", action: .skipConfiguration, scope: .live),
        // 7. Out of memory
        EnforcedCase(text: "OOM → reduce batch_size to 2, retry once", rule: "", action: .retryOnce, scope: .outOfMemory),
    ]

    @Test(arguments: enforced)
    func derivesExactly(_ c: EnforcedCase) throws {
        let e = Self.enforce(c.text, keys: c.metricKeys, logged: c.logged)
        #expect(e.isEnforced, "\(e.description)")
        #expect(e.notEnforced == nil)
        let rule = try #require(e.rules.first)
        #expect(e.rules.count == 1)
        #expect(rule.rule == c.rule)
        #expect(rule.action == c.action)
        #expect(rule.scope == c.scope)
        #expect(!rule.basis.isEmpty)
        if c.scope != .outOfMemory { #expect(throws: Never.self) { try AbortRule.parse(rule.rule) } }
        #expect(e.description.hasPrefix("line 7: enforced: "))
    }

    static let refused: [RefusedCase] = [
        RefusedCase(text: "Training loss above 5 for 3 consecutive epochs", reason: "`training_loss`, which is neither a spec metric nor a logged key"),
        RefusedCase(text: "Overfit-64 accuracy < 50% for 2×256 ReLU — Abort. Model capacity is fundamentally broken — check the MLP implementation.",
                    metricKeys: ["overfit_64_accuracy"], reason: "the threshold is a percentage (50%)"),
        RefusedCase(text: "Overfit-64 accuracy < 50% for 2×256 ReLU — Abort.", metricKeys: ["overfit_64_accuracy"], reason: "(\"for 2×256 ReLU\")"),
        RefusedCase(text: "Set B accuracy < 0.33 — Abort.", metricKeys: ["accuracy"], reason: "`accuracy` is one, but the criterion qualifies it with \"set b\""),
        RefusedCase(text: "Label distribution is 100% one class — Abort for that oracle/bar_size combination.", metricKeys: ["label_distribution"],
                    reason: "log `majority_class_fraction` (0–1) and map it"),
        RefusedCase(text: "All models produce NaN loss → abort experiment, report infrastructure issue", reason: "applies across several runs (\"all\")"),
        RefusedCase(text: "After 2.5M steps (50% budget), Run C in-sample return is negative AND entropy < -0.55 — Consider early abort.",
                    reason: "joins conditions with \"and\""),
        RefusedCase(text: "MVE Gate A (train accuracy < 0.35) → consider aborting", metricKeys: ["train_accuracy"], reason: "not a decision (\"consider\")"),
        RefusedCase(text: "LSTM approx_kl > 0.3 sustained for > 500K steps — Abort Run C", metricKeys: ["approx_kl"], reason: "more than one comparison (> 0.3, > 500000)"),
        RefusedCase(text: "MLP 20-day control (Run A) val return differs from pre-006 historical baseline (-62.9) by > 30 points — Abort all runs",
                    reason: "compares with a reference value"),
        RefusedCase(text: "`load_binary_labels()` raises an exception → abort, investigate cache integrity.", reason: "names a failure"),
        RefusedCase(text: "Feature extraction crashes or produces NaN — Abort.", reason: "neither the loss nor any logged value"),
        RefusedCase(text: "Primary metric shows no improvement over baseline after N% of budget", reason: "names no quantity Rigor can check"),
        RefusedCase(text: "Any single fit takes > 60s — abort that run", reason: "not enforced blindly"),
    ]

    @Test(arguments: refused)
    func refusesWithReason(_ c: RefusedCase) {
        let e = Self.enforce(c.text, keys: c.metricKeys, logged: c.logged)
        #expect(!e.isEnforced)
        #expect(e.rules.isEmpty)
        #expect(e.notEnforced?.contains(c.reason) == true, "\(e.notEnforced ?? "nil")")
        #expect(e.description == "line 7: not enforced: \(e.notEnforced ?? "")")
    }

    @Test func perRunLimitIsJudgedAgainstTheSpecsEstimate() {
        // 2 estimated hours over 10 runs: 12 minutes per run. 10 minutes is unrealistic, 45 is not.
        let s = spec(runs: "10", estimatedHours: "2", abort: [
            "Any single run takes > 10 minutes — Abort that run.", "Any model takes > 45 min → abort that model, report what completed",
        ])
        let context = AbortDerivationContext(budget: s.resourceBudget, computeProfile: s.computeProfile)
        let e = AbortRuleDerivation.enforcement(of: s.abortCriteria, context: context)
        #expect(e.map(\.isEnforced) == [false, true])
        #expect(e[0].notEnforced?.contains("unrealistic") == true)
        #expect(e[1].rules.map(\.rule) == ["wall > 2700s"])
        #expect(e[1].rules.map(\.action) == [.abortRun])
    }

    @Test func rulesFromCriteriaKeepsOnlyLiveRulesAndNamesTheOthers() {
        let criteria = ["Any NaN in computed metrics → abort", "Total wall time exceeds 3 hours — Complete current phase and report partial results.",
                        "OOM → reduce batch_size to 2, retry once", "N_sessions < 200 → abort"].enumerated()
            .map { Self.criterion($1, line: $0 + 1) }
        let result = AbortRuleDerivation.rules(from: criteria)
        #expect(result.rules.map(\.rule) == ["any(isnan)"])
        #expect(result.notEnforced.map(\.criterion.line) == [2, 3, 4])
        #expect(result.notEnforced[0].reason.hasPrefix("not a live rule: `wall > 10800s` (experiment, abort_experiment)"))
        #expect(result.notEnforced[1].reason.hasPrefix("not a live rule: out of memory (out_of_memory, retry_once)"))
        // Without a plan or spec metrics, `N_sessions` matches nothing.
        #expect(result.notEnforced[2].reason.contains("`n_sessions`, which is neither"))
    }

    @Test func descriptionNamesRuleScopeActionAndBasis() {
        let e = Self.enforce("MVE Gate A (train accuracy < 0.35) → ABORT", keys: ["train_accuracy"])
        #expect(e.description.hasPrefix("line 7: enforced: `train_accuracy < 0.35` (final:mve, abort_experiment) — \"train accuracy\" is the spec metric `train_accuracy`"))
        #expect(AbortScope.final(nil).name == "final")
        #expect(AbortScope.outOfMemory.name == "out_of_memory")
    }
}
