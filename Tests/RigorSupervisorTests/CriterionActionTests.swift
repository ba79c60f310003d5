import Foundation
import RigorBasics
import RigorProtocol
import RigorSupervisor
import RigorTestSupport
import Testing

/// The spec's abort criteria as machinery in the protocol engine (issue 8, "What was seen" 7):
/// each action (abort that run, skip that configuration, abort the experiment at a gate or on
/// the experiment's total wall clock, retry once out of memory) on real runs.
@Suite(.serialized)
struct CriterionActionTests {
    /// The fixture workspace with `criteria` as the spec's abort criteria; the `wide` arm's
    /// script logs a loss of 9 at every step (`--broken`).
    static func workspace(criteria: String, mveArm: String = "base", command: String = "python3 train.py") -> ProtocolWorkspace {
        let plan = """
        spec: experiments/exp-001-proto.md
        seeds: [0, 1, 2]
        arms:
          base: {config: "--sleep=0.05"}
          wide: {config: "--broken"}
        baseline_arm: base
        commands:
          full: \(command) --seed {seed} --arm {arm} {config}
        metrics:
          accuracy: accuracy
          final_loss: final_loss
        computed: [loss_finite]
        baseline:
          expect:
            - metric: accuracy
              from_spec: base accuracy
        mve:
          arms: [\(mveArm)]
          checks:
            - {name: accuracy_reported, value: accuracy, min: 0}
        abort_rules: ["isnan(loss)"]
        """
        let ws = ProtocolWorkspace(plan: plan)
        ws.dir.write("experiments/exp-001-proto.md", ProtocolWorkspace.spec.replacingOccurrences(of: "- loss is NaN", with: criteria))
        return ws
    }

    static func notes(_ outcome: ProtocolOutcome) throws -> String {
        try ProtocolTestHelpers.json(outcome.metricsPath)["notes"]?.stringValue ?? ""
    }

    @Test func abortThatRunStopsOnlyThatRunAndTheExperimentGoesOn() async throws {
        let ws = CriterionActionTests.workspace(criteria: "- Loss above 5 for 2 consecutive steps → abort that run")
        let checked = try ProtocolTestHelpers.checkedPlan(ws.planPath)
        #expect(checked.specAbortRules == ["loss > 5 for 2 steps"])
        let outcome = try await ProtocolTestHelpers.engine(ws, slots: 1).run()
        #expect(!outcome.aborted, "\(outcome.abortReason ?? "")")
        for seed in 0...2 {
            #expect(ProtocolTestHelpers.record(ws, "full-wide-seed\(seed)-a1")?.status == .aborted)
            #expect(ProtocolTestHelpers.record(ws, "full-wide-seed\(seed)-a2") == nil, "abort_run is not retried")
            #expect(ProtocolTestHelpers.record(ws, "full-base-seed\(seed)-a1")?.status == .succeeded)
        }
        let metrics = try ProtocolTestHelpers.json(outcome.metricsPath)
        #expect(metrics["per_seed"]?.arrayValue?.count == 3)
        #expect(metrics["treatment"]?["arm"] == .string("wide"))
        #expect(metrics["treatment"]?["accuracy"] == .null)
        let notes = try CriterionActionTests.notes(outcome)
        #expect(notes.contains("spec abort criterion line"), "\(notes)")
    }

    @Test func skipThatConfigurationStopsTheArmsRemainingRuns() async throws {
        let ws = CriterionActionTests.workspace(criteria: "- Loss above 5 for 2 consecutive steps → skip that configuration")
        let outcome = try await ProtocolTestHelpers.engine(ws, slots: 1).run()
        #expect(!outcome.aborted, "\(outcome.abortReason ?? "")")
        #expect(ProtocolTestHelpers.record(ws, "full-wide-seed0-a1")?.status == .aborted)
        let names = ProtocolTestHelpers.runNames(ws)
        #expect(!names.contains("full-wide-seed1-a1") && !names.contains("full-wide-seed2-a1"), "\(names)")
        #expect(names.contains("full-base-seed2-a1"), "\(names)")
        let notes = try CriterionActionTests.notes(outcome)
        #expect(notes.contains("arm wide skipped after") && notes.contains("full-wide-seed1, full-wide-seed2"), "\(notes)")
    }

    @Test func aMetricThresholdAtTheMVEGateAbortsTheExperiment() async throws {
        let ws = CriterionActionTests.workspace(criteria: "- MVE Gate A (final loss > 2) → ABORT", mveArm: "wide")
        let outcome = try await ProtocolTestHelpers.engine(ws, slots: 1).run()
        #expect(outcome.aborted)
        let reason = outcome.abortReason ?? ""
        #expect(reason.contains("spec abort criterion line") && reason.contains("`final_loss > 2` holds on its final values (final_loss=9"), "\(reason)")
        #expect(!ProtocolTestHelpers.runNames(ws).contains { $0.hasPrefix("full-") })
        let metrics = try ProtocolTestHelpers.json(outcome.metricsPath)
        #expect(metrics["abort_triggered"] == .bool(true))
    }

    @Test func totalWallClockStopsTheProtocolWithPartialMetrics() async throws {
        let ws = CriterionActionTests.workspace(criteria: "- Total wall time exceeds 1 second → report partial results")
        let outcome = try await ProtocolTestHelpers.engine(ws, slots: 1).run()
        #expect(outcome.aborted)
        #expect(outcome.abortReason?.contains("`wall > 1s` holds over the experiment's totals") == true, "\(outcome.abortReason ?? "")")
        let full = ProtocolTestHelpers.runNames(ws).filter { $0.hasPrefix("full-") }
        #expect(full.count < 6, "\(full)")
        // The metric the plan declares computed elsewhere is checked by the validator, and is missing.
        #expect(outcome.validationProblems.count == 1 && outcome.validationProblems[0].contains("sanity metric \"loss_finite\""), "\(outcome.validationProblems)")
        let metrics = try ProtocolTestHelpers.json(outcome.metricsPath)
        #expect(metrics["abort_triggered"] == .bool(true))
        #expect((metrics["resource_usage"]?["wall_clock_seconds"]?.doubleValue ?? 0) > 1)
    }

    @Test func outOfMemoryIsRetriedOnceWithTheReason() async throws {
        let ws = CriterionActionTests.workspace(criteria: "- OOM → reduce batch size, retry once", command: "python3 oom.py")
        ws.dir.write("oom.py", """
        import os, sys, runpy
        if os.environ.get("RIGOR_PHASE") == "full" and os.environ.get("RIGOR_ARM") == "base" and os.environ.get("RIGOR_RETRY_REASON") != "out_of_memory":
            sys.stderr.write("RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB\\n")
            sys.exit(1)
        sys.argv[0] = "train.py"
        runpy.run_path("train.py", run_name="__main__")
        """)
        let outcome = try await ProtocolTestHelpers.engine(ws, slots: 1).run()
        #expect(!outcome.aborted, "\(outcome.abortReason ?? "")")
        for seed in 0...2 {
            #expect(ProtocolTestHelpers.record(ws, "full-base-seed\(seed)-a1")?.status == .failed)
            #expect(ProtocolTestHelpers.record(ws, "full-base-seed\(seed)-a2")?.status == .succeeded)
        }
        // Without the criterion, the same failure stops the experiment (retries: 0).
        let plain = CriterionActionTests.workspace(criteria: "- loss is NaN", command: "python3 oom.py")
        plain.dir.write("oom.py", try String(contentsOfFile: ws.root + "/oom.py", encoding: .utf8))
        let stopped = try await ProtocolTestHelpers.engine(plain, slots: 1).run()
        #expect(stopped.aborted)
        #expect(ProtocolTestHelpers.record(plain, "full-base-seed0-a2") == nil)
    }
}
