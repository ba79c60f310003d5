import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RigorBasics
import RigorReport
import RigorResults
import RigorSpec
import RigorSupervisor

/// What `rigor run` checks after the agent, whatever happened: metrics.json against the
/// contract and the spec (written by Rigor when the agent left none or one that is not JSON;
/// never rewritten when it is JSON that breaks the contract), and the trace of every number.
public struct RunVerification: Sendable {
    public let spec: ExperimentSpec
    public let resultsDir: String
    public let records: RunRecordsFolder

    public struct Result: Sendable {
        public var wroteFallback = false
        public var fallbackReason: String?
        public var valid = false
        public var aborted = false
        /// The validator's errors, one line each.
        public var errors: [String] = []
    }

    var metricsPath: String { resultsDir + "/metrics.json" }

    /// `stopReason`: why the agent was stopped (time budget, Ctrl-C) or could not start.
    public func verify(agentLabel: String, agentStatus: Int32?, stopReason: String?, guardNotes: [String]) -> Result {
        var result = Result()
        var reason: String?
        switch metricsState() {
        case .valid:
            break
        case .missing:
            reason = stopReason ?? "the \(agentLabel) exited (status \(agentStatus.map(String.init) ?? "unknown")) without writing metrics.json"
        case .notJSON(let why):
            let kept = records.file("metrics.agent.json")
            try? FileManager.default.removeItem(atPath: kept)
            try? FileManager.default.moveItem(atPath: metricsPath, toPath: kept)
            reason = (stopReason.map { $0 + "; " } ?? "") + "the \(agentLabel)'s metrics.json is not valid JSON (\(why)); kept as rigor/metrics.agent.json"
        }
        if let reason {
            let notes = guardNotes.map { "guard: " + $0 }
            let value = FallbackMetrics.build(spec: spec, resultsDir: resultsDir, reason: reason, extraNotes: notes)
            do { try AtomicFile.write(json: value, to: metricsPath) } catch { result.errors.append("\(metricsPath): cannot write: \(error)") }
            result.wroteFallback = true
            result.fallbackReason = reason
        }
        let report: MetricsReport
        do { report = try MetricsValidator().validate(try MetricsLocation.locate(resultsDir), spec: spec, specSource: .option) } catch {
            result.errors.append("\(error)")
            return result
        }
        try? records.write(json: report.jsonValue, to: "validation.json")
        result.valid = report.isValid
        result.errors += report.violations.filter { $0.severity == .error }.map(\.textLine)
        if let bytes = (try? DirectoryHandle.open(resultsDir).read("metrics.json", limit: 64 << 20)) ?? nil,
           let o = (try? JSONReader.parse(bytes: bytes))?.value.objectValue {
            result.aborted = o["abort_triggered"]?.boolValue ?? false
        }
        return result
    }

    enum MetricsState { case valid, missing, notJSON(String) }

    /// The agent wrote metrics.json, so it is read without following a link: a symbolic link
    /// there (to a file outside the sandbox's reach) is never read, only moved aside.
    func metricsState() -> MetricsState {
        var st = stat()
        guard lstat(metricsPath, &st) == 0 else { return .missing }
        do {
            guard let bytes = try DirectoryHandle.open(resultsDir).read("metrics.json", limit: 64 << 20) else { return .missing }
            _ = try JSONReader.parse(bytes: bytes)
        } catch { return .notJSON("\(error)") }
        return .valid
    }

    /// Traces every number of metrics.json to the runs; writes rigor/trace.json.
    public func trace() -> TraceReport? {
        guard let report = try? NumberTrace.trace(resultsDir: resultsDir) else { return nil }
        try? records.write(json: report.json, to: "trace.json")
        return report
    }

    /// Supervised runs recorded for the experiment.
    public func runCount() -> Int { RunRecordFile.all(experimentDir: resultsDir).records.count }
}
