import ArgumentParser
import Foundation
import RigorBasics
import RigorSpec
import RigorSupervisor

/// `rigor budget results/exp-…`: what the ledger says is spent, against the spec's limits.
struct BudgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "budget", abstract: "Show an experiment's budget: used (ledger) vs the spec's limits.")

    @Argument(help: "The experiment's results folder (default: the results/<exp> folder the current directory is in).") var experiment: String?
    @Option(help: "The experiment spec (default: found from the workspace).") var spec: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let dir = StatusCommand.experimentFolder(experiment, command: "budget")
        let summary: LedgerSummary
        do { summary = try BudgetLedger(experimentDir: dir).read(reconciling: true) } catch { ExecCLI.fail(error.description) }
        var budget: ResourceBudget?
        switch ExperimentSpecLocator.load(experimentDir: dir, explicit: spec) {
        case .found(let s): budget = s.resourceBudget
        case .notFound(let why): ExecCLI.note("no spec found (\(why)); showing usage without limits")
        case .failed(let why): ExecCLI.fail(why)
        }
        let standing = BudgetStanding(summary: summary, budget: budget)
        print(BudgetReport.render(standing, json: json))
        for issue in summary.issues { ExecCLI.note(issue.description) }
    }
}

/// Budget text shared by `rigor budget` and `rigor status`.
enum BudgetReport {
    static func render(_ s: BudgetStanding, json: Bool) -> String {
        let u = s.summary
        if json {
            var o = JSONObject()
            o["runs_counted"] = .number(Double(u.runsCounted)); o["runs_started"] = .number(Double(u.runsStarted))
            o["runs_finished"] = .number(Double(u.runsFinished)); o["unfinished_runs"] = .array(u.unfinishedRunIDs.map { .string($0) })
            o["wall_seconds"] = .number(u.wallSeconds); o["gpu_hours"] = .number(u.gpuHours); o["steps"] = .number(Double(u.steps))
            o["refusals"] = .number(Double(u.refusals)); o["overruns"] = .array(u.overruns.map { .string($0) })
            o["max_training_runs"] = s.maxRuns.map { .number($0) } ?? .null
            o["max_wall_seconds"] = s.maxWallSeconds.map { .number($0) } ?? .null
            o["max_gpu_hours"] = s.maxGPUHours.map { .number($0) } ?? .null
            o["ledger_issues"] = .array(u.issues.map { .string($0.description) })
            o["counted_units"] = .array(u.countedUnits.map { .string($0) })
            o["repeated_attempts"] = .number(Double(u.repeatedAttempts))
            o["never_started"] = .number(Double(u.neverStarted))
            o["runs_by_kind"] = .object(JSONObject(u.runsByKind.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.number(Double($0.value))) }))
            o["protocol_runs"] = .number(Double(u.protocolRuns)); o["exec_runs"] = .number(Double(u.execRuns))
            o["includes"] = .string(u.includes)
            return JSONValue.object(o).serialized(pretty: true)
        }
        func limit(_ v: Double?, _ f: (Double) -> String) -> String { v.map(f) ?? "no limit stated" }
        var t = TextTable("budget", "used", "limit")
        t.add(["training runs", "\(u.runsCounted)", limit(s.maxRuns) { String(Int($0)) }])
        t.add(["wall-clock", DurationText.format(seconds: u.wallSeconds), limit(s.maxWallSeconds) { DurationText.format(seconds: $0) }])
        t.add(["GPU-hours", String(format: "%.4f", u.gpuHours), limit(s.maxGPUHours) { String(format: "%g", $0) }])
        t.add(["steps", String(u.steps), "-"])
        var text = t.render()
        text += "\nincludes: " + u.includes
        if !u.unfinishedRunIDs.isEmpty { text += "\nunfinished runs (no finish line): " + u.unfinishedRunIDs.joined(separator: ", ") }
        if u.refusals > 0 { text += "\nrefused runs: \(u.refusals)" }
        for o in u.overruns { text += "\noverrun: \(o)" }
        return text
    }
}
