import Foundation
import RigorBasics
import RigorProtocol
import RigorSpec
import RigorSupervisor

/// The closing block of `rigor protocol run`: what was done and where every file is.
enum ProtocolSummary {
    static func render(spec: ExperimentSpec, resultsDir: String, outcome: ProtocolOutcome) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        func shown(_ path: String) -> String { path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path }
        let runsDir = resultsDir + "/runs"
        let runCount = ((try? FileManager.default.contentsOfDirectory(atPath: runsDir)) ?? []).filter { !$0.hasPrefix(".") }.count
        let errors = spec.diagnostics.filter { $0.severity == .error }.count
        let warnings = spec.diagnostics.count - errors
        let usage = outcome.metrics["resource_usage"]
        func number(_ key: String) -> String {
            guard let v = usage?[key]?.doubleValue else { return "?" }
            return v == v.rounded() ? String(Int(v)) : String(format: "%.2f", v)
        }
        let validation = outcome.validationProblems.isEmpty
            ? "valid against the spec (rigor metrics validate)"
            : "NOT valid: \(outcome.validationProblems.count) problem(s)"
        var lines = [
            "",
            "spec          \(shown(spec.path)) (sha256 \(spec.sha256.prefix(12))…, \(errors) error(s), \(warnings) warning(s))",
            "results       \(shown(resultsDir))/",
            "  metrics.json  \(validation)",
            "  config.json   plan, commands, seeds, arms, spec fingerprint, provenance",
            "  runs/         \(runCount) run folder(s): run.json, stdout.log, stderr.log, events.jsonl",
            "  ledger.jsonl  \(number("total_runs")) run(s), \(number("wall_clock_seconds")) s wall clock, \(number("gpu_hours")) GPU-hours, \(number("total_training_steps")) steps",
        ]
        if let ledger = try? BudgetLedger(experimentDir: resultsDir).read(reconciling: true) {
            let standing = BudgetStanding(summary: ledger, budget: spec.resourceBudget)
            let limit = standing.maxRuns.map { " of \(Int($0))" } ?? ""
            lines.append("  budget        \(ledger.runsCounted)\(limit) training runs counted; the figures include \(ledger.includes)")
        }
        if outcome.aborted { lines.append("aborted       \(outcome.abortReason ?? "")") }
        return lines.joined(separator: "\n")
    }
}
