import Foundation
import RigorBasics
import RigorSpec

/// The RUN-phase prompt Rigor gives the agent: the obligations in Rigor's own words, then a
/// context section with this experiment's facts (docs/run-prompt.md). The text as sent is kept
/// in the records by `rigor run`.
public enum RunPrompt {
    /// The facts the context section states.
    public struct Context: Sendable, Equatable {
        public var specPath: String
        public var resultsDir: String
        public var workspaceRoot: String
        /// Budget lines (`training runs: 3 of 12 counted`, …), as `rigor budget` states them.
        public var budgetLeft: [String]
        public var timeBudget: TimeBudget?
        /// The compute advisory section (`## Compute Advisory …`), when there is one.
        public var advisory: String?

        public init(specPath: String, resultsDir: String, workspaceRoot: String, budgetLeft: [String] = [],
                    timeBudget: TimeBudget? = nil, advisory: String? = nil) {
            self.specPath = specPath; self.resultsDir = resultsDir; self.workspaceRoot = workspaceRoot
            self.budgetLeft = budgetLeft; self.timeBudget = timeBudget; self.advisory = advisory
        }
    }

    /// The metrics.json keys, in the order the contract lists them.
    public static let metricsKeys = ["experiment", "timestamp", "baseline", "treatment", "per_seed", "sanity_checks",
                                     "resource_usage", "abort_triggered", "abort_reason", "notes"]

    public static let obligations = """
    # The RUN phase of one experiment

    You carry out one pre-registered experiment, exactly as its spec describes, and report its
    numbers. The spec was written before any result existed; its success criteria are fixed. You
    implement what the experiment needs, run it, and write `metrics.json`. Another step reads the
    results and draws the conclusions. You do not.

    ## What you must not touch
    - The spec. It is read-only, and the operating system enforces this: a "permission denied" or
      "read-only file system" on it is expected. Read it; never edit, move, recreate or restore it.
    - Earlier experiments' results (`results/exp-*` other than this one), and the research
      program's own files: `RESEARCH_LOG.md`, `QUESTIONS.md`, `HANDOFF.md`, `program_state.json`.
    - The records Rigor keeps in this experiment's results folder: `runs/`, `ledger.jsonl`,
      `protocol-journal.jsonl`, `.rigor/`, `rigor/` and the frozen `spec.md`.
    - Permissions and history: no `chmod`, `chown`, `sudo`, `install`, and no git command that
      would bring back an older spec (`checkout`, `restore`, `stash`, `reset`).

    ## The order of work
    1. Read the whole spec: hypothesis, variables, controls, metrics, baselines, protocol, budget,
       abort criteria.
    2. Read the code that exists; build only what the experiment needs (scripts, configs, data
       loading). Do not refactor beyond that, do not add dependencies the experiment does not need,
       and do not change the hyperparameters the spec sets.
    3. Sanity checks: the code imports, tests pass, one training step runs.
    4. Reproduce the baseline. This step is never skipped. If the baseline does not reproduce,
       find out why and fix it before going on; if it still does not, the experiment is invalid:
       stop, and say so in metrics.json.
    5. Run the minimum viable experiment when the spec defines one.
    6. Run the full protocol: every seed and every configuration the spec lists, none skipped.
    7. Write every metric the spec defines to metrics.json, and the configuration you ran to
       config.json. Then stop.

    ## Every run goes through Rigor
    Launch every training or evaluation run with `rigor exec` (one command) or
    `rigor protocol run` (a plan of seeds × arms); never start a training script directly. Rigor supervises each
    run, meters it against the budget, enforces the abort rules, and records what it produced, so
    that every number you report can be traced to a run. Report values from scripts with the
    `rigor` Python helper (`rigor.log(step=…, loss=…)`, `rigor.final(accuracy=…)`). Check the
    file you wrote with `rigor metrics validate <results folder>` before you stop.

    ## metrics.json
    One JSON object with exactly these keys: `experiment` (the spec's id), `timestamp`
    (`YYYY-MM-DDTHH:MM:SS`), `baseline` and `treatment` (metric name → value; aggregates as
    `{"mean", "std", "n"}`), `per_seed` (one object per seed with `seed`, the arm, and its metric
    values), `sanity_checks` (metric name → value), `resource_usage` (`gpu_hours`,
    `wall_clock_seconds`, `total_training_steps`, `total_runs`), `abort_triggered` (true or
    false), `abort_reason` (a reason, or null), and `notes`.
    - Every metric the spec defines is reported, including the ones that look uninteresting.
    - No metric the spec does not define. Something worth recording goes in `notes` as a fact.
    - Numbers only, no interpretation, anywhere: "the loss went from 0.9 to 0.4" is a fact;
      "the method works", "significantly better", "the hypothesis is supported" are not.

    ## Abort criteria and budget
    - When an abort criterion of the spec holds: set `abort_triggered` to true and give the
      reason in `abort_reason`, write the metrics collected so far, and stop.
    - A per-run time limit that is clearly unrealistic for the real data size is not a reason to
      kill runs: note the discrepancy in `notes` and let the run finish. Total wall-clock budgets
      are applied loosely: finish the current phase and report partial results.
    - Stay within the spec's resource budget. Rigor refuses runs over it; if you go past a limit
      in any way, say so in `notes` with the numbers.

    ## Where to run
    When the context below has a `## Compute Advisory` section, the work does not fit this
    machine (or the spec requires a cloud target): implement and test locally, then run the full
    protocol on the cloud target it names. `## Compute Advisory (Cloud Preferred)`: prefer the
    cloud target, and run locally only when it is unavailable. `## Cloud Availability Note`: run
    locally; the cloud target is a fallback when runs are far slower than estimated or run out of
    memory or disk. No such section: run everything locally.
    """

    /// The whole prompt: the obligations, then the context section.
    public static func render(_ context: Context) -> String {
        var lines = [obligations, "", "# Context", "",
                     "- Spec: `\(context.specPath)` (read-only)",
                     "- Results folder: `\(context.resultsDir)` (write metrics.json and config.json here)",
                     "- Workspace: `\(context.workspaceRoot)`"]
        if let t = context.timeBudget {
            lines.append("- Time budget: \(DurationText.format(seconds: t.seconds)) (\(t.source)); at the limit Rigor stops the agent and its runs")
        }
        if !context.budgetLeft.isEmpty {
            lines.append("- Budget:")
            lines += context.budgetLeft.map { "  - " + $0 }
        }
        if let advisory = context.advisory { lines += ["", advisory] }
        return lines.joined(separator: "\n") + "\n"
    }
}
