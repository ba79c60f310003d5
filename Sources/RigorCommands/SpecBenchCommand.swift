import ArgumentParser
import Foundation
import RigorSpec

/// `rigor spec bench`: parse specs repeatedly and print the time per parse (used by benchmarks/).
struct SpecBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Time spec parsing (prints figures; used by benchmarks/spec-parse.sh).",
        shouldDisplay: false)

    @Argument(help: "Spec files.") var paths: [String]
    @Option(help: "Parses per spec.") var iterations = 200

    func run() async throws {
        var table = TextTable("SPEC", "BYTES", "MEAN_MS", "MIN_MS", "P50_MS")
        for path in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                Console.error("\(path): cannot read"); throw ExitCode.unusableInput
            }
            _ = SpecParser.parse(text: text, path: path)
            var samples: [Double] = []
            for _ in 0..<iterations {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = SpecParser.parse(text: text, path: path)
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            samples.sort()
            let mean = samples.reduce(0, +) / Double(samples.count)
            table.add([URL(fileURLWithPath: path).lastPathComponent, "\(text.utf8.count)", String(format: "%.3f", mean),
                       String(format: "%.3f", samples[0]), String(format: "%.3f", samples[samples.count / 2])])
        }
        Console.print(table.render())
    }
}
