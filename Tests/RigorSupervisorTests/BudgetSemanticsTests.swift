import Foundation
import RigorBasics
import RigorProtocol
import RigorSpec
@testable import RigorSupervisor
import RigorTestSupport
import Testing

/// The budget as researchers mean it (docs/budget.md; issue 8, "What was seen" 3, 4 and 6):
/// attempts of one unit count once, a run that never started costs nothing, only training runs
/// count toward max training runs, and every second actually spent counts toward wall clock.
@Suite(.serialized)
struct BudgetSemanticsTests {
    /// Runs hang_with_grandchild.py and interrupts it (as Ctrl-C would) once the script has
    /// written its pid file, i.e. once the run is under way.
    func interrupted(_ f: SupervisedFixture, unit: String?, attempt: Int) async throws -> RunRecord {
        let pidfile = f.temp.path + "/pids-\(attempt)"
        try? FileManager.default.removeItem(atPath: pidfile)
        var r = f.request("hang_with_grandchild.py", [pidfile], budget: budget(runs: 1))
        r.unit = unit
        let control = RunControl()
        r.control = control
        let task = Task { try await Supervisor.run(r) }
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: pidfile) {
            if Date() > deadline { Issue.record("the run never started"); break }
            try await Task.sleep(for: .milliseconds(20))
        }
        control.interrupt()
        return try await task.value
    }

    @Test func interruptedAttemptsOfOneUnitCountOnceAndEverySecondCounts() async throws {
        let f = SupervisedFixture()
        let a1 = try await interrupted(f, unit: "baseline-base-seed0", attempt: 1)
        // Attempts two and three are allowed although one training run is the whole budget.
        let a2 = try await interrupted(f, unit: "baseline-base-seed0", attempt: 1)
        let a3 = try await interrupted(f, unit: "baseline-base-seed0", attempt: 1)
        #expect([a1, a2, a3].allSatisfy { $0.status == .interrupted })
        let summary = try BudgetLedger(experimentDir: f.experimentDir).read()
        #expect(summary.runsStarted == 3)
        #expect(summary.runsCounted == 1)
        #expect(summary.repeatedAttempts == 2)
        #expect(summary.wallSeconds >= a1.wallSeconds + a2.wallSeconds + a3.wallSeconds - 0.01)
        #expect(a3.unit == "baseline-base-seed0" && a3.kind == .training)
        // The unit's name with another command is a new training run: refused, the budget is spent.
        var sameName = f.request("metrics.py", budget: budget(runs: 1))
        sameName.unit = "baseline-base-seed0"
        await #expect(throws: SupervisorError.self) { try await Supervisor.run(sameName) }
        var other = f.request("metrics.py", budget: budget(runs: 1))
        other.unit = "full-wide-seed0"
        await #expect(throws: SupervisorError.self) { try await Supervisor.run(other) }
    }

    @Test func theSameCommandAgainIsAnotherAttemptOfTheSameUnit() async throws {
        let f = SupervisedFixture()
        _ = try await interrupted(f, unit: nil, attempt: 1)
        let again = try await interrupted(f, unit: nil, attempt: 1)
        #expect(again.status == .interrupted)
        #expect(try BudgetLedger(experimentDir: f.experimentDir).read().runsCounted == 1)
    }

    @Test func aScriptThatDoesNotExistNeverStartsAndCostsNothing() async throws {
        let f = SupervisedFixture()
        let request = RunRequest(experimentDir: f.experimentDir, command: [SupervisedFixture.python, "scripts/trian.py"],
                                 workingDirectory: f.temp.path, budget: budget(runs: 1))
        do {
            _ = try await Supervisor.run(request)
            Issue.record("a missing script was started")
        } catch {
            #expect(error == .scriptNotFound("scripts/trian.py"))
        }
        let summary = try BudgetLedger(experimentDir: f.experimentDir).read()
        #expect(summary.runsStarted == 0 && summary.runsCounted == 0)
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: f.experimentDir + "/runs")) ?? []
        #expect(runs.filter { !$0.hasPrefix(".") && $0 != "rigor_helper" }.allSatisfy { !$0.hasPrefix("20") }, "\(runs)")
    }

    @Test func zeroTrainingRunsStillAllowsEvaluationAndExport() async throws {
        // "Max training runs: 0 (supervised fitting only, no RL)".
        let f = SupervisedFixture()
        var evaluation = f.request("metrics.py", budget: budget(runs: 0))
        evaluation.kind = .evaluation
        #expect(try await Supervisor.run(evaluation).status == .succeeded)
        var export = f.request("metrics.py", [], budget: budget(runs: 0))
        export.kind = .export
        export.unit = "export-tables"
        #expect(try await Supervisor.run(export).kind == .export)
        var training = f.request("metrics.py", budget: budget(runs: 0))
        training.unit = "fit"
        do {
            _ = try await Supervisor.run(training)
            Issue.record("a training run was allowed by a budget of 0")
        } catch {
            guard case .budgetRefused(let why) = error else { Issue.record("wrong error \(error)"); return }
            #expect(why.contains("at most 0 training runs"))
        }
        // Kind, not phase, decides: a sanity run that trains is a training run (refused here); one
        // that evaluates runs, and its time counts.
        var trainingSanity = f.request("metrics.py", phase: .sanity, budget: budget(runs: 0))
        trainingSanity.unit = "sanity-one_epoch"
        await #expect(throws: SupervisorError.self) { try await Supervisor.run(trainingSanity) }
        var sanityRequest = f.request("metrics.py", phase: .sanity, budget: budget(runs: 0))
        sanityRequest.kind = .evaluation
        sanityRequest.unit = "sanity-shapes"
        let sanity = try await Supervisor.run(sanityRequest)
        let summary = try BudgetLedger(experimentDir: f.experimentDir).read()
        #expect(summary.runsCounted == 0)
        #expect(summary.runsByKind == ["evaluation": 1, "export": 1, "sanity evaluation": 1])
        #expect(summary.wallSeconds >= sanity.wallSeconds)
    }

    @Test func runRecordSaysWhichRulesAndTimeLimitWereInForce() async throws {
        let f = SupervisedFixture()
        let record = try await Supervisor.run(f.request("metrics.py", rules: ["isnan(loss)", "loss > 5 for 3 epochs"], timeout: 120))
        #expect(record.abortRules == ["isnan(loss)", "loss > 5 for 3 epochs"])
        #expect(record.timeoutSeconds == 120)
        let onDisk = try RunRecordFile.read(runDir: f.runDir(record))
        #expect(onDisk.abortRules == record.abortRules && onDisk.timeoutSeconds == 120)
    }

    @Test func ledgerUnitsOfOlderLinesComeFromProtocolRunIDs() {
        let lines = """
        {"event":"run_started","run_id":"full-a-seed0-a1","phase":"full","counts_toward_max_runs":true}
        {"event":"run_started","run_id":"full-a-seed0-a2","phase":"full","counts_toward_max_runs":true}
        {"event":"run_started","run_id":"20261201-x","phase":"adhoc","counts_toward_max_runs":true}

        """
        let s = BudgetLedger.summarise(Array(lines.utf8))
        #expect(s.countedUnits == ["20261201-x", "full-a-seed0"])
        #expect(s.repeatedAttempts == 1)
    }

    @Test func absurdOrRepeatedLedgerLinesAreIssuesNotCrashes() {
        let lines = """
        {"event":"run_started","run_id":"a","phase":"adhoc"}
        {"event":"run_finished","run_id":"a","steps":1e19,"wall_seconds":1}
        {"event":"run_started","run_id":"b","phase":"adhoc"}
        {"event":"run_finished","run_id":"b","steps":1e19,"gpu_hours":-50}
        {"event":"run_finished","run_id":"b","never_started":true}
        {"event":"run_finished","run_id":"c","never_started":true}

        """
        let s = BudgetLedger.summarise(Array(lines.utf8))
        #expect(s.steps == 0)
        #expect(s.gpuHours == 0)
        #expect(s.runsCounted == 2 && s.neverStarted == 0)
        #expect(s.issues.map(\.line) == [2, 4, 4, 5, 6], "\(s.issues)")
    }

    @Test func aProgramThatCannotStartIsALaunchProblem() throws {
        let f = SupervisedFixture()
        f.temp.write("bad.py", "#!/nonexistent/python3\nprint(1)\n")
        chmod(f.temp.path + "/bad.py", 0o755)
        try FileManager.default.createDirectory(atPath: f.temp.path + "/dirprog", withIntermediateDirectories: true)
        #expect(ScriptArgument.launchProblem(["./bad.py"], cwd: f.temp.path)?.contains("#! interpreter /nonexistent/python3 cannot be run") == true)
        #expect(ScriptArgument.launchProblem(["./dirprog"], cwd: f.temp.path)?.contains("command not found") == true)
        #expect(ScriptArgument.launchProblem([SupervisedFixture.python, SupervisedFixture.script("metrics.py")], cwd: f.temp.path) == nil)
    }

    @Test func aStartWithNoRunRecordIsReportedAsNeverStartedOnce() throws {
        // Rigor killed between the ledger's start line and the run record: reports (not budget
        // checks) treat that start as never started, and metrics.json counts the runs that did.
        let f = SupervisedFixture()
        try FileManager.default.createDirectory(atPath: f.experimentDir + "/runs/full-a-seed0-a2", withIntermediateDirectories: true)
        f.temp.write("results/exp-001-test/runs/full-a-seed0-a2/run.json", "{}")
        let ledger = """
        {"event":"run_started","run_id":"full-a-seed0-a1","phase":"full","unit":"full-a-seed0"}
        {"event":"run_started","run_id":"full-a-seed0-a2","phase":"full","unit":"full-a-seed0"}
        {"event":"run_finished","run_id":"full-a-seed0-a2","wall_seconds":1}

        """
        f.temp.write("results/exp-001-test/ledger.jsonl", ledger)
        let checked = try BudgetLedger(experimentDir: f.experimentDir).read()
        #expect(checked.runsStarted == 2 && checked.neverStarted == 0)
        let reported = try BudgetLedger(experimentDir: f.experimentDir).read(reconciling: true)
        #expect(reported.runsStarted == 1 && reported.neverStarted == 1 && reported.orphanStarts == ["full-a-seed0-a1"])
        #expect(ResourceUsage(ledger: reported).totalRuns == 1)
    }
}
