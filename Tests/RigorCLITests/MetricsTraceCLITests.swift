import Foundation
import RigorBasics
import RigorTestSupport
import Testing

/// `rigor metrics trace` (issue 9, item 8) on the example's real protocol run: every number
/// Rigor wrote traces to its runs; a number no run produced is reported untraced.
@Suite(.serialized)
struct MetricsTraceCLITests {
    let dir = TempDirectory(prefix: "rigor-trace")
    var results: String { dir.path + "/results/exp-001-hidden-width" }

    func runExample() throws {
        let example = RepoPaths.root + "/examples/two-spirals"
        for file in ["experiments/exp-001-hidden-width.md", "plan.yaml", "scripts/train.py"] {
            dir.write(file, try String(contentsOfFile: example + "/" + file, encoding: .utf8))
        }
        let r = try rigor(arguments: ["protocol", "run", "plan.yaml"], cwd: dir.path, timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
    }

    func editMetrics(_ edit: (inout String) -> Void) throws {
        var text = try String(contentsOfFile: results + "/metrics.json", encoding: .utf8)
        edit(&text)
        try FileManager.default.removeItem(atPath: results + "/metrics.json")
        dir.write("results/exp-001-hidden-width/metrics.json", text)
    }

    @Test func everyNumberRigorWroteIsTracedAndAnInventedOneIsNot() throws {
        try runExample()
        let r = try rigor("metrics", "trace", results, "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let o = try JSONReader.parse(r.stdout).value
        #expect(o["untraced"] == .array([]), "\(r.stdout)")
        #expect((o["total"]?.doubleValue ?? 0) > 40)
        let numbers = o["numbers"]?.arrayValue ?? []
        let mean = numbers.first { $0["pointer"] == .string("/treatment/val_accuracy/mean") }
        #expect(mean?["source"]?["kind"] == .string("mean"))
        #expect(mean?["source"]?["runs"]?.arrayValue?.count == 3)
        #expect(mean?["source"]?["runs"]?.arrayValue?.allSatisfy { $0.stringValue?.hasPrefix("full-hidden32-") == true } == true, "\(String(describing: mean))")
        let row = numbers.first { $0["pointer"] == .string("/per_seed/1/val_accuracy") }
        #expect(row?["source"]?["runs"] == .array(["full-hidden32-seed0-a1"]), "\(String(describing: row))")

        // A number no run produced, and a mean rounded the wrong way: untraced.
        let treatment = try #require(o["numbers"]?.arrayValue?.first { $0["pointer"] == .string("/treatment/val_loss/mean") }?["value"]?.doubleValue)
        try editMetrics { text in
            text = text.replacingOccurrences(of: JSONValue.format(number: treatment), with: "0.1234")
        }
        let invented = try rigor("metrics", "trace", results)
        #expect(invented.status == 0)
        #expect(invented.lines.last?.hasSuffix("numbers traced; untraced: /treatment/val_loss/mean") == true, "\(invented.stdout)")
        let required = try rigor("metrics", "trace", results, "--require-trace")
        #expect(required.status == 1)
    }

    @Test func aValueWrittenWithFewerDecimalsTracesWhenItsSourceRoundsToIt() throws {
        try runExample()
        let o = try JSONReader.parse(try rigor("metrics", "trace", results, "--json").stdout).value
        let value = try #require(o["numbers"]?.arrayValue?.first { $0["pointer"] == .string("/treatment/val_loss/mean") }?["value"]?.doubleValue)
        let rounded = (value * 1000).rounded() / 1000
        let wrong = (value * 100).rounded() / 100 + 0.01
        try editMetrics { text in
            text = text.replacingOccurrences(of: JSONValue.format(number: value), with: JSONValue.format(number: rounded))
        }
        #expect(try rigor("metrics", "trace", results, "--require-trace").status == 0)
        try editMetrics { text in
            text = text.replacingOccurrences(of: JSONValue.format(number: rounded), with: JSONValue.format(number: wrong))
        }
        let r = try rigor("metrics", "trace", results)
        #expect(r.lines.last?.contains("untraced: /treatment/val_loss/mean") == true, "\(r.stdout)")
    }
}
