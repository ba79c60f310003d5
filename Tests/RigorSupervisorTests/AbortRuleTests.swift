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

    @Test func grammarCovers() throws {
        for rule in ["isnan(loss)", "isinf(x)", "loss > 10 for 3 steps", "val_acc < 0.2 after step 500", "no_improvement(val_loss, 5)",
                     "wall > 30m", "gpu_hours > 4", "not (loss <= 1) and acc != 0.5 or step >= 10", "loss == -1", "no_improvement(acc, 2, max)",
                     "wall > 1h30m".replacingOccurrences(of: "1h30m", with: "90min"), "train/loss > 1e3"] {
            _ = try AbortRule.parse(rule)
        }
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
