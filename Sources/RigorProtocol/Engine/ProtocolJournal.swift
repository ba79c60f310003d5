import Foundation
import RigorBasics
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `protocol-journal.jsonl` in the results dir: one JSON object per line, appended and fsync'd,
/// never rewritten. A line cut short by a kill is skipped on reading and left in place.
public final class ProtocolJournal: Sendable {
    public static let fileName = "protocol-journal.jsonl"

    public let path: String
    private let fd: Mutex<Int32>

    /// Opens (creating) the journal for appending.
    public init(resultsDir: String) throws(ProtocolError) {
        path = resultsDir + "/" + ProtocolJournal.fileName
        let descriptor: Int32
        do { descriptor = try DirectoryHandle.open(resultsDir).openAppending(ProtocolJournal.fileName) } catch {
            throw .io(path: path, reason: error.description)
        }
        fd = Mutex(descriptor)
        // A kill in the middle of a write leaves a line without its newline: end it so the next entry starts clean.
        var last: UInt8 = 0
        let size = lseek(descriptor, 0, SEEK_END)
        if size > 0, pread(descriptor, &last, 1, size - 1) == 1, last != UInt8(ascii: "\n") {
            if "\n".withCString({ Foundation.write(descriptor, $0, 1) }) == 1 { RecordWitnesses.appended(path, [0x0A]) }
        }
    }

    deinit { fd.withLock { _ = close($0) } }

    /// Appends one entry (with `time` added) and fsyncs it.
    public func append(_ event: String, _ fields: JSONObject = JSONObject()) throws(ProtocolError) {
        var object = JSONObject([("event", .string(event)), ("time", .string(ProtocolClock.timestamp()))])
        for (k, v) in fields { object[k] = v }
        let line = JSONValue.object(object).serialized(pretty: false) + "\n"
        let bytes = Array(line.utf8)
        let failure: String? = fd.withLock { descriptor in
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
                if n < 0 { if errno == EINTR { continue }; return String(cString: strerror(errno)) }
                offset += n
            }
            RecordWitnesses.appended(path, bytes)
            return fsync(descriptor) == 0 ? nil : "fsync: " + String(cString: strerror(errno))
        }
        if let failure { throw .io(path: path, reason: failure) }
    }

    /// Every complete entry of the journal at `path` (missing file: none).
    public static func read(path: String) throws(ProtocolError) -> [JSONObject] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else { throw .io(path: path, reason: "cannot read the journal") }
        let text = String(decoding: data, as: UTF8.self)
        var entries: [JSONObject] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let doc = try? JSONReader.parse(String(line)), let object = doc.value.objectValue { entries.append(object) }
        }
        return entries
    }
}

/// Wall-clock helpers shared by the engine's records.
enum ProtocolClock {
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC).
    static func timestamp(_ date: Date = Date()) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    /// `YYYY-MM-DDTHH:MM:SS` (UTC), the metrics.json timestamp form.
    static func metricsTimestamp(_ date: Date = Date()) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return f.string(from: date)
    }

    /// Parses the timestamps run records carry (with or without fractional seconds).
    static func parse(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }
}
