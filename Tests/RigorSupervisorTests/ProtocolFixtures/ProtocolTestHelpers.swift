import Foundation
import RigorBasics
import RigorProtocol
import RigorSpec
import RigorSupervisor
import RigorTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Loading plans and reading results for protocol tests.
enum ProtocolTestHelpers {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func checkedPlan(_ path: String) throws -> CheckedPlan {
        let plan = try PlanParser.parse(path: path)
        let spec = try SpecParser.parse(path: plan.specPath)
        if spec.hasErrors { throw Failure(description: spec.diagnostics.map(\.description).joined(separator: "\n")) }
        return try PlanChecker.check(plan, against: spec)
    }

    static func engine(_ ws: ProtocolWorkspace, slots: Int = 2) throws -> ProtocolEngine {
        let checked = try checkedPlan(ws.planPath)
        return ProtocolEngine(checked: checked, resultsDir: ws.resultsDir, executor: SupervisorExecutor(),
                              options: ProtocolOptions(slots: slots, validator: MetricsCheck.validator))
    }

    static func json(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "\(path) missing") }
        return try JSONReader.parse(data).value
    }

    static func runNames(_ ws: ProtocolWorkspace) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: ws.resultsDir + "/runs")) ?? [])
            .filter { FileManager.default.fileExists(atPath: ws.resultsDir + "/runs/" + $0 + "/run.json") || $0.contains("-a") }
            .filter { !$0.hasSuffix(".json") }.sorted()
    }

    static func record(_ ws: ProtocolWorkspace, _ runID: String) -> RunRecord? {
        try? RunRecordFile.read(runDir: ws.resultsDir + "/runs/" + runID)
    }

    static func sampleStd(_ xs: [Double]) -> Double {
        let m = xs.reduce(0, +) / Double(xs.count)
        return (xs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(xs.count - 1)).squareRoot()
    }

    /// Runs the built `rigor` binary and waits; returns exit status, stdout, stderr.
    static func rigor(_ args: [String], cwd: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = launch(args, cwd: cwd)
        try p.process.run()
        let out = p.out.fileHandleForReading.readDataToEndOfFile()
        let err = p.err.fileHandleForReading.readDataToEndOfFile()
        p.process.waitUntilExit()
        return (p.process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    static func launch(_ args: [String], cwd: String) -> (process: Process, out: Pipe, err: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RepoPaths.rigorBinary)
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        return (process, out, err)
    }
}
