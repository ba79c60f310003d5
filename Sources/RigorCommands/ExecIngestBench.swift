import ArgumentParser
import Foundation
import RigorSupervisor

/// Hidden: measures event ingestion in the supervisor alone (benchmarks/supervisor).
struct ExecIngestBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_ingest-bench", abstract: "Benchmark event ingestion (internal).", shouldDisplay: false)

    @Option(help: "Number of event lines.") var lines = 1_000_000
    @Option(name: .customLong("abort"), help: "Abort rules to evaluate while ingesting.") var abortRules: [String] = ["isnan(loss)", "loss > 1e9 for 3 steps"]

    func run() async throws {
        do {
            let r = try IngestBenchmark.run(lines: lines, rules: abortRules)
            print(String(format: "ingest: %d lines (%d bytes) in %.3f s = %.0f lines/s (%.1f MB/s), events.jsonl written to /dev/null", r.lines, r.bytes, r.seconds, Double(r.lines) / r.seconds, Double(r.bytes) / r.seconds / 1e6))
        } catch { ExecCLI.fail(error.description) }
    }
}
