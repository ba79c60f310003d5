import Foundation
import RigorTestSupport
import Testing

/// `rigor metrics validate` through the built binary: exit codes, line:column output, JSON report.
@Suite struct MetricsValidateCLITests {
    let dir = TempDirectory()

    static let validMetrics = """
    {
      "experiment": "exp-001-hidden-width",
      "timestamp": "2026-11-27T08:00:00Z",
      "baseline": {"val_accuracy": 0.7, "val_loss": 0.5, "train_accuracy": 0.8},
      "treatment": {"val_accuracy": 0.8, "val_loss": 0.4, "train_accuracy": 0.9},
      "per_seed": [{"seed": 0, "val_accuracy": 0.8}],
      "sanity_checks": {"train_loss_decreased": 1, "n_val": 90},
      "resource_usage": {"gpu_hours": 0, "wall_clock_seconds": 12.5, "total_training_steps": 600, "total_runs": 3},
      "abort_triggered": false,
      "abort_reason": null,
      "notes": "3 runs finished; 0 retries."
    }
    """

    /// A workspace holding the example spec and one results dir.
    func workspace(metrics: String, config: Bool = true) throws -> String {
        let spec = try String(contentsOfFile: RepoPaths.root + "/examples/two-spirals/experiments/exp-001-hidden-width.md", encoding: .utf8)
        dir.write("experiments/exp-001-hidden-width.md", spec)
        dir.write("results/exp-001-hidden-width/metrics.json", metrics)
        if config { dir.write("results/exp-001-hidden-width/config.json", "{\"experiment\": \"exp-001-hidden-width\"}") }
        return dir.path + "/results/exp-001-hidden-width"
    }

    @Test func cleanResultsExitZeroWithSpecFoundInWorkspace() throws {
        let r = try rigor("metrics", "validate", workspace(metrics: Self.validMetrics))
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }

    @Test func missingSpecMetricNamesTheSpecLine() throws {
        let text = Self.validMetrics.replacingOccurrences(of: ", \"n_val\": 90", with: "")
        let r = try rigor("metrics", "validate", workspace(metrics: text))
        #expect(r.status == 1)
        let line = r.lines.first { $0.contains("spec-metric-missing") }
        #expect(line?.contains("n_val") == true, "\(r.stdout)")
        // path:line:column of the metric's bullet in the spec.
        let spec = dir.path + "/experiments/exp-001-hidden-width.md"
        let specLines = try String(contentsOfFile: spec, encoding: .utf8).components(separatedBy: "\n")
        let n = try #require(specLines.firstIndex { $0.hasPrefix("- **n_val**") }) + 1
        #expect(line?.hasPrefix("\(spec):\(n):1: spec-metric-missing: sanity metric \"n_val\"") == true, "\(r.stdout)")
    }

    @Test func interpretationAbortAndConfigViolations() throws {
        let text = Self.validMetrics
            .replacingOccurrences(of: "\"abort_triggered\": false", with: "\"abort_triggered\": true")
            .replacingOccurrences(of: "3 runs finished; 0 retries.", with: "The results show a promising gain.")
        let r = try rigor("metrics", "validate", "--json", workspace(metrics: text, config: false))
        #expect(r.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let codes = Set(((report["violations"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String })
        #expect(codes.isSuperset(of: ["interpretive-language", "config-missing"]), "\(codes)")
        #expect(codes.contains { $0.contains("abort") }, "\(codes)")
    }

    @Test func pythonNaNTokensAreReportedWithPositions() throws {
        let text = Self.validMetrics.replacingOccurrences(of: "\"val_loss\": 0.4", with: "\"val_loss\": NaN")
        let r = try rigor("metrics", "validate", workspace(metrics: text))
        #expect(r.status == 1)
        #expect(r.lines.contains { $0.contains(":5:") && $0.contains("non-standard-json-token") && $0.contains("/treatment/val_loss") },
                "\(r.stdout)")
    }

    @Test func truncatedFileIsSaidPlainly() throws {
        let cut = String(Self.validMetrics.prefix(200))
        let r = try rigor("metrics", "validate", workspace(metrics: cut))
        #expect(r.status == 1)
        #expect(r.stdout.contains("truncated"), "\(r.stdout)")
    }

    @Test(arguments: ["missing", "directory-without-metrics", "binary", "empty"])
    func unusableInputExitsTwo(kind: String) throws {
        let target: String
        switch kind {
        case "missing": target = dir.path + "/nope"
        case "directory-without-metrics": target = dir.path
        case "binary":
            target = dir.path + "/metrics.json"
            try Data([0x00, 0x01, 0x02, 0xFF]).write(to: URL(fileURLWithPath: target))
        default: target = dir.write("m/metrics.json", "")
        }
        let r = try rigor("metrics", "validate", target)
        #expect(r.status == 2, "\(kind): \(r.status) \(r.stdout) \(r.stderr)")
        #expect(r.errorLines.count == 1)
        #expect(!r.timedOut)
    }
}
