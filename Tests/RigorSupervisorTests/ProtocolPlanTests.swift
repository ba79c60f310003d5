import Foundation
import RigorProtocol
import RigorSpec
import RigorTestSupport
import Testing

/// Plan parsing and checking: line-numbered errors for bad plans.
struct ProtocolPlanTests {
    func diagnostics(_ plan: String) throws -> [String] {
        let ws = ProtocolWorkspace(plan: plan)
        do {
            _ = try ProtocolTestHelpers.checkedPlan(ws.planPath)
            return []
        } catch let error as PlanError {
            return error.diagnostics.map { $0.description.replacingOccurrences(of: ws.planPath, with: "plan.yaml") }
        }
    }

    @Test func validPlanParses() throws {
        let ws = ProtocolWorkspace()
        let checked = try ProtocolTestHelpers.checkedPlan(ws.planPath)
        #expect(checked.plan.seeds == [0, 1, 2, 3, 4])
        #expect(checked.plan.treatmentArms.map(\.name) == ["wide"])
        #expect(checked.expectations.first?.expected == 0.70)
        #expect(checked.expectations.first?.tolerance == 0.02)
        #expect(checked.units.count == 14)
        #expect(checked.command(for: RunUnit(phase: .full, arm: "wide", seed: 3))
                == ["python3", "train.py", "--seed", "3", "--arm", "wide", "--config", "configs/b.json", "--sleep", "0.3"])
    }

    @Test func specAbortCriteriaBecomeRulesForEveryRun() throws {
        let ws = ProtocolWorkspace()
        let checked = try ProtocolTestHelpers.checkedPlan(ws.planPath)
        // The fixture spec's only abort criterion is "loss is NaN".
        // The plan names no abort rule of its own: the rule comes from the spec alone.
        #expect(checked.plan.abortRules == [])
        #expect(checked.specAbortRules == ["isnan(loss)"])
        #expect(checked.abortRules.contains("isnan(loss)"))
        #expect(Set(checked.abortRules).count == checked.abortRules.count)
    }

    @Test func unknownKeyWrongTypeAndMissingFieldNameTheirLines() throws {
        let plan = ProtocolWorkspace.plan(seeds: "[0, one]", extra: "slotz: 3")
            .replacingOccurrences(of: "baseline_arm: base\n", with: "")
        let found = try diagnostics(plan)
        #expect(found.contains { $0.hasPrefix("plan.yaml:2: seeds[1] must be an integer") }, "\(found)")
        let slotzLine = (plan.components(separatedBy: "\n").firstIndex { $0.hasPrefix("slotz:") } ?? -1) + 1
        #expect(found.contains { $0.hasPrefix("plan.yaml:\(slotzLine): plan: unknown key 'slotz'") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("plan.yaml:1: plan: missing required key 'baseline_arm'") }, "\(found)")
    }

    @Test func unknownPlaceholderAndMissingConfig() throws {
        let plan = ProtocolWorkspace.plan().replacingOccurrences(of: "--sleep 0.3", with: "--lr {lr}")
            .replacingOccurrences(of: "  wide: {config: configs/b.json}", with: "  wide:")
        let found = try diagnostics(plan)
        #expect(found.contains("plan.yaml:8: commands.full: unknown placeholder {lr} (known: {seed}, {arm}, {config})"), "\(found)")
        #expect(found.contains("plan.yaml:5: arms: 'wide' has no config but commands.full uses {config}"), "\(found)")
    }

    @Test func metricNotInSpecIsReportedAtItsLine() throws {
        let plan = ProtocolWorkspace.plan().replacingOccurrences(of: "  final_loss: final_loss", with: "  final_loss: val_perplexity")
        let found = try diagnostics(plan)
        #expect(found.contains { $0.hasPrefix("plan.yaml:12: metrics.final_loss: 'val_perplexity' is not a metric of the spec") }, "\(found)")
    }

    @Test func baselineReferenceMustExistInTheSpec() throws {
        let found = try diagnostics(ProtocolWorkspace.plan(expect: "from_spec: wide accuracy"))
        #expect(found.contains { $0.contains("no value labelled 'wide accuracy' in the spec's Baselines") }, "\(found)")
    }

    @Test func invalidYAMLNamesALine() throws {
        let found = try diagnostics("spec: x.md\nseeds: [0, 1\narms: {}\n")
        #expect(found.first?.hasPrefix("plan.yaml:") == true && found.first?.contains("not valid YAML") == true, "\(found)")
    }

    @Test func commandLinePrintsEachErrorAndExitsTwo() throws {
        let ws = ProtocolWorkspace(plan: ProtocolWorkspace.plan(extra: "retries: many"))
        let result = try ProtocolTestHelpers.rigor(["protocol", "run", "plan.yaml"], cwd: ws.root)
        #expect(result.status == 2)
        #expect(result.stderr.contains("rigor: plan.yaml:"), "\(result.stderr)")
        #expect(result.stderr.contains("retries must be an integer"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.resultsDir + "/metrics.json"))
    }

    @Test func sampleStatistics() {
        let a = MetricAggregate([1, 2, 3, 4])
        #expect(a?.mean == 2.5)
        #expect(abs((a?.std ?? 0) - (5.0 / 3.0).squareRoot()) < 1e-12)
        #expect(MetricAggregate([7])?.std == nil)
        #expect(MetricAggregate([]) == nil)
    }

    @Test func runIDsAreDeterministicWithAttempts() {
        let unit = RunUnit(phase: .full, arm: "wide", seed: 3)
        #expect(unit.runID(attempt: 2) == "full-wide-seed3-a2")
        #expect(unit.attempt(of: "full-wide-seed3-a12") == 12)
        #expect(unit.attempt(of: "full-wide-seed33-a1") == nil)
        #expect(unit.attempt(of: "full-wide-seed3-a") == nil)
    }
}
