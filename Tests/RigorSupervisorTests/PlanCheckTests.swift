import Foundation
import RigorBasics
@testable import RigorProtocol
import RigorSupervisor
import RigorTestSupport
import Testing

/// `rigor protocol check`, and the engine's refusals before compute is spent: a plan mistake is
/// reported at once and never poisons the experiment (issue 8, "What was seen" 1, 2 and 5).
@Suite(.serialized)
struct PlanCheckTests {
    /// Every path under the workspace's results folder, with sizes (to prove a check writes nothing).
    static func tree(_ root: String) -> [String] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        while let p = walker.nextObject() as? String {
            let size = (try? fm.attributesOfItem(atPath: root + "/" + p)[.size] as? Int) ?? -1
            out.append("\(p) \(size)")
        }
        return out.sorted()
    }

    @Test func checkReportsEveryKindOfMistakeAtOnceAndWritesNothing() throws {
        // A typo'd abort rule, a spec metric mapped by nothing, more seeds than the spec allows,
        // and a script that does not exist: four mistakes, one report.
        let plan = ProtocolWorkspace.plan(seeds: "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]", extra: """
        abort_rules: ["loss >> 5 for 3 step"]
        """)
            .replacingOccurrences(of: "  final_loss: final_loss\n", with: "")
            .replacingOccurrences(of: "python3 train.py --seed 0 --arm base --sleep 0", with: "python3 trian.py --seed 0")
        let ws = ProtocolWorkspace(plan: plan)
        let before = PlanCheckTests.tree(ws.root)
        let r = try ProtocolTestHelpers.rigor(["protocol", "check", "plan.yaml"], cwd: ws.root)
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        let errors = r.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("  plan.yaml") }
        #expect(errors.contains { $0.contains("abort_rules[0]") && $0.contains("column") }, "\(r.stdout)")
        #expect(errors.contains { $0.contains("spec metric 'final_loss'") && $0.contains("not produced") }, "\(r.stdout)")
        #expect(errors.contains { $0.contains("seeds: the plan runs 12 seeds per arm but the spec allows 10") }, "\(r.stdout)")
        #expect(errors.contains { $0.contains("sanity-one_step") && $0.contains("trian.py: no such script") }, "\(r.stdout)")
        #expect(r.stdout.contains("4 error(s); nothing runs until they are fixed"), "\(r.stdout)")
        #expect(PlanCheckTests.tree(ws.root) == before, "protocol check wrote files")
        #expect(!FileManager.default.fileExists(atPath: ws.resultsDir))

        // `protocol run` runs the same check and refuses; `--dry-run` prints the report.
        let run = try ProtocolTestHelpers.rigor(["protocol", "run", "plan.yaml"], cwd: ws.root)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("abort_rules[0]") && run.stderr.contains("nothing was run"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.resultsDir))
        let dry = try ProtocolTestHelpers.rigor(["protocol", "run", "--dry-run", "plan.yaml"], cwd: ws.root)
        #expect(dry.status == 2)
        #expect(dry.stdout == r.stdout)
    }

    @Test func aCleanPlanReportsItsRunsBudgetAndCriteria() throws {
        let ws = ProtocolWorkspace(plan: ProtocolWorkspace.plan(seeds: "[0, 1]", extra: "computed: []"))
        let r = try ProtocolTestHelpers.rigor(["protocol", "check", "plan.yaml", "--json"], cwd: ws.root)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let o = try JSONReader.parse(r.stdout).value
        #expect(o["clean"] == .bool(true))
        #expect(o["units"]?.arrayValue?.count == 8)   // sanity 1, baseline 1, MVE 2, full 4
        let budget = o["budget"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(budget.contains { $0.hasPrefix("training runs: 8 planned (sanity 1, baseline 1, MVE 2, full 4), 0 already counted, 8 new; the spec allows 1000") }, "\(budget)")
        let criteria = o["abort_criteria"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(criteria.count == 1 && criteria[0].contains("isnan(loss)"), "\(criteria)")
        #expect(!FileManager.default.fileExists(atPath: ws.resultsDir))
    }

    @Test func plannedRunsOverTheBudgetLeftAreRefusedBeforeAnyRun() throws {
        let ws = ProtocolWorkspace(plan: ProtocolWorkspace.plan(seeds: "[0, 1, 2]"))
        let spec = ProtocolWorkspace.spec.replacingOccurrences(of: "Max training runs: 1000", with: "Max training runs: 6")
        ws.dir.write("experiments/exp-001-proto.md", spec)
        // sanity 1 + baseline 1 + MVE 2 + full 6 = 10 training units against 6.
        let r = try ProtocolTestHelpers.rigor(["protocol", "run", "plan.yaml"], cwd: ws.root)
        #expect(r.status == 2)
        #expect(r.stderr.contains("the plan needs 10 new training run(s) but the spec's budget has 6 left"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.resultsDir + "/runs"))
    }

    @Test func aLaunchFailureDoesNotPoisonTheExperiment() async throws {
        // The engine meets a script that is not there (the check would have caught it; this is the
        // engine's own guarantee): the session stops, nothing is written to metrics.json, and once
        // the script exists the same plan runs the unit and passes the sanity gate.
        let plan = ProtocolWorkspace.plan(seeds: "[0]", sleep: 0)
            .replacingOccurrences(of: "python3 train.py --seed 0 --arm base --sleep 0", with: "python3 sanity.py --seed 0 --arm base --sleep 0")
        let ws = ProtocolWorkspace(plan: plan)
        let first = try await ProtocolTestHelpers.engine(ws).run()
        #expect(first.launchFailure?.contains("sanity.py: no such script") == true, "\(first.launchFailure ?? "nil")")
        #expect(!first.aborted)
        #expect(!FileManager.default.fileExists(atPath: ws.resultsDir + "/metrics.json"))
        let ledger = try BudgetLedger(experimentDir: ws.resultsDir).read()
        #expect(ledger.runsStarted == 0, "a run that never started costs nothing")

        ws.dir.write("sanity.py", ProtocolWorkspace.script)
        let second = try await ProtocolTestHelpers.engine(ws).run()
        #expect(second.launchFailure == nil)
        #expect(!second.aborted, "\(second.abortReason ?? "")")
        #expect(ProtocolTestHelpers.record(ws, "sanity-one_step-a2")?.status == .succeeded)
        let metrics = try ProtocolTestHelpers.json(second.metricsPath)
        #expect(metrics["abort_triggered"] == .bool(false))
        #expect(metrics["sanity_checks"]?["loss_is_finite"] == .bool(true))
    }

    @Test func aPlanChangeToStartedRunsIsRefusedAndAnAddedSeedIsARevision() async throws {
        let ws = ProtocolWorkspace(plan: ProtocolWorkspace.plan(seeds: "[0]", sleep: 0))
        let first = try await ProtocolTestHelpers.engine(ws).run()
        #expect(!first.aborted, "\(first.abortReason ?? "")")

        // Another command for runs that exist: refused, naming each difference.
        ws.dir.write("plan.yaml", ProtocolWorkspace.plan(seeds: "[0]", sleep: 0.1))
        let check = try ProtocolTestHelpers.rigor(["protocol", "check", "plan.yaml"], cwd: ws.root)
        #expect(check.status == 2)
        #expect(check.stdout.contains("plan.yaml: the plan changed for runs this experiment already made (restore it, or start a new experiment): full-base-seed0: command was"), "\(check.stdout)")
        do {
            _ = try await ProtocolTestHelpers.engine(ws).run()
            Issue.record("a changed command was accepted")
        } catch {
            guard case .planChanged(_, let differences) = error as? ProtocolError else { Issue.record("wrong error \(error)"); return }
            #expect(differences.contains { $0.hasPrefix("full-base-seed0: command was `python3 train.py --seed 0 --arm base --config configs/a.json --sleep 0.0`, the plan now gives `python3 train.py --seed 0 --arm base --config configs/a.json --sleep 0.1`") }, "\(differences)")
            #expect(differences.contains { $0.hasPrefix("full-wide-seed0:") })
        }

        // A new abort rule changes what started runs ran under: refused as well.
        ws.dir.write("plan.yaml", ProtocolWorkspace.plan(seeds: "[0]", sleep: 0, extra: "abort_rules: [\"loss > 100\"]"))
        do {
            _ = try await ProtocolTestHelpers.engine(ws).run()
            Issue.record("a changed abort rule was accepted")
        } catch {
            guard case .planChanged(_, let differences) = error as? ProtocolError else { Issue.record("wrong error \(error)"); return }
            #expect(differences.contains { $0.contains("abort rules were [isnan(loss)], the plan now gives [loss > 100, isnan(loss)]") }, "\(differences)")
        }

        // An added seed leaves every started unit as it was: accepted, recorded as a revision.
        ws.dir.write("plan.yaml", ProtocolWorkspace.plan(seeds: "[0, 1]", sleep: 0))
        let revised = try await ProtocolTestHelpers.engine(ws).run()
        #expect(!revised.aborted, "\(revised.abortReason ?? "")")
        #expect(ProtocolTestHelpers.record(ws, "full-wide-seed1-a1")?.status == .succeeded)
        let config = try ProtocolTestHelpers.json(revised.configPath)
        let revisions = config["plan_revisions"]?.arrayValue ?? []
        #expect(revisions.count == 1)
        #expect(revisions.first?["changed"] == .array(["seeds", "unit_commands"]), "\(revisions)")
        #expect(config["plan_fingerprint"]?.stringValue?.count == 64)
    }

    @Test func aWorkspaceMovedElsewhereResumesWithoutAConflict() async throws {
        let ws = ProtocolWorkspace(plan: ProtocolWorkspace.plan(seeds: "[0]", sleep: 0))
        _ = try await ProtocolTestHelpers.engine(ws).run()
        let moved = TempDirectory(prefix: "rigor-moved")
        let copy = moved.path + "/copy"
        try FileManager.default.copyItem(atPath: ws.root, toPath: copy)
        let checked = try ProtocolTestHelpers.checkedPlan(copy + "/plan.yaml")
        let engine = ProtocolEngine(checked: checked, resultsDir: copy + "/results/exp-001-proto", executor: SupervisorExecutor(),
                                    options: ProtocolOptions(slots: 1, validator: MetricsCheck.validator))
        let outcome = try await engine.run()
        #expect(!outcome.aborted, "\(outcome.abortReason ?? "")")
        #expect(PlanFingerprint.sameFolder("/a/ws/sub", "/b/copy/sub", root: "/b/copy", earlierRoots: ["/a/ws"]))
        #expect(!PlanFingerprint.sameFolder("/a/ws/other", "/b/copy/sub", root: "/b/copy", earlierRoots: ["/a/ws"]))
        #expect(!PlanFingerprint.sameFolder("/a/ws/sub", "/b/copy/sub", root: "/b/copy"))
    }

    @Test func aNewMetricMappingThatEnablesASpecRuleIsARevision() async throws {
        // The criterion names `loss`, which nothing is known to log until the revised plan maps it:
        // the new rule applies to runs started from now on; the runs made keep their rules.
        let ws = ProtocolWorkspace(plan: ProtocolWorkspace.plan(seeds: "[0]", sleep: 0))
        ws.dir.write("experiments/exp-001-proto.md", ProtocolWorkspace.spec.replacingOccurrences(
            of: "- loss is NaN", with: "- Loss above 50 for 2 consecutive steps → abort that run"))
        #expect(try ProtocolTestHelpers.checkedPlan(ws.planPath).specAbortRules == [])
        _ = try await ProtocolTestHelpers.engine(ws).run()
        ws.dir.write("plan.yaml", ProtocolWorkspace.plan(seeds: "[0, 1]", sleep: 0)
            .replacingOccurrences(of: "metrics: {final_loss: loss_finite}", with: "metrics: {loss: loss_finite}"))
        #expect(try ProtocolTestHelpers.checkedPlan(ws.planPath).specAbortRules == ["loss > 50 for 2 steps"])
        let revised = try await ProtocolTestHelpers.engine(ws).run()
        #expect(ProtocolTestHelpers.record(ws, "full-base-seed1-a1")?.abortRules == ["loss > 50 for 2 steps"])
        #expect(ProtocolTestHelpers.record(ws, "full-base-seed0-a1")?.abortRules == [])
        let revisions = try ProtocolTestHelpers.json(revised.configPath)["plan_revisions"]?.arrayValue ?? []
        #expect(revisions.first?["changed"] == .array(["abort_rules", "sanity", "seeds", "unit_commands"]), "\(revisions)")
    }

    @Test func anExperimentExactlyAtItsTrainingRunLimitIsValid() async throws {
        // 6 training units (sanity 1, baseline 1, MVE 2, full 2) against a limit of 6, plus one
        // evaluation run: 7 runs started, 6 counted. metrics.json must validate.
        let ws = ProtocolWorkspace(plan: ProtocolWorkspace.plan(seeds: "[0]", sleep: 0))
        ws.dir.write("experiments/exp-001-proto.md", ProtocolWorkspace.spec.replacingOccurrences(of: "Max training runs: 1000", with: "Max training runs: 6"))
        var evaluation = RunRequest(experimentDir: ws.resultsDir, command: ["python3", "-c", "print(1)"], workingDirectory: ws.root)
        evaluation.kind = .evaluation
        _ = try await Supervisor.run(evaluation)
        let outcome = try await ProtocolTestHelpers.engine(ws).run()
        #expect(!outcome.aborted, "\(outcome.abortReason ?? "")")
        #expect(outcome.validationProblems == [])
        let usage = try ProtocolTestHelpers.json(outcome.metricsPath)["resource_usage"]
        #expect(usage?["total_runs"] == .number(7))
    }
}
