import Foundation
import RigorBasics
import RigorSpec
import RigorSupervisor

/// `rigor protocol check PLAN`: everything that can be known before compute is spent, in one
/// report — the plan's syntax and names, every abort rule, the spec metrics each produced or
/// declared computed, every command launchable, the planned runs against the budget left, and
/// how each of the spec's abort criteria is enforced. Reads only: nothing is written anywhere.
public struct ProtocolCheckReport: Sendable {
    /// Problems that stop the plan from running (plan:line: message).
    public var errors: [String] = []
    /// Facts worth knowing that do not stop it (estimates over the budget, criteria not enforced).
    public var warnings: [String] = []
    /// The plan, as it would run.
    public var units: [String] = []
    /// Budget lines: planned against left.
    public var budget: [String] = []
    /// One line per spec abort criterion: whether and how it is enforced.
    public var abortCriteria: [String] = []
    /// Every abort rule each run gets.
    public var abortRules: [String] = []
    /// The checked plan when the plan resolved (even with errors elsewhere).
    public var checked: CheckedPlan?

    public var isClean: Bool { errors.isEmpty }

    public var json: JSONValue {
        func list(_ l: [String]) -> JSONValue { .array(l.map { .string($0) }) }
        return .object(JSONObject([
            ("abort_criteria", list(abortCriteria)), ("abort_rules", list(abortRules)), ("budget", list(budget)),
            ("clean", .bool(isClean)), ("errors", list(errors)), ("units", list(units)), ("warnings", list(warnings)),
        ]))
    }
}

public enum ProtocolCheck {
    /// Findings in line order, each once.
    static func sortedLines(_ diagnostics: [PlanDiagnostic]) -> [String] {
        var seen: Set<String> = []
        return diagnostics.sorted { ($0.line, $0.message) < ($1.line, $1.message) }.map(\.description).filter { seen.insert($0).inserted }
    }

    /// Checks the plan file at `planPath` (shown as `displayPath` in messages).
    public static func run(planPath: String, displayPath: String? = nil) -> ProtocolCheckReport {
        var report = ProtocolCheckReport()
        let shown = displayPath ?? planPath
        let parsed: ProtocolPlan?
        var planDiagnostics: [PlanDiagnostic]
        do { (parsed, planDiagnostics) = try PlanParser.parseCollecting(path: planPath) } catch {
            report.errors = error.diagnostics.isEmpty ? [error.description] : error.diagnostics.map(\.description)
            return report
        }
        planDiagnostics = planDiagnostics.map { PlanDiagnostic(path: shown, line: $0.line, message: $0.message) }
        guard let plan = parsed else {
            report.errors = sortedLines(planDiagnostics)
            return report
        }
        let spec: ExperimentSpec
        do { spec = try SpecParser.parse(path: plan.specPath) } catch {
            report.errors = ["\(error) (named by \(shown))"]
            return report
        }
        report.errors += spec.diagnostics.filter { $0.severity == .error }.map(\.description)
        let (checked, diagnostics) = PlanChecker.diagnose(plan, against: spec, planDisplayPath: shown)
        report.errors += sortedLines(planDiagnostics + diagnostics)
        guard let checked else { return report }
        report.checked = checked
        report.abortRules = checked.abortRules

        // Every command must be launchable: its program found, its script present.
        var seenProblems: Set<String> = []
        for unit in checked.units {
            let command = checked.command(for: unit)
            report.units.append("\(unit.idPrefix): \(command.joined(separator: " "))")
            if let problem = ScriptArgument.launchProblem(command, cwd: plan.workingDirectory), seenProblems.insert(problem).inserted {
                report.errors.append("\(shown): \(unit.idPrefix): cannot be launched from \(plan.workingDirectory): \(problem)")
            }
        }

        // The results folder must be the spec's own (the guard protects that workspace).
        var resultsDir = try? ProtocolEngine.resultsDir(for: plan)
        if let named = plan.resultsDirectory, let workspace = Workspace.containing(specPath: plan.specPath) {
            let own = workspace.resultsDir(forExperiment: Workspace.experimentID(specPath: plan.specPath))
            func canonical(_ p: String) -> String { URL(fileURLWithPath: Workspace.absolute(p)).resolvingSymlinksInPath().path }
            if canonical(named) != canonical(own) {
                report.errors.append("\(shown): results: \(named) is not the results folder of \(plan.specPath) (\(own)); the guard protects the spec's workspace, so its runs must write there")
                resultsDir = own
            }
        }
        // The planned runs against the budget left (the ledger is read, never written).
        let ledger = resultsDir.flatMap { try? BudgetLedger(experimentDir: $0).read() } ?? LedgerSummary()
        // Runs already made: the spec must be the one frozen, and the plan must not change them.
        if let resultsDir {
            let frozen = resultsDir + "/spec.md"
            if FileManager.default.fileExists(atPath: frozen), let old = try? SHA256.hex(fileAt: frozen), old != spec.sha256 {
                report.errors.append(ProtocolError.specChanged(specPath: spec.path, frozenPath: frozen, frozenSHA256: old, currentSHA256: spec.sha256).description)
            }
            let entries = (try? ProtocolJournal.read(path: resultsDir + "/" + ProtocolJournal.fileName)) ?? []
            let history = RunHistory.load(resultsDir: resultsDir, units: checked.units, journal: entries)
            let conflicts = PlanFingerprint.conflicts(checked, history: history, journal: entries)
            report.errors += conflicts.prefix(10).map { "\(shown): the plan changed for runs this experiment already made (restore it, or start a new experiment): \($0)" }
            if conflicts.count > 10 { report.errors.append("\(shown): … and \(conflicts.count - 10) more differences with runs already made") }
        }
        let forecast = BudgetForecast(checked: checked, ledger: ledger)
        report.budget = forecast.lines
        report.errors += forecast.errors.map { "\(shown): \($0)" }
        report.warnings += forecast.warnings

        // The spec's abort criteria: whether and how each is enforced.
        report.abortCriteria = checked.enforcement.map { "spec " + $0.description }
        return report
    }
}
