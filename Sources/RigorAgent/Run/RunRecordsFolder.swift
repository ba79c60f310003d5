import Foundation
import RigorBasics

/// `results/<exp>/rigor/`: the records of `rigor run` (prompt, transcript, agent output, guard
/// and validator reports, trace, summary), written only by Rigor, read-only to the agent. An
/// earlier attempt's records are moved to `attempt-N/` when it is resumed, never deleted.
public struct RunRecordsFolder: Sendable {
    public static let name = "rigor"
    public let path: String

    public init(resultsDir: String) { path = resultsDir + "/" + Self.name }

    public func file(_ name: String) -> String { path + "/" + name }

    /// The outcome of the last attempt, from its summary.json (nil when there is none).
    public func lastOutcome() -> String? { lastSummary("outcome") }

    /// A text field of the last attempt's summary.json.
    func lastSummary(_ field: String) -> String? {
        guard let data = try? TextFile.readBytes(file("summary.json"), limit: 1 << 20),
              let o = (try? JSONReader.parse(data))?.value.objectValue else { return nil }
        return o[field]?.stringValue
    }

    /// Whether an earlier attempt left records (a prompt at least).
    public var hasRecords: Bool { FileManager.default.fileExists(atPath: file("prompt.md")) }

    /// Creates the folder (no links followed).
    public func create() throws {
        _ = try DirectoryHandle.openCreating(path)
    }

    /// Moves the files of an earlier attempt into `attempt-N/` (N = 1, 2, …); returns its name.
    /// A metrics.json Rigor wrote for that attempt (its summary says so) goes with them as
    /// `metrics.json`, so the new attempt starts without it.
    @discardableResult
    public func archiveEarlierAttempt() throws -> String? {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix("attempt-") }.sorted()
        guard !names.isEmpty else { return nil }
        let rigorMetrics = lastSummary("metrics_written_by") == "rigor"
        var n = 1
        while FileManager.default.fileExists(atPath: file("attempt-\(n)")) { n += 1 }
        let dir = "attempt-\(n)"
        try FileManager.default.createDirectory(atPath: file(dir), withIntermediateDirectories: false)
        for name in names { try FileManager.default.moveItem(atPath: file(name), toPath: file(dir + "/" + name)) }
        let metrics = (path as NSString).deletingLastPathComponent + "/metrics.json"
        if rigorMetrics, (try? FileManager.default.attributesOfItem(atPath: metrics))?[.type] as? FileAttributeType == .typeRegular {
            try FileManager.default.moveItem(atPath: metrics, toPath: file(dir + "/metrics.json"))
        }
        return dir
    }

    public func write(_ text: String, to name: String) throws {
        try AtomicFile.write(text, to: file(name))
    }

    public func write(json: JSONValue, to name: String) throws {
        try AtomicFile.write(json: json, to: file(name))
    }
}
