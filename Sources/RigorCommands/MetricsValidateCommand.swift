import ArgumentParser
import Foundation
import RigorBasics
import RigorResults
import RigorSpec

struct MetricsValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate a metrics.json (and its results directory) against the contract and its spec.",
        discussion: """
            Prints one line per violation (FILE:LINE:COL: CODE: message (JSON pointer)) and a summary.
            Without --spec, a results directory at …/results/exp-x/ is checked against …/experiments/exp-x.md when it exists.
            Codes are listed in docs/metrics-schema.md.
            Exit status: 0 no errors (warnings allowed), 1 violations, 2 the input could not be used.
            """)

    @Argument(help: "A results directory holding metrics.json, or a metrics file.") var target: String
    @Option(help: "The experiment spec to check the metrics against.") var spec: String?
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: "Interpretive phrases to flag, one per line (# comments); replaces the default list.") var phrases: String?

    func run() async throws {
        do {
            let lint = try phrases.map { path throws(ResultsError) in try InterpretationLint.load(phraseFile: path) } ?? InterpretationLint()
            let location = try MetricsLocation.locate(target)
            var loaded: ExperimentSpec?
            var source: SpecSource?
            if let spec {
                loaded = try Self.load(spec: spec)
                source = .option
            } else if let found = location.workspaceSpecPath {
                loaded = try Self.load(spec: found)
                source = .workspace
                if !json { Console.print("using spec \(found) (found in the workspace for \(location.resultsDir))") }
            }
            if let loaded, loaded.hasErrors {
                Console.warn("\(loaded.path): the spec has \(loaded.diagnostics.filter { $0.severity == .error }.count) error(s); run `rigor spec check \(loaded.path)`")
            }
            let report = try MetricsValidator(lint: lint).validate(location, spec: loaded, specSource: source)
            if json {
                Console.print(report.jsonValue.serialized(pretty: true).trimmingCharacters(in: .newlines))
            } else {
                for v in report.violations { Console.print(v.textLine) }
                Console.print(report.summaryLine)
            }
            if !report.isValid { throw ExitCode.failure }
        } catch let error as ResultsError {
            Console.error(error.description)
            throw ExitCode.unusableInput
        }
    }

    static func load(spec path: String) throws(ResultsError) -> ExperimentSpec {
        do { return try SpecParser.parse(path: path) } catch {
            throw .unusableSpec(path: path, reason: error.description)
        }
    }
}
