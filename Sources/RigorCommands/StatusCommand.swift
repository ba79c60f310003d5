import ArgumentParser
import Foundation
import RigorBasics
import RigorSpec
import RigorSupervisor

/// `rigor status results/exp-…`: the experiment's runs and budget, from run records and the ledger.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Summarise an experiment's supervised runs and budget.")

    @Argument(help: "The experiment's results folder (default: the results/<exp> folder the current directory is in).") var experiment: String?
    @Option(help: "The experiment spec (default: found from the workspace).") var spec: String?
    @Flag(help: "Print the runs and the budget as one JSON object.") var json = false

    func run() async throws {
        let dir = Self.experimentFolder(experiment, command: "status")
        let (records, problems) = RunRecordFile.all(experimentDir: dir)
        if json {
            let summary: LedgerSummary
            do { summary = try BudgetLedger(experimentDir: dir).read(reconciling: true) } catch { ExecCLI.fail(error.description) }
            var budget: ResourceBudget?
            if case .found(let s) = ExperimentSpecLocator.load(experimentDir: dir, explicit: spec) { budget = s.resourceBudget }
            let budgetValue = (try? JSONReader.parse(Data(BudgetReport.render(BudgetStanding(summary: summary, budget: budget), json: true).utf8)).value) ?? .null
            let runs: [JSONValue] = records.map { (try? RunRecordFile.encode($0)) ?? .null }
            let o = JSONObject([("experiment", .string(dir)), ("runs", .array(runs)), ("budget", budgetValue),
                                ("problems", .array(problems.map { .string($0) }))])
            print(JSONValue.object(o).serialized(pretty: true))
            return
        }
        var t = TextTable("run", "phase", "arm", "seed", "status", "wall", "steps", "final")
        for r in records {
            let finals = r.finalMetrics.entries.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.doubleValue.map(ExecProgress.format) ?? $0.value.serialized(pretty: false))" }.joined(separator: " ")
            t.add([r.runID, r.phase.rawValue, r.arm ?? "-", r.seed.map(String.init) ?? "-", r.status.rawValue,
                   DurationText.format(seconds: r.wallSeconds), String(r.steps), finals.isEmpty ? "-" : finals])
        }
        print(records.isEmpty ? "no runs yet" : t.render())
        for p in problems { ExecCLI.note(p) }
        let summary: LedgerSummary
        do { summary = try BudgetLedger(experimentDir: dir).read(reconciling: true) } catch { ExecCLI.fail(error.description) }
        var budget: ResourceBudget?
        if case .found(let s) = ExperimentSpecLocator.load(experimentDir: dir, explicit: spec) { budget = s.resourceBudget }
        print("")
        print(BudgetReport.render(BudgetStanding(summary: summary, budget: budget), json: false))
        for issue in summary.issues { ExecCLI.note(issue.description) }
    }

    /// The results folder named on the command line, else the `results/<exp>` folder the current
    /// directory is in; a clear error (exit 2) when neither exists.
    static func experimentFolder(_ argument: String?, command: String) -> String {
        if let argument {
            let dir = Workspace.absolute(argument)
            guard FileManager.default.fileExists(atPath: dir) else { ExecCLI.fail("\(argument): no such results folder") }
            return dir
        }
        guard let found = experimentFromWorkingDirectory() else {
            ExecCLI.fail("no experiment given and the current folder is not inside results/<exp>; pass the results folder, e.g. rigor \(command) results/exp-001-x")
        }
        return found
    }

    /// The `results/<exp>` folder that the current directory is in (or is), if any.
    static func experimentFromWorkingDirectory() -> String? {
        var dir = Workspace.absolute(FileManager.default.currentDirectoryPath)
        while dir != "/" && !dir.isEmpty {
            let parent = (dir as NSString).deletingLastPathComponent
            if (parent as NSString).lastPathComponent == "results" { return dir }
            dir = parent
        }
        return nil
    }
}
