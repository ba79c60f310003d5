import ArgumentParser
import Foundation
import RigorBasics
import RigorProtocol

/// `rigor protocol check PLAN [--json]`: the report of everything knowable before any run.
struct ProtocolCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a protocol plan before spending compute: plan, abort rules, metrics, commands, budget, abort criteria.",
        discussion: "Writes nothing. Exit status: 0 the plan can run; 2 it cannot (every problem is listed)."
    )

    @Argument(help: "The plan file (YAML, docs/plan.md).") var plan: String
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        let report = ProtocolCheck.run(planPath: plan, displayPath: plan)
        Console.print(ProtocolCheckText.render(report, plan: plan, json: json))
        if !report.isClean { throw ExitCode(2) }
    }
}

/// The check report as text (or JSON), shared by `protocol check` and `protocol run --dry-run`.
enum ProtocolCheckText {
    static func render(_ report: ProtocolCheckReport, plan: String, json: Bool) -> String {
        if json { return report.json.serialized(pretty: true) }
        var out: [String] = []
        func section(_ title: String, _ lines: [String]) {
            guard !lines.isEmpty else { return }
            out.append(title)
            out += lines.map { "  " + $0 }
        }
        section("runs (\(report.units.count), in order)", report.units)
        section("abort rules on every run", report.abortRules)
        section("budget", report.budget)
        section("spec abort criteria", report.abortCriteria)
        section("warnings", report.warnings)
        section("errors", report.errors)
        out.append(report.isClean
            ? "\(plan): the plan can run (\(report.warnings.count) warning(s))"
            : "\(plan): \(report.errors.count) error(s); nothing runs until they are fixed")
        return out.joined(separator: "\n")
    }
}
