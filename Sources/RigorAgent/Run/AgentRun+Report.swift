import Foundation
import RigorBasics
import RigorReport
import RigorSpec
import RigorSupervisor

/// What `rigor run` states: the closing lines on stderr, and the budget lines of the prompt.
extension AgentRun {
    static func report(check: RunVerification.Result, trace: TraceReport?, guardNotes: [String], outcome: String, status: Int32,
                       records: RunRecordsFolder, stopReason: String?) -> [String] {
        if outcome == "refused" {
            // Nothing ran (a model API that refused, a plan the engine refused): the reason was
            // stated; the fallback metrics.json's findings would only repeat it.
            return ["refused (exit \(status)): nothing ran; the next rigor run starts again (these records move to rigor/attempt-N); records in \(records.path)"]
        }
        var lines: [String] = []
        if let stopReason { lines.append(stopReason) }
        for n in guardNotes { lines.append("TAMPER: " + n) }
        if check.wroteFallback { lines.append("metrics.json written by Rigor: \(check.fallbackReason ?? "")") }
        for e in check.errors.prefix(20) { lines.append("metrics.json: " + e) }
        if check.errors.count > 20 { lines.append("metrics.json: … \(check.errors.count - 20) more in \(records.file("validation.json"))") }
        if let trace { lines.append("trace: " + trace.coverage) }
        lines.append("\(outcome) (exit \(status)); records in \(records.path)")
        return lines
    }

    /// Budget lines for the prompt's context, as `rigor budget` states them.
    static func budgetLines(ledger: LedgerSummary?, budget: ResourceBudget?) -> [String] {
        let standing = BudgetStanding(summary: ledger ?? LedgerSummary(), budget: budget)
        var lines: [String] = []
        let u = standing.summary
        if let max = standing.maxRuns { lines.append("training runs: \(u.runsCounted) counted of at most \(NumberText.short(max))") }
        else { lines.append("training runs: \(u.runsCounted) counted; the spec states no limit") }
        if let max = standing.maxWallSeconds { lines.append("run wall clock: \(DurationText.format(seconds: u.wallSeconds)) used of \(DurationText.format(seconds: max))") }
        if let max = standing.maxGPUHours { lines.append("GPU hours: \(NumberText.short(u.gpuHours)) used of \(NumberText.short(max))") }
        return lines
    }
}
