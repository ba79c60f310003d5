import Foundation
import RigorBasics
import RigorReport
import RigorSupervisor
import RigorTestSupport
import Testing

/// Runs record the files they create or change in the results folder, and trace reads numbers
/// from the JSON and CSV files among them (issue 9, item 8).
struct OutputFileTraceTests {
    static let writer = """
    import json, os, sys
    out = sys.argv[1]
    os.makedirs(out + "/out", exist_ok=True)
    json.dump({"sharpe": 1.23456, "by_fold": [{"pnl": 10.5}]}, open(out + "/out/summary.json", "w"))
    open(out + "/out/table.csv", "w").write("fold,loss\\n0,0.25\\n1,0.5\\n")
    """

    @Test func aRunsFilesAreRecordedAndTheirNumbersTraced() async throws {
        let f = SupervisedFixture()
        f.temp.write("writer.py", Self.writer)
        try FileManager.default.createDirectory(atPath: f.experimentDir, withIntermediateDirectories: true)
        f.temp.write("results/exp-001-test/before.txt", "kept\n")
        let request = RunRequest(experimentDir: f.experimentDir, command: [SupervisedFixture.python, "writer.py", f.experimentDir],
                                 workingDirectory: f.temp.path, seed: 7)
        let record = try await Supervisor.run(request)
        #expect(record.status == .succeeded)
        let files = record.outputFiles ?? []
        #expect(files.map(\.path) == ["out/summary.json", "out/table.csv"], "\(files)")
        let summary = try Data(contentsOf: URL(fileURLWithPath: f.experimentDir + "/out/summary.json"))
        #expect(files.first?.sha256 == SHA256.hex(Array(summary)) && files.first?.size == Int64(summary.count))

        f.temp.write("results/exp-001-test/metrics.json", """
        {"experiment": "exp-001-test", "timestamp": "2026-12-01T00:00:00",
         "baseline": {}, "treatment": {"sharpe": 1.235, "pnl": 10.5, "invented": 3.14},
         "per_seed": [{"seed": 7, "loss": 0.25}], "sanity_checks": {},
         "resource_usage": {"gpu_hours": 0, "wall_clock_seconds": 1, "total_training_steps": 0, "total_runs": 1},
         "abort_triggered": false, "abort_reason": null, "notes": ""}
        """)
        let report = try NumberTrace.trace(resultsDir: f.experimentDir)
        func source(_ pointer: String) -> TraceSource? { report.numbers.first { $0.pointer == pointer }?.source }
        #expect(source("/treatment/sharpe")?.description == "value at /sharpe in out/summary.json, written by run \(record.runID)")
        #expect(source("/treatment/pnl")?.location == "/by_fold/0/pnl")
        #expect(source("/per_seed/0/loss")?.description == "value at row 1, column loss in out/table.csv, written by run \(record.runID)")
        #expect(source("/per_seed/0/seed")?.kind == .seed)
        #expect(report.untraced == ["/treatment/invented"])

        // A file changed after its run no longer vouches for anything.
        f.temp.write("results/exp-001-test/out/summary.json", #"{"sharpe": 1.23456, "by_fold": [{"pnl": 10.5}], "x": 1}"#)
        let after = try NumberTrace.trace(resultsDir: f.experimentDir)
        #expect(after.untraced == ["/treatment/sharpe", "/treatment/pnl", "/treatment/invented"], "\(after.untraced)")
    }
}
