import Foundation
import RigorBasics
import RigorProtocol
import RigorSpec
import RigorSupervisor
import RigorTestSupport
import Testing

/// The protocol engine over the real Supervisor and real Python runs.
@Suite(.serialized)
struct ProtocolEngineTests {
    @Test func fullProtocolWritesValidMetricsWithAggregatesOfTheEmittedValues() async throws {
        let ws = ProtocolWorkspace()
        let outcome = try await ProtocolTestHelpers.engine(ws).run()
        #expect(!outcome.aborted, "\(outcome.abortReason ?? "")")
        #expect(outcome.validationProblems == [])
        #expect(MetricsCheck.validator(outcome.metricsPath, try ProtocolTestHelpers.checkedPlan(ws.planPath).spec) == [])

        let metrics = try ProtocolTestHelpers.json(ws.resultsDir + "/metrics.json")
        for (arm, config, key) in [("base", "configs/a.json", "baseline"), ("wide", "configs/b.json", "treatment")] {
            // The values the script emitted, as the Supervisor captured them.
            var emitted: [Double] = []
            for seed in 0..<5 {
                let record = try #require(ProtocolTestHelpers.record(ws, "full-\(arm)-seed\(seed)-a1"))
                #expect(record.status == .succeeded)
                let value = try #require(record.finalMetrics["accuracy"]?.doubleValue)
                #expect(abs(value - ProtocolWorkspace.accuracy(arm: arm, seed: seed, config: config)) < 1e-12)
                emitted.append(value)
            }
            let aggregate = try #require(metrics[key]?["accuracy"])
            let mean = emitted.reduce(0, +) / 5
            #expect(abs((aggregate["mean"]?.doubleValue ?? .nan) - mean) < 1e-12)
            #expect(abs((aggregate["std"]?.doubleValue ?? .nan) - ProtocolTestHelpers.sampleStd(emitted)) < 1e-12)
            #expect(aggregate["n"]?.doubleValue == 5)
        }
        let perSeed = try #require(metrics["per_seed"]?.arrayValue)
        #expect(perSeed.count == 10)
        #expect(perSeed.contains { $0["seed"]?.doubleValue == 3 && $0["arm"]?.stringValue == "wide"
            && abs(($0["accuracy"]?.doubleValue ?? 0) - 0.833) < 1e-12 })
        #expect(metrics["sanity_checks"]?["loss_is_finite"]?.boolValue == true)
        #expect(metrics["resource_usage"]?["total_runs"]?.doubleValue == 14)
        #expect(metrics["resource_usage"]?["total_training_steps"]?.doubleValue == 42)
        #expect(metrics["abort_triggered"]?.boolValue == false)
        let config = try ProtocolTestHelpers.json(ws.resultsDir + "/config.json")
        #expect(config["spec"]?["sha256"]?.stringValue == (try SHA256.hex(fileAt: ws.root + "/experiments/exp-001-proto.md")))
        #expect(config["seeds"]?.arrayValue?.count == 5)

        // Running again repeats nothing: every unit is kept from the first session.
        let before = ProtocolTestHelpers.runNames(ws)
        let again = try await ProtocolTestHelpers.engine(ws).run()
        #expect(ProtocolTestHelpers.runNames(ws) == before)
        #expect(again.metrics["baseline"] == outcome.metrics["baseline"])
    }

    @Test func baselineOutsideToleranceAbortsWithMeasuredAndExpected() async throws {
        let ws = ProtocolWorkspace(plan: ProtocolWorkspace.plan(expect: "value: 0.5\n      tolerance: 0.01"))
        let outcome = try await ProtocolTestHelpers.engine(ws).run()
        #expect(outcome.aborted)
        let reason = try #require(outcome.abortReason)
        #expect(reason.contains("accuracy measured 0.7"), "\(reason)")
        #expect(reason.contains("expected 0.5 ± 0.01"), "\(reason)")
        let metrics = try ProtocolTestHelpers.json(outcome.metricsPath)
        #expect(metrics["abort_triggered"]?.boolValue == true)
        #expect(metrics["abort_reason"]?.stringValue == reason)
        #expect(metrics["baseline"]?["accuracy"]?["mean"]?.doubleValue == 0.7)
        let names = ProtocolTestHelpers.runNames(ws)
        #expect(!names.contains { $0.hasPrefix("mve-") || $0.hasPrefix("full-") }, "\(names)")
    }

    /// The baseline gate on both sides of the expectation: expected 0.5 ± 0.25, measured values chosen
    /// exact in binary floating point, so |measured − expected| == tolerance is exactly the boundary
    /// (which passes) and one unit in the last place beyond it fails, below as well as above.
    static let baselineGateCases: [(measured: Double, passes: Bool)] = [
        (0.5, true),                       // on the expectation
        (0.25, true), (0.75, true),        // |diff| == tolerance, below and above
        (0.3, true), (0.7, true),          // inside, below and above
        (0.2, false), (0.8, false),        // beyond the tolerance, below and above
        (0.25.nextDown.nextDown, false),   // |diff| = 0.25 + 2⁻⁵⁴: just outside, below
        (0.75.nextUp, false),              // |diff| = 0.25 + 2⁻⁵³: just outside, above
        (-0.5, false), (1.5, false),       // far outside on each side
    ]

    @Test(arguments: baselineGateCases)
    func baselineGateHoldsOnBothSidesOfTheExpectation(measured: Double, passes: Bool) async throws {
        let diff = abs(measured - 0.5)
        #expect(passes == (diff <= 0.25), "fixture: \(measured) is \(passes ? "inside" : "outside") by construction")
        let ws = ProtocolWorkspace(plan: ProtocolWorkspace.plan(
            seeds: "[0]", sleep: 0, expect: "value: 0.5\n      tolerance: 0.25",
            baselineCommand: "python3 train.py --seed {seed} --arm {arm} --sleep 0 --accuracy \(measured)"))
        let outcome = try await ProtocolTestHelpers.engine(ws).run()

        // The measured value reached the engine exactly (no rounding on the way through the event).
        let baselineRun = try #require(ProtocolTestHelpers.runNames(ws).first { $0.hasPrefix("baseline-") })
        #expect(ProtocolTestHelpers.record(ws, baselineRun)?.finalMetrics["accuracy"]?.doubleValue == measured)
        let journal = try ProtocolJournal.read(path: ws.resultsDir + "/" + ProtocolJournal.fileName)
        let gate = try #require(journal.first { $0["event"]?.stringValue == "gate" && $0["phase"]?.stringValue == "baseline" })
        #expect(gate["passed"]?.boolValue == passes, "measured \(measured): \(gate["detail"]?.stringValue ?? "")")
        let names = ProtocolTestHelpers.runNames(ws)
        if passes {
            #expect(!outcome.aborted, "measured \(measured): \(outcome.abortReason ?? "")")
            #expect(names.contains { $0.hasPrefix("full-") }, "\(names)")
        } else {
            #expect(outcome.aborted, "measured \(measured) passed the gate")
            let reason = outcome.abortReason ?? ""
            #expect(reason.contains("baseline outside tolerance: accuracy measured "), "\(reason)")
            #expect(reason.contains("expected 0.5 ± 0.25"), "\(reason)")
            #expect(!names.contains { $0.hasPrefix("mve-") || $0.hasPrefix("full-") }, "\(names)")
        }
    }

    @Test func failedMVEStopsBeforeTheFullProtocol() async throws {
        let ws = ProtocolWorkspace(plan: ProtocolWorkspace.plan(mveCommand: "python3 train.py --seed {seed} --arm {arm} --broken --sleep 0"))
        let outcome = try await ProtocolTestHelpers.engine(ws).run()
        #expect(outcome.aborted)
        #expect(outcome.abortReason?.contains("MVE check 'loss_below_2' failed: final_loss = 9") == true, "\(outcome.abortReason ?? "")")
        let names = ProtocolTestHelpers.runNames(ws)
        #expect(names.contains("mve-wide-seed0-a1"))
        #expect(!names.contains { $0.hasPrefix("full-") }, "\(names)")
        let metrics = try ProtocolTestHelpers.json(outcome.metricsPath)
        #expect(metrics["per_seed"]?.arrayValue?.isEmpty == true)
    }

    @Test func failedFullRunIsRetriedThenStopsTheExperiment() async throws {
        // Baseline and MVE use commands without --fail; only the full protocol's runs fail.
        let full = "  full: python3 train.py --seed {seed} --arm {arm} --config {config} --sleep 0.3"
        let fixed = ProtocolWorkspace.plan(extra: "retries: 1").replacingOccurrences(of: full, with: """
              full: python3 train.py --seed {seed} --arm {arm} --config {config} --sleep 0 --fail
              baseline: python3 train.py --seed {seed} --arm {arm} --sleep 0
              mve: python3 train.py --seed {seed} --arm {arm} --sleep 0
            """)
        let ws = ProtocolWorkspace(plan: fixed)
        let outcome = try await ProtocolTestHelpers.engine(ws).run()
        #expect(outcome.aborted)
        #expect(outcome.abortReason?.contains("ended failed (exit code 3)") == true, "\(outcome.abortReason ?? "")")
        let names = ProtocolTestHelpers.runNames(ws)
        #expect(names.contains("full-base-seed0-a1") && names.contains("full-base-seed0-a2"), "\(names)")
        #expect(!names.contains { $0.hasPrefix("full-") && !$0.contains("seed0") }, "no unit starts after the failure: \(names)")
        let notes = outcome.metrics["notes"]?.stringValue ?? ""
        #expect(notes.contains("retries after a run that did not succeed:"), "\(notes)")
        #expect(outcome.metrics["resource_usage"]?["total_runs"]?.doubleValue == Double(names.count))
    }
}
