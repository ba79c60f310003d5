import Foundation
import RigorBasics

/// The broker's replies, one JSON object per line (docs/broker.md): output of the run as
/// base64 chunks, then its exit status, or an error. The client sends `signal` frames.
public enum BrokerFrame: Sendable, Equatable {
    case stdout([UInt8])
    case stderr([UInt8])
    case exit(Int32)
    case error(String, status: Int32)
    /// Client → broker: a signal to pass on to the run (INT, TERM or HUP).
    case signal(String)

    public var line: [UInt8] {
        let o: JSONObject
        switch self {
        case .stdout(let b): o = JSONObject([("type", .string("stdout")), ("data", .string(Data(b).base64EncodedString()))])
        case .stderr(let b): o = JSONObject([("type", .string("stderr")), ("data", .string(Data(b).base64EncodedString()))])
        case .exit(let s): o = JSONObject([("type", .string("exit")), ("status", .number(Double(s)))])
        case .error(let m, let s): o = JSONObject([("type", .string("error")), ("message", .string(m)), ("status", .number(Double(s)))])
        case .signal(let s): o = JSONObject([("type", .string("signal")), ("signal", .string(s))])
        }
        return Array(JSONValue.object(o).serialized(pretty: false).utf8) + [10]
    }

    /// Parses one line; nil when it is not a frame.
    public static func parse(_ bytes: [UInt8]) -> BrokerFrame? {
        guard let o = (try? JSONReader.parse(bytes: bytes))?.value.objectValue, let type = o["type"]?.stringValue else { return nil }
        func data() -> [UInt8]? { o["data"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { Array($0) } }
        func status() -> Int32? { o["status"]?.doubleValue.flatMap { $0 >= 0 && $0 <= 255 ? Int32($0) : nil } }
        switch type {
        case "stdout": return data().map { .stdout($0) }
        case "stderr": return data().map { .stderr($0) }
        case "exit": return status().map { .exit($0) }
        case "error": return o["message"]?.stringValue.map { .error($0, status: status() ?? 2) }
        case "signal": return o["signal"]?.stringValue.flatMap { ["INT", "TERM", "HUP"].contains($0) ? .signal($0) : nil }
        default: return nil
        }
    }
}

/// Reads newline-terminated lines from a descriptor, each at most `limit` bytes.
final class LineReader {
    let fd: Int32
    let limit: Int
    private var buffer: [UInt8] = []
    private(set) var ended = false

    init(fd: Int32, limit: Int) { self.fd = fd; self.limit = limit }

    /// Reads what is available (one read call) and returns the complete lines; a line over the
    /// limit ends the stream (`overflow`).
    func readLines() -> (lines: [[UInt8]], overflow: Bool) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
        if n < 0 && (errno == EINTR || errno == EAGAIN) { return ([], false) }
        if n <= 0 { ended = true; return ([], false) }
        buffer += chunk[0..<n]
        var lines: [[UInt8]] = []
        while let nl = buffer.firstIndex(of: 10) {
            lines.append(Array(buffer[..<nl]))
            buffer.removeSubrange(...nl)
        }
        if buffer.count > limit { ended = true; return (lines, true) }
        return (lines, false)
    }
}

/// Writes all of `bytes` to a socket without raising SIGPIPE; false when the peer is gone.
@discardableResult
func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n < 0 { if errno == EINTR { continue }; return false }
        offset += n
    }
    return true
}
