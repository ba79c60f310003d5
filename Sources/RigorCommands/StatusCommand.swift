import ArgumentParser
import Foundation
import RigorBasics
import RigorSpec
import RigorSupervisor

/// `rigor status results/exp-…`: the experiment's runs and budget, from run records and the ledger.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Summarise an experiment's supervised runs and budget.")

    @Argument(help: "The experiment's results folder.") var experiment: String
    @Option(help: "The experiment spec (default: found from the workspace).") var spec: String?

    func run() async throws {
        let dir = Workspace.absolute(experiment)
        guard FileManager.default.fileExists(atPath: dir) else { ExecCLI.fail("\(experiment): no such results folder") }
        let (records, problems) = RunRecordFile.all(experimentDir: dir)
        var t = TextTable("run", "phase", "arm", "seed", "status", "wall", "steps", "final")
        for r in records {
            let finals = r.finalMetrics.entries.map { "\($0.key)=\($0.value.doubleValue.map(ExecProgress.format) ?? $0.value.serialized(pretty: false))" }.joined(separator: " ")
            t.add([r.runID, r.phase.rawValue, r.arm ?? "-", r.seed.map(String.init) ?? "-", r.status.rawValue,
                   DurationText.format(seconds: r.wallSeconds), String(r.steps), finals.isEmpty ? "-" : finals])
        }
        print(records.isEmpty ? "no runs yet" : t.render())
        for p in problems { ExecCLI.note(p) }
        let summary: LedgerSummary
        do { summary = try BudgetLedger(experimentDir: dir).read() } catch { ExecCLI.fail(error.description) }
        var budget: ResourceBudget?
        if case .found(let s) = ExperimentSpecLocator.load(experimentDir: dir, explicit: spec) { budget = s.resourceBudget }
        print("")
        print(BudgetReport.render(BudgetStanding(summary: summary, budget: budget), json: false))
        for issue in summary.issues { ExecCLI.note(issue.description) }
    }
}
