import Foundation
import Testing
import RigorBasics
import RigorSupervisor
import RigorTestSupport

/// `rigor budget` and `rigor status` on an experiment whose runs were made by `rigor exec`.
@Suite("rigor budget and rigor status")
struct BudgetStatusCLITests {
    /// A complete spec (`rigor spec check` passes): at most 2 training runs, 1 hour, no GPU-hour limit.
    static let specText = #"""
# Experiment: supervisor CLI test

## Hypothesis

The metrics script reports acc = 0.5 at the end of every run.

## Independent Variables

- `arm`: wide or narrow.

## Controls

- The same script and seed handling for every run.

## Metrics (ALL must be reported)

### Primary

1. **acc** — the final accuracy the script reports.

## Baselines

| Baseline | Source | acc |
|----------|--------|-----|
| metrics.py | measured | 0.5 ± 0.0 |

## Success Criteria (immutable once RUN begins)

- [ ] **C1:** acc equals 0.5 in every run

## Minimum Viable Experiment

Run the script once.

## Full Protocol

1. Run the script.

## Resource Budget

**Tier:** Quick

- Max GPU-hours: N/A
- Max wall-clock time: 1 hours
- Max training runs: 2
- Max seeds per configuration: 3

### Compute Profile

```yaml
compute_type: cpu
estimated_wall_hours: 0.01
```

## Abort Criteria

- NaN loss
"""#

    /// Runs the rigor binary off the cooperative pool.
    static func cli(_ arguments: [String], cwd: String, timeout: TimeInterval = 60) async throws -> ProcessResult {
        try await offPool { try rigor(arguments: arguments, cwd: cwd, timeout: timeout) }
    }

    /// A workspace with a spec (at most 2 training runs, 1 hour) and four exec attempts:
    /// full (ok), sanity (ok), baseline (exit 3), full (refused by the budget).
    static func workspace() async throws -> (temp: TempDirectory, records: [RunRecord]) {
        let temp = TempDirectory(prefix: "rigor-cli-budget")
        temp.write("experiments/exp-001-test.md", BudgetStatusCLITests.specText)
        try FileManager.default.createDirectory(atPath: temp.path + "/results/exp-001-test", withIntermediateDirectories: true)
        let script = SupervisedFixture.script("metrics.py")
        let root = temp.path
        func exec(_ args: [String]) async throws -> ProcessResult {
            try await cli(["exec", "--experiment", "results/exp-001-test"] + args, cwd: root, timeout: 120)
        }
        let ok = try await exec(["--seed", "1", "--arm", "wide", "--phase", "full", "--", "python3", script])
        #expect(ok.status == 0, "\(ok.stderr)")
        let sanity = try await exec(["--seed", "2", "--phase", "sanity", "--kind", "evaluation", "--", "python3", script])
        #expect(sanity.status == 0, "\(sanity.stderr)")
        let failed = try await exec(["--seed", "3", "--phase", "baseline", "--", "python3", script, "-1", "3"])
        // The command's own status (3) is printed; Rigor's exit status says "the command failed" (1),
        // never the child's code, which could be mistaken for Rigor's 3 (stopped by Rigor).
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(failed.errorLines.last?.contains("failed") == true && failed.errorLines.last?.contains("exit 3") == true, "\(failed.stderr)")
        let refused = try await exec(["--seed", "4", "--phase", "full", "--", "python3", script])
        #expect(refused.status == 4)
        #expect(refused.errorLines.last?.hasPrefix("rigor: run refused by the experiment budget") == true, "\(refused.stderr)")
        let records = RunRecordFile.all(experimentDir: temp.path + "/results/exp-001-test").records
        #expect(records.count == 3)
        return (temp, records)
    }

    @Test func budgetReportsTheLedgerAgainstTheSpec() async throws {
        let (temp, records) = try await BudgetStatusCLITests.workspace()
        let json = try await BudgetStatusCLITests.cli(["budget", "results/exp-001-test", "--json"], cwd: temp.path)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stderr.isEmpty)
        let o = try JSONReader.parse(json.stdout).value
        #expect(o["runs_started"] == .number(3))
        #expect(o["runs_counted"] == .number(2))
        #expect(o["runs_finished"] == .number(3))
        #expect(o["refusals"] == .number(1))
        #expect(o["steps"] == .number(15))
        #expect(o["unfinished_runs"] == .array([]))
        #expect(o["ledger_issues"] == .array([]))
        #expect(o["max_training_runs"] == .number(2))
        #expect(o["max_wall_seconds"] == .number(3600))
        #expect(o["max_gpu_hours"] == .null)
        let wall = records.reduce(0) { $0 + $1.wallSeconds }
        #expect(abs((o["wall_seconds"]?.doubleValue ?? -1) - wall) < 1e-9)

        let text = try await BudgetStatusCLITests.cli(["budget", "results/exp-001-test"], cwd: temp.path)
        #expect(text.status == 0)
        let row = text.lines.first { $0.hasPrefix("training runs") }
        #expect(row?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first == "2", "\(text.stdout)")
        #expect(text.stdout.contains("1 sanity evaluation"), "\(text.stdout)")
        #expect(row?.hasSuffix("2") == true, "\(text.stdout)")
        #expect(text.lines.first { $0.hasPrefix("GPU-hours") }?.contains("no limit stated") == true)
        #expect(text.stdout.contains("refused runs: 1"))
    }

    @Test func statusListsEveryRunAndTheBudget() async throws {
        let (temp, records) = try await BudgetStatusCLITests.workspace()
        let r = try await BudgetStatusCLITests.cli(["status", "results/exp-001-test"], cwd: temp.path)
        #expect(r.status == 0, "\(r.stderr)")
        for record in records {
            let row = try #require(r.lines.first { $0.hasPrefix(record.runID) }, "\(r.stdout)")
            #expect(row.contains(record.status.rawValue))
            #expect(row.contains(record.phase.rawValue))
            #expect(row.contains("acc=0.5"))  // metrics.py reports final values before it exits
        }
        #expect(r.lines.contains { $0.contains("wide") && $0.contains("succeeded") && $0.contains("inf_value=inf") })
        #expect(r.lines.contains { $0.contains("baseline") && $0.contains("failed") })
        #expect(r.lines.contains { $0.hasPrefix("training runs") && $0.split(separator: " ").dropFirst(2).first == "2" }, "\(r.stdout)")
    }

    @Test func tornLedgerAndMissingFoldersAreReported() async throws {
        let (temp, _) = try await BudgetStatusCLITests.workspace()
        let ledger = temp.path + "/results/exp-001-test/ledger.jsonl"
        let handle = try #require(FileHandle(forWritingAtPath: ledger))
        handle.seekToEndOfFile()
        handle.write(Data("{\"at\":\"2026-01-01\",\"event\":\"run_fin".utf8))
        try handle.close()
        for command in ["budget", "status"] {
            let r = try await BudgetStatusCLITests.cli([command, "results/exp-001-test"], cwd: temp.path)
            #expect(r.status == 0)
            #expect(r.errorLines.contains { $0.hasPrefix("rigor: note: ledger.jsonl line 8: ") && $0.contains("torn") }, "\(command): \(r.stderr)")
            let missing = try await BudgetStatusCLITests.cli([command, "results/exp-404-none"], cwd: temp.path)
            #expect(missing.status == 2)
            #expect(missing.errorLines == ["rigor: results/exp-404-none: no such results folder"], "\(missing.stderr)")
            #expect(missing.stdout.isEmpty)
        }
    }
}
