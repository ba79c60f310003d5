import Foundation
import RigorBasics
import RigorTestSupport
import Testing

/// `rigor run --agent none --plan`: the plan through the protocol engine with no agent, and
/// the same verification, records and trace as with one.
struct RunNoneCLITests {
    static func example() throws -> TempDirectory {
        let dir = TempDirectory(prefix: "rigor-run-none")
        #expect(try runProcess(["/bin/cp", "-r", RepoPaths.root + "/examples/two-spirals/.", dir.path]).status == 0)
        try? FileManager.default.removeItem(atPath: dir.path + "/results/exp-001-hidden-width")
        return dir
    }

    static func perSeed(_ dir: TempDirectory) throws -> String {
        let text = try #require(dir.read("results/exp-001-hidden-width/metrics.json"))
        let o = try JSONReader.parse(text).value
        return (o["per_seed"] ?? .null).serialized(pretty: false)
    }

    @Test func theSameResultAsProtocolRunPlusTheRecordsAndTheTrace() throws {
        let viaRun = try Self.example(), viaProtocol = try Self.example()
        let r = try rigor(arguments: ["run", "experiments/exp-001-hidden-width.md", "--agent", "none", "--plan", "plan.yaml", "--json"], cwd: viaRun.path, timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        // --json: stdout is JSON lines only, the summary last.
        let events = r.lines.map { try? JSONReader.parse($0).value }
        #expect(!events.isEmpty && events.allSatisfy { $0?["type"]?.stringValue != nil }, "\(r.stdout)")
        #expect(events.last??["type"] == .string("summary") && events.last??["summary"]?["outcome"] == .string("complete"))
        #expect(r.stderr.contains("trace: 55 of 55 numbers traced") && r.stderr.contains("complete (exit 0)"), "\(r.stderr)")
        let p = try rigor(arguments: ["protocol", "run", "plan.yaml"], cwd: viaProtocol.path, timeout: 300)
        #expect(p.status == 0, "\(p.stderr)")
        #expect(try Self.perSeed(viaRun) == Self.perSeed(viaProtocol), "the same runs give the same values")
        let summary = try JSONReader.parse(try #require(viaRun.read("results/exp-001-hidden-width/rigor/summary.json"))).value
        #expect(summary["outcome"] == .string("complete") && summary["runs_launched"] == .number(9) && summary["metrics_written_by"] == .string("rigor protocol run"))
        let config = try JSONReader.parse(try #require(viaRun.read("results/exp-001-hidden-width/config.json"))).value
        #expect(config["rigor_run"]?["agent"] == .string("none") && config["commands"] != nil, "the engine's fields kept, provenance added")
        // Run again: refused, nothing changed.
        let again = try rigor(arguments: ["run", "experiments/exp-001-hidden-width.md", "--agent", "none", "--plan", "plan.yaml"], cwd: viaRun.path)
        #expect(again.status == 2 && again.stderr.contains("already ran"), "\(again.stderr)")
    }

    @Test func aTimeBudgetStopsThePlanAndRigorWritesTheAbortMetrics() throws {
        let dir = try Self.example()
        let r = try rigor(arguments: ["run", "experiments/exp-001-hidden-width.md", "--agent", "none", "--plan", "plan.yaml", "--time-budget", "1s", "--kill-grace", "1"], cwd: dir.path, timeout: 120)
        #expect(r.status == 3, "\(r.stderr)")
        let metrics = try JSONReader.parse(try #require(dir.read("results/exp-001-hidden-width/metrics.json"))).value
        #expect(metrics["abort_triggered"] == .bool(true))
        #expect(metrics["abort_reason"]?.stringValue?.hasPrefix("wall-clock time budget of 1 s reached") == true, "\(String(describing: metrics["abort_reason"]))")
    }

    @Test func badInputIsOneLineAndExitTwo() throws {
        let dir = try Self.example()
        let noPlan = try rigor(arguments: ["run", "experiments/exp-001-hidden-width.md", "--agent", "none"], cwd: dir.path)
        #expect(noPlan.status == 2 && noPlan.errorLines == ["rigor: --agent none runs a plan with no agent: pass --plan PLAN (docs/plan.md)"], "\(noPlan.stderr)")
        let unknown = try rigor(arguments: ["run", "experiments/exp-001-hidden-width.md", "--agent", "gpt"], cwd: dir.path)
        #expect(unknown.status == 2 && unknown.errorLines == ["rigor: --agent gpt: expected claude, codex, builtin, none"], "\(unknown.stderr)")
        let budget = try rigor(arguments: ["run", "experiments/exp-001-hidden-width.md", "--agent", "none", "--plan", "plan.yaml", "--time-budget", "soon"], cwd: dir.path)
        #expect(budget.status == 2 && budget.stderr.contains("--time-budget soon: expected a duration"), "\(budget.stderr)")
        // A plan that cannot run is refused before anything starts, so the experiment can still run later.
        let missing = try rigor(arguments: ["run", "experiments/exp-001-hidden-width.md", "--agent", "none", "--plan", "nope.yaml"], cwd: dir.path)
        #expect(missing.status == 2 && missing.stderr.contains("nope.yaml: no such file") && missing.stderr.contains("nothing was run"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/results/exp-001-hidden-width/rigor"), "nothing was started")
    }
}

/// Ctrl-C during `rigor run`, then `--resume`.
struct RunInterruptCLITests {
    @Test func anInterruptedPhaseExits130AndResumesWithItsRecordsKept() throws {
        let dir = try RunNoneCLITests.example()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RepoPaths.rigorBinary)
        process.arguments = ["run", "experiments/exp-001-hidden-width.md", "--agent", "none", "--plan", "plan.yaml", "--kill-grace", "2"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for the first run to start (the plan's 9 runs take seconds), then Ctrl-C.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && ((try? FileManager.default.contentsOfDirectory(atPath: dir.path + "/results/exp-001-hidden-width/runs"))?.filter { !$0.hasPrefix(".") }.isEmpty ?? true) {
            usleep(50_000)
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let summary = try JSONReader.parse(try #require(dir.read("results/exp-001-hidden-width/rigor/summary.json"))).value
        #expect(summary["outcome"] == .string("interrupted"))
        let plain = try rigor(arguments: ["run", "experiments/exp-001-hidden-width.md", "--agent", "none", "--plan", "plan.yaml"], cwd: dir.path)
        #expect(plain.status == 2 && plain.stderr.contains("pass --resume"), "\(plain.stderr)")
        let resumed = try rigor(arguments: ["run", "experiments/exp-001-hidden-width.md", "--agent", "none", "--plan", "plan.yaml", "--resume"], cwd: dir.path, timeout: 300)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(dir.read("results/exp-001-hidden-width/rigor/attempt-1/summary.json")?.contains("\"interrupted\"") == true, "the first attempt's records are kept")
        #expect(try JSONReader.parse(try #require(dir.read("results/exp-001-hidden-width/rigor/summary.json"))).value["outcome"] == .string("complete"))
    }
}
