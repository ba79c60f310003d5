import Foundation
import RigorTestSupport
import Testing

/// Smaller items of `rigor exec` and `rigor status` (issue 8, item 9).
@Suite(.serialized) struct ExecStatusCLITests {
    func workspace() throws -> TempDirectory {
        let ws = TempDirectory(prefix: "rigor-exec-status")
        let example = RepoPaths.root + "/examples/two-spirals"
        ws.write("experiments/exp-001-hidden-width.md", try String(contentsOfFile: example + "/experiments/exp-001-hidden-width.md", encoding: .utf8))
        ws.write("scripts/train.py", try String(contentsOfFile: example + "/scripts/train.py", encoding: .utf8))
        return ws
    }

    @Test func execCreatesTheResultsFolderAndPrintsNoLinePerEvent() throws {
        let ws = try workspace()
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/results"))
        let r = try rigor(arguments: ["exec", "--experiment", "results/exp-001-hidden-width", "--", "python3", "scripts/train.py", "--hidden", "4", "--epochs", "3"],
                          cwd: ws.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: ws.path + "/results/exp-001-hidden-width/runs"))
        // Not a terminal and no --events: the start and end lines only.
        #expect(r.errorLines.filter { $0.hasPrefix("rigor:") }.count == 2, "\(r.stderr)")
        #expect(!r.stderr.contains("[rigor]"), "\(r.stderr)")
        let events = try rigor(arguments: ["exec", "--events", "--experiment", "results/exp-001-hidden-width", "--", "python3", "scripts/train.py", "--hidden", "4", "--epochs", "3"],
                               cwd: ws.path)
        #expect(events.errorLines.filter { $0.hasPrefix("[rigor]") }.count >= 3, "\(events.stderr)")
    }

    @Test func anyNaNAbortsARealRunOnAnyLoggedValue() throws {
        let ws = try workspace()
        let script = "import rigor, time\nrigor.log(step=1, loss=0.5)\nrigor.log(step=2, grad_norm=float('nan'))\ntime.sleep(30)\n"
        ws.write("scripts/nan.py", script)
        let r = try rigor(arguments: ["exec", "--json", "--abort", "any(isnan)", "--experiment", "results/exp-001-hidden-width", "--",
                                      "python3", "scripts/nan.py"], cwd: ws.path, timeout: 25)
        #expect(!r.timedOut && r.status == 3, "\(r.stderr)")
        #expect(r.stdout.contains("\"status\":\"aborted\"") && r.stdout.contains("any(isnan)"), "\(r.stdout.suffix(600))")
    }

    @Test func execRefusesAFolderOutsideAWorkspacesResults() throws {
        let ws = try workspace()
        let r = try rigor(arguments: ["exec", "--no-guard", "--experiment", "elsewhere/exp-001-hidden-width", "--", "true"], cwd: ws.path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("not results/<exp> of an existing workspace"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/elsewhere"))
    }

    @Test func statusFindsTheExperimentFromTheWorkingDirectoryAndSpeaksJSON() throws {
        let ws = try workspace()
        #expect(try rigor(arguments: ["exec", "--experiment", "results/exp-001-hidden-width", "--", "python3", "scripts/train.py", "--hidden", "4", "--epochs", "2"],
                          cwd: ws.path).status == 0)
        let inside = ws.path + "/results/exp-001-hidden-width/runs"
        let text = try rigor(arguments: ["status"], cwd: inside)
        #expect(text.status == 0 && text.stdout.contains("succeeded"), "\(text.stdout)\(text.stderr)")
        let json = try rigor(arguments: ["status", "--json"], cwd: inside)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let runs = try #require(doc["runs"] as? [[String: Any]])
        #expect(runs.count == 1 && runs.first?["status"] as? String == "succeeded")
        #expect((doc["budget"] as? [String: Any])?["max_training_runs"] as? Double == 12)
        let outside = try rigor(arguments: ["status"], cwd: ws.path)
        #expect(outside.status == 2 && outside.stderr.contains("not inside results/<exp>"), "\(outside.stderr)")
    }
}

/// `guard claude-settings` names rigor as found on PATH (absolute), not whatever build ran it.
@Suite struct ClaudeSettingsCommandTests {
    @Test func hookCommandIsRigorAsFoundOnPath() throws {
        let ws = TempDirectory(prefix: "rigor-settings")
        ws.write("experiments/exp-001-x.md", "# spec\n")
        let bin = ws.path + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/rigor", withDestinationPath: RepoPaths.rigorBinary)
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = bin + ":/usr/bin:/bin"
        let r = try rigor(arguments: ["guard", "claude-settings", "experiments/exp-001-x.md"], cwd: ws.path, environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"\(bin)/rigor hook pre-tool-use --spec"), "\(r.stdout)")
        env["PATH"] = "/usr/bin:/bin"
        let off = try rigor(arguments: ["guard", "claude-settings", "experiments/exp-001-x.md"], cwd: ws.path, environment: env)
        #expect(off.status == 0 && off.stderr.contains("rigor is not on PATH"), "\(off.stderr)")
    }
}
