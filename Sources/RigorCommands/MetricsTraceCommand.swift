import ArgumentParser
import Foundation
import RigorBasics
import RigorReport
import RigorSpec

/// `rigor metrics trace RESULTS_DIR [--json] [--require-trace]`.
struct MetricsTraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Trace every number of metrics.json to the supervised run (or the aggregate of runs) it came from.",
        discussion: "Exit status: 0 traced (or untraced numbers without --require-trace); 1 an untraced number with --require-trace; 2 no metrics.json to read.")

    @Argument(help: "The experiment's results folder.") var experiment: String
    @Flag(help: "Print the trace as JSON.") var json = false
    @Flag(help: "Fail (exit 1) when a number is untraced.") var requireTrace = false

    func run() async throws {
        let report: TraceReport
        do { report = try NumberTrace.trace(resultsDir: Workspace.absolute(experiment)) } catch { ExecCLI.fail(error.description) }
        if json {
            Console.print(report.json.serialized(pretty: true).trimmingCharacters(in: .newlines))
        } else {
            for n in report.numbers {
                Console.print("\(n.pointer) = \(JSONValue.format(number: n.value)): " + (n.source?.description ?? "UNTRACED: no captured run produced it"))
            }
            Console.print(report.coverage)
        }
        if requireTrace && !report.untraced.isEmpty { throw ExitCode(1) }
    }
}
