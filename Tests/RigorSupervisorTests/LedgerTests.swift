import Foundation
import Testing
import RigorBasics
import RigorSpec
import RigorSupervisor
import RigorTestSupport

@Suite("Budget ledger")
struct LedgerTests {
    @Test func runOverMaxTrainingRunsIsRefusedWithALedgerLine() async throws {
        let f = SupervisedFixture()
        let b = budget(runs: 1)
        let first = try await Supervisor.run(f.request("metrics.py", budget: b))
        #expect(first.status == .succeeded)
        // Sanity runs do not count toward max training runs.
        let sanity = try await Supervisor.run(f.request("metrics.py", phase: .sanity, budget: b))
        #expect(sanity.status == .succeeded)
        do {
            // Another unit of work (the same command again would be another attempt of the first).
            var other = f.request("metrics.py", phase: .full, budget: b)
            other.unit = "full-other-seed0"
            _ = try await Supervisor.run(other)
            Issue.record("expected a refusal")
        } catch {
            guard case .budgetRefused(let why) = error else { Issue.record("wrong error \(error)"); return }
            #expect(why.contains("at most 1 training runs"))
        }
        let summary = try BudgetLedger(experimentDir: f.experimentDir).read()
        #expect(summary.refusals == 1)
        #expect(summary.runsStarted == 2)
        #expect(summary.runsCounted == 1)
        let runs = try FileManager.default.contentsOfDirectory(atPath: f.experimentDir + "/runs").filter { !$0.hasPrefix(".") }
        #expect(runs.count == 2)
    }

    @Test func exhaustedWallBudgetStopsTheRun() async throws {
        let f = SupervisedFixture()
        let pidfile = f.temp.path + "/pids"
        let record = try await Supervisor.run(f.request("hang_with_grandchild.py", [pidfile], budget: budget(wallSeconds: 1.5)))
        #expect(record.status == .budgetExhausted)
        #expect(record.abortReason?.contains("wall-clock budget") == true)
        let summary = try BudgetLedger(experimentDir: f.experimentDir).read()
        #expect(summary.overruns.contains { $0.contains("run stopped") })
        // The budget is now spent: the next run is refused before it starts.
        await #expect(throws: SupervisorError.self) { try await Supervisor.run(f.request("metrics.py", budget: budget(wallSeconds: 1.5))) }
    }

    @Test func tornLastLineIsToleratedAndReported() throws {
        let temp = TempDirectory()
        let ledger = BudgetLedger(experimentDir: temp.path)
        try ledger.append(JSONObject([("event", "run_started"), ("run_id", "a"), ("counts_toward_max_runs", true)]))
        try ledger.append(JSONObject([("event", "run_finished"), ("run_id", "a"), ("wall_seconds", 12.5), ("gpu_hours", 0.5), ("steps", 10)]))
        try ledger.append(JSONObject([("event", "run_started"), ("run_id", "b")]))
        // A crash mid-append leaves half a line without newline.
        let handle = try #require(FileHandle(forWritingAtPath: ledger.path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"at\":\"2026-01-01\",\"event\":\"run_fin".utf8))
        try handle.close()
        var summary = try ledger.read()
        #expect(summary.runsStarted == 2)
        #expect(summary.wallSeconds == 12.5)
        #expect(summary.gpuHours == 0.5)
        #expect(summary.unfinishedRunIDs == ["b"])
        #expect(summary.issues.count == 1)
        #expect(summary.issues.first?.tornTail == true)
        #expect(summary.issues.first?.line == 4)
        // The next append starts on a fresh line; the torn line stays reported.
        try ledger.append(JSONObject([("event", "run_finished"), ("run_id", "b"), ("wall_seconds", 1)]))
        summary = try ledger.read()
        #expect(summary.unfinishedRunIDs.isEmpty)
        #expect(summary.wallSeconds == 13.5)
        #expect(summary.issues.count == 1)
        #expect(summary.issues.first?.tornTail == false)
        #expect(summary.issues.first?.line == 4)
    }
}
