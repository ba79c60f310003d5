import Foundation
import RigorAgent
import RigorResults
import RigorSpec
import RigorTestSupport
import Testing

/// The RUN prompt (issue 9, item 4) and the time budget (item 6).
struct RunPromptTests {
    static let example = RepoPaths.root + "/examples/two-spirals/experiments/exp-001-hidden-width.md"

    @Test func thePromptCarriesEveryObligation() {
        let p = RunPrompt.obligations
        // The metrics.json structure, exactly the contract's keys.
        #expect(RunPrompt.metricsKeys == MetricsFile.topLevelKeys)
        for key in RunPrompt.metricsKeys { #expect(p.contains("`\(key)`"), "\(key)") }
        for key in ["gpu_hours", "wall_clock_seconds", "total_training_steps", "total_runs"] { #expect(p.contains("`\(key)`")) }
        let obligations = [
            "read-only",                                   // the spec is immutable
            "RESEARCH_LOG.md", "QUESTIONS.md", "HANDOFF.md", "program_state.json",
            "Reproduce the baseline. This step is never skipped",
            "minimum viable experiment", "every seed and every configuration",
            "Every metric the spec defines is reported",
            "No metric the spec does not define",
            "no interpretation",
            "`abort_triggered` to true",
            "resource budget",
            "`rigor exec`", "`rigor protocol run`", "`rigor metrics validate",
            "## Compute Advisory (Cloud Preferred)", "## Cloud Availability Note",
        ]
        for o in obligations { #expect(p.contains(o), "missing: \(o)") }
    }

    @Test func theContextSectionStatesTheFacts() throws {
        let spec = try SpecParser.parse(path: Self.example)
        let budget = try #require(TimeBudget.resolve(spec: spec))
        let text = RunPrompt.render(.init(specPath: "experiments/exp-001-hidden-width.md", resultsDir: "results/exp-001-hidden-width",
                                          workspaceRoot: "/ws", budgetLeft: ["training runs: 0 of 12 counted"], timeBudget: budget,
                                          advisory: "## Cloud Availability Note\n\nRun locally."))
        #expect(text.hasPrefix(RunPrompt.obligations))
        #expect(text.contains("- Spec: `experiments/exp-001-hidden-width.md` (read-only)"))
        #expect(text.contains("- Results folder: `results/exp-001-hidden-width`"))
        #expect(text.contains("- Time budget: 10m00s (the spec's max wall-clock (line 69:"), "\(text)")
        #expect(text.contains("  - training runs: 0 of 12 counted"))
        #expect(text.hasSuffix("## Cloud Availability Note\n\nRun locally.\n"))
    }

    @Test func theTimeBudgetComesFromTheFlagTheConfigTheSpecOrItsEstimate() throws {
        let spec = try SpecParser.parse(path: Self.example)   // max wall-clock 10 minutes, estimate 0.02 h
        #expect(TimeBudget.resolve(spec: spec, flag: 60)?.seconds == 60)
        #expect(TimeBudget.resolve(spec: spec, configured: 120)?.seconds == 120)
        #expect(TimeBudget.resolve(spec: spec)?.seconds == 600)
        let text = try String(contentsOfFile: Self.example, encoding: .utf8)
        let noLimit = SpecParser.parse(text: text.replacingOccurrences(of: "Max wall-clock time: 10 minutes", with: "Max wall-clock time: N/A"), path: "x.md")
        #expect(noLimit.resourceBudget?.maxWallClockSeconds?.notApplicable == true)
        let floor = try #require(TimeBudget.resolve(spec: noLimit))
        #expect(floor.seconds == TimeBudget.floorSeconds && floor.source.contains("15-minute floor"))
        let long = SpecParser.parse(text: text.replacingOccurrences(of: "Max wall-clock time: 10 minutes", with: "Max wall-clock time: N/A")
            .replacingOccurrences(of: "estimated_wall_hours: 0.02", with: "estimated_wall_hours: 3"), path: "y.md")
        #expect(TimeBudget.resolve(spec: long)?.seconds == 21_600.0)
    }
}
