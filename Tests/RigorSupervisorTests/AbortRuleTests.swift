import Foundation
import Testing
import RigorSpec
@testable import RigorSupervisor

@Suite("Abort rules")
struct AbortRuleTests {
    @Test(arguments: [
        ("loss >> 3", 7), ("loss >", 7), ("isnan(loss", 11), ("wall > 30q", 10), ("loss > 1 for x steps", 14),
        ("", 1), ("loss = 3", 6), ("no_improvement(val_loss)", 24), ("loss > 1 after 5", 16), ("loss & 2", 6),
    ])
    func syntaxErrorsPointAtTheColumn(rule: String, column: Int) {
        do {
            _ = try AbortRule.parse(rule)
            Issue.record("\(rule) parsed")
        } catch {
            #expect(error.column == column, "\(error.description)")
            #expect(error.description.contains("column \(column)"))
            let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.last?.count == 4 + column)
            #expect(lines.last?.hasSuffix("^") == true)
        }
    }

    /// Every production of the grammar (docs/abort-rules.md) parses to the meaning it has: the exact
    /// condition tree (precedence and associativity included), the modifiers and the metrics read.
    struct GrammarCase: Sendable, CustomTestStringConvertible {
        var rule: String, condition: AbortExpression, holdFor: Int, afterStep: Double?, metrics: Set<String>
        var testDescription: String { rule }
    }

    static let grammar: [GrammarCase] = {
        func g(_ rule: String, _ condition: AbortExpression, _ holdFor: Int, _ afterStep: Double?, _ metrics: Set<String>) -> GrammarCase {
            GrammarCase(rule: rule, condition: condition, holdFor: holdFor, afterStep: afterStep, metrics: metrics)
        }
        let loss = AbortTerm.metric("loss")
        func cmp(_ a: AbortTerm, _ op: ComparisonOperator, _ b: AbortTerm) -> AbortExpression { .compare(a, op, b) }
        func gt(_ m: String, _ n: Double) -> AbortExpression { .compare(.metric(m), .greater, .number(n)) }
        var cases: [GrammarCase] = [
            // test := isnan(term) | isinf(term) | any(isnan) | any(isinf) | no_improvement(…)
            g("isnan(loss)", .isNaN(loss), 1, nil, ["loss"]),
            g("isinf(x)", .isInf(.metric("x")), 1, nil, ["x"]),
            g("isnan(-loss)", .isNaN(.negate(loss)), 1, nil, ["loss"]),
            g("any(isnan)", .anyNaN, 1, nil, []),
            g("any(isinf)", .anyInf, 1, nil, []),
            g("no_improvement(val_loss, 5)", .noImprovement(metric: "val_loss", count: 5, maximize: false, slot: 0), 1, nil, ["val_loss"]),
            g("no_improvement(acc, 2, max)", .noImprovement(metric: "acc", count: 2, maximize: true, slot: 0), 1, nil, ["acc"]),
            g("no_improvement(acc, 2, min)", .noImprovement(metric: "acc", count: 2, maximize: false, slot: 0), 1, nil, ["acc"]),
            // Each COMPARISON, and the meters.
            g("loss < 1", cmp(loss, .less, .number(1)), 1, nil, ["loss"]),
            g("loss <= 1", cmp(loss, .lessEqual, .number(1)), 1, nil, ["loss"]),
            g("gpu_hours > 4", cmp(.gpuHours, .greater, .number(4)), 1, nil, []),
            g("step >= 10", cmp(.step, .greaterEqual, .number(10)), 1, nil, []),
            g("loss == -1", cmp(loss, .equal, .negate(.number(1))), 1, nil, ["loss"]),
            g("acc != 0.5", cmp(.metric("acc"), .notEqual, .number(0.5)), 1, nil, ["acc"]),
            g("3 < loss", cmp(.number(3), .less, loss), 1, nil, ["loss"]),
            g("loss > val_loss", cmp(loss, .greater, .metric("val_loss")), 1, nil, ["loss", "val_loss"]),
            // term := NUMBER [UNIT] | "-" term | "(" term ")" | METRIC
            g("wall > 30m", cmp(.wall, .greater, .number(1800)), 1, nil, []),
            g("wall > 90min", cmp(.wall, .greater, .number(5400)), 1, nil, []),
            g("wall > 1.5h", cmp(.wall, .greater, .number(5400)), 1, nil, []),
            g("wall > 2hr", cmp(.wall, .greater, .number(7200)), 1, nil, []),
            g("wall > 2d", cmp(.wall, .greater, .number(172_800)), 1, nil, []),
            g("wall > 10s", cmp(.wall, .greater, .number(10)), 1, nil, []),
            g("wall > 10sec", cmp(.wall, .greater, .number(10)), 1, nil, []),
            g("wall > 500ms", cmp(.wall, .greater, .number(500 * 0.001)), 1, nil, []),
            g("-(loss) < -(2)", cmp(.negate(loss), .less, .negate(.number(2))), 1, nil, ["loss"]),
            g("(loss) > 2", gt("loss", 2), 1, nil, ["loss"]),
            g("train/loss > 1e3", gt("train/loss", 1000), 1, nil, ["train/loss"]),
            g("model.loss_2 > 2.5e-1", gt("model.loss_2", 0.25), 1, nil, ["model.loss_2"]),
            g("_x > .5", gt("_x", 0.5), 1, nil, ["_x"]),
            // not / and / or: precedence (not > and > or), left associativity, parentheses.
            g("not (loss <= 1) and acc != 0.5 or step >= 10",
             .or(.and(.not(cmp(loss, .lessEqual, .number(1))), cmp(.metric("acc"), .notEqual, .number(0.5))), cmp(.step, .greaterEqual, .number(10))),
             1, nil, ["loss", "acc"]),
            g("a > 1 or b > 2 and c > 3", .or(gt("a", 1), .and(gt("b", 2), gt("c", 3))), 1, nil, ["a", "b", "c"]),
            g("(a > 1 or b > 2) and c > 3", .and(.or(gt("a", 1), gt("b", 2)), gt("c", 3)), 1, nil, ["a", "b", "c"]),
            g("a > 1 and b > 2 and c > 3", .and(.and(gt("a", 1), gt("b", 2)), gt("c", 3)), 1, nil, ["a", "b", "c"]),
            g("a > 1 or b > 2 or c > 3", .or(.or(gt("a", 1), gt("b", 2)), gt("c", 3)), 1, nil, ["a", "b", "c"]),
            g("not not isnan(x)", .not(.not(.isNaN(.metric("x")))), 1, nil, ["x"]),
            g("not a > 1 and b > 2", .and(.not(gt("a", 1)), gt("b", 2)), 1, nil, ["a", "b"]),
            g("isnan(loss) or any(isinf)", .or(.isNaN(loss), .anyInf), 1, nil, ["loss"]),
            // Trackers are numbered in the order they appear.
            g("no_improvement(a, 3) or no_improvement(b, 4, max)",
             .or(.noImprovement(metric: "a", count: 3, maximize: false, slot: 0), .noImprovement(metric: "b", count: 4, maximize: true, slot: 1)),
             1, nil, ["a", "b"]),
            // modifier := for N UNITS | after step NUMBER, in either order.
            g("loss > 10 for 3 steps", gt("loss", 10), 3, nil, ["loss"]),
            g("val_acc < 0.2 after step 500", cmp(.metric("val_acc"), .less, .number(0.2)), 1, 500, ["val_acc"]),
            g("loss > 1 for 2 epochs after step 5", gt("loss", 1), 2, 5, ["loss"]),
            g("loss > 1 after step 5 for 2 epochs", gt("loss", 1), 2, 5, ["loss"]),
            g("any(isnan) for 2 evaluations", .anyNaN, 2, nil, []),
        ]
        for unit in ["steps", "step", "epochs", "epoch", "evaluations", "evaluation", "evals", "events", "event", "times"] {
            cases.append(g("loss > 1 for 4 \(unit)", gt("loss", 1), 4, nil, ["loss"]))
        }
        return cases
    }()

    @Test(arguments: grammar)
    func grammarCovers(_ c: GrammarCase) throws {
        let parsed = try AbortRule.parse(c.rule)
        #expect(parsed.condition == c.condition, "\(c.rule)")
        #expect(parsed.holdFor == c.holdFor, "\(c.rule)")
        #expect(parsed.afterStep == c.afterStep, "\(c.rule)")
        #expect(parsed.metrics == c.metrics, "\(c.rule)")
        #expect(parsed.readsEveryValue == c.rule.contains("any("), "\(c.rule)")
        #expect(parsed.source == c.rule)
    }

    /// The parsed meaning, evaluated: precedence, units, negation and modifiers decide whether a rule trips.
    @Test func grammarMeaningEvaluated() throws {
        // and binds tighter than or: a true 'a > 1' alone trips; read as (a or b) and c it would not.
        #expect(try run("a > 1 or b > 2 and c > 3", [["a": 2, "b": 0, "c": 0]]) == 1)
        #expect(try run("(a > 1 or b > 2) and c > 3", [["a": 2, "b": 0, "c": 0]]) == nil)
        #expect(try run("not a > 1 and b > 2", [["a": 0, "b": 3]]) == 1)
        #expect(try run("not a > 1 and b > 2", [["a": 2, "b": 3]]) == nil)
        #expect(try run("loss == -1", [["loss": 1], ["loss": -1]]) == 2)
        #expect(try run("-(loss) < -(2)", [["loss": 2], ["loss": 2.5]]) == 2)
        #expect(try run("acc != 0.5", [["acc": 0.5], ["acc": 0.25]]) == 2)
        #expect(try run("train/loss > 1e3", [["train/loss": 1000], ["train/loss": 1001]]) == 2)
        #expect(try run("wall > 1.5h", [["x": 1]], wall: 5401) == 1)
        #expect(try run("wall > 1.5h", [["x": 1]], wall: 5400) == nil)
        #expect(try run("wall > 500ms", [["x": 1]], wall: 0.6) == 1)
        #expect(try run("wall > 500ms", [["x": 1]], wall: 0.4) == nil)
        #expect(try run("step >= 3", [["x": 1], ["x": 1], ["x": 1]]) == 3)
        // after step K: only once the latest step is greater than K; for N: N consecutive evaluations.
        #expect(try run("loss > 1 after step 2", [["loss": 5], ["loss": 5], ["loss": 5]]) == 3)
        #expect(try run("loss > 1 for 2 epochs after step 1", [["loss": 5], ["loss": 5], ["loss": 5]]) == 3)
        #expect(try run("no_improvement(a, 1) or no_improvement(b, 1, max)", [["a": 1, "b": 1], ["a": 0.5, "b": 2], ["a": 0.4, "b": 2]]) == 3)
    }

    func run(_ rule: String, _ events: [[String: Double]], steps: [Double?]? = nil, wall: Double = 0) throws -> Int? {
        var keys = MetricKeyTable()
        var ev = AbortEvaluator(rules: [try AbortRule.parse(rule)], keys: &keys)
        var latest: [Double?] = []
        for (i, e) in events.enumerated() {
            let numbers = e.sorted { $0.key < $1.key }.map { (key: keys.id($0.key), value: $0.value) }
            while latest.count < keys.count { latest.append(nil) }
            for n in numbers { latest[n.key] = n.value }
            let step = steps?[i] ?? Double(i + 1)
            if ev.observe(eventNumbers: numbers[...], latest: latest, meters: .init(wall: wall, gpuHours: 0, step: step), eventNumber: i + 1) != nil {
                return i + 1
            }
        }
        return nil
    }

    @Test func semantics() throws {
        #expect(try run("isnan(loss)", [["loss": 1], ["loss": .nan]]) == 2)
        #expect(try run("isinf(loss)", [["loss": 1], ["loss": -.infinity]]) == 2)
        #expect(try run("loss > 10", [["loss": .nan]]) == nil)  // NaN compares false
        #expect(try run("loss > 10 for 3 steps", [["loss": 11], ["loss": 12], ["loss": 1], ["loss": 11], ["loss": 11], ["loss": 11]]) == 6)
        #expect(try run("val_acc < 0.2 after step 2", [["val_acc": 0.1], ["val_acc": 0.1], ["val_acc": 0.1]]) == 3)
        #expect(try run("no_improvement(val_loss, 2)", [["val_loss": 1], ["val_loss": 0.5], ["val_loss": 0.6], ["val_loss": 0.4], ["val_loss": 0.5], ["val_loss": 0.5]]) == 6)
        #expect(try run("no_improvement(acc, 1, max)", [["acc": 0.1], ["acc": 0.2], ["acc": 0.2]]) == 3)
        #expect(try run("loss > 1", [["acc": 5]]) == nil)  // unseen metric: false
        #expect(try run("wall > 30m", [["x": 1]], wall: 1801) == 1)
        #expect(try run("wall > 30m", [["x": 1]], wall: 1799) == nil)
    }

    /// The spec template's own example ("training loss above 5 for 3 consecutive epochs") and
    /// criteria over every logged value ("NaN or Inf in any metric").
    @Test func epochsEvaluationsAndAnyValue() throws {
        let rising: [[String: Double]] = [["loss": 6], ["loss": 7], ["loss": 1], ["loss": 6], ["loss": 6], ["loss": 6]]
        #expect(try run("loss > 5 for 3 epochs", rising) == 6)
        #expect(try run("loss > 5 for 3 evaluations", rising) == 6)
        #expect(try run("loss > 5 for 2 epoch", rising) == 2)
        #expect(try run("any(isnan)", [["loss": 1, "acc": 0.5], ["acc": 0.6], ["grad_norm": .nan]]) == 3)
        #expect(try run("any(isinf)", [["loss": 1], ["pred_max": -.infinity]]) == 2)
        #expect(try run("any(isnan) or any(isinf)", [["loss": 1], ["a": 2]]) == nil)
        #expect(try run("any(isnan) for 2 evaluations", [["x": .nan], ["y": 1], ["x": 1]]) == 2)
        for bad in ["any(loss)", "any(isnan", "loss > 5 for 3 weeks", "any(isnan) > 1"] {
            #expect(throws: AbortRuleError.self, "\(bad) must be refused") { _ = try AbortRule.parse(bad) }
        }
    }

    @Test func derivationFromSpecCriteria() throws {
        // 2 estimated hours over 10 runs: 12 minutes expected per run.
        let s = spec(runs: "10", estimatedHours: "2", abort: [
            "Loss diverges (NaN or inf) for any run", "NaN loss", "All models produce NaN loss → abort experiment",
            "Any NaN in computed metrics → abort", "Any single run takes > 10 minutes", "Any model takes > 45 min → abort that model",
            "Total wall time exceeds 2 hours", "N_sessions < 200 → abort",
        ])
        #expect(s.abortCriteria.count == 8)
        #expect(s.computeProfile?.estimatedWallHours == 2)
        let result = AbortRuleDerivation.rules(from: s.abortCriteria, budget: s.resourceBudget, computeProfile: s.computeProfile)
        #expect(result.rules.map(\.rule) == ["isnan(loss) or isinf(loss)", "isnan(loss)", "any(isnan)", "wall > 2700s"])
        #expect(result.notEnforced.count == 4)
        #expect(result.notEnforced.contains { $0.criterion.text.hasPrefix("Any single run") && $0.reason.contains("unrealistic") })
        for r in result.rules { #expect((try? AbortRule.parse(r.rule)) != nil) }
        // Without an estimate: a long per-run limit is enforced, a very short one is not.
        let bare = spec(abort: ["Any run exceeds 8 hours wall time", "Any single fit takes > 60s"])
        let derived = AbortRuleDerivation.rules(from: bare.abortCriteria)
        #expect(derived.rules.map(\.rule) == ["wall > 28800s"])
        #expect(derived.notEnforced.count == 1)
    }
}
