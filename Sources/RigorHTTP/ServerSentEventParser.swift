/// One event of a `text/event-stream` (the WHATWG HTML standard, "Server-sent events").
public struct ServerSentEvent: Sendable, Equatable {
    /// The `event:` field, or `message` when the event named none.
    public var type: String
    /// The `data:` lines joined with line feeds.
    public var data: String
    /// The last event ID in force when the event was dispatched (`id:`; it persists across events).
    public var lastEventID: String

    public init(type: String = "message", data: String, lastEventID: String = "") {
        self.type = type; self.data = data; self.lastEventID = lastEventID
    }
}

/// Parses a server-sent event stream as its bytes arrive, in pieces of any size: a line, a
/// field or a UTF-8 character may be split across reads, and lines end with CRLF, LF or CR
/// (a CR at the end of one read and the LF at the start of the next are one line end).
/// Follows the standard's interpretation rules: comments (`:` lines) are ignored, one space
/// after the colon is dropped, `data` lines accumulate, a blank line dispatches, an event
/// with no data is not dispatched, an `id` holding NUL is ignored, `retry` takes digits only,
/// unknown fields are ignored, a leading byte-order mark is skipped, and an event not ended
/// by a blank line when the stream ends is discarded.
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var sawCR = false
    private var atStart = true
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType = ""
    private var lastEventID = ""
    /// The reconnection time the stream asked for (`retry:`), in milliseconds.
    public private(set) var retryMilliseconds: Int?

    /// Largest line kept, in bytes (a longer one is cut; protects memory from a hostile stream).
    public let maxLineBytes: Int

    public init(maxLineBytes: Int = 16 << 20) { self.maxLineBytes = maxLineBytes }

    /// Feeds the next bytes; returns the events they complete, in order.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var out: [ServerSentEvent] = []
        for b in bytes {
            if sawCR {
                sawCR = false
                if b == 0x0A { continue }
            }
            switch b {
            case 0x0D:
                sawCR = true
                if let e = endLine() { out.append(e) }
            case 0x0A:
                if let e = endLine() { out.append(e) }
            default:
                if line.count < maxLineBytes { line.append(b) }
            }
        }
        return out
    }

    /// The stream ended: a pending event without its blank line is discarded.
    public mutating func finish() {
        line = []; data = []; hasData = false; eventType = ""; sawCR = false
    }

    private mutating func endLine() -> ServerSentEvent? {
        var current = line
        line = []
        if atStart {
            atStart = false
            if current.starts(with: [0xEF, 0xBB, 0xBF]) { current.removeFirst(3) }
        }
        if current.isEmpty { return dispatch() }
        if current.first == 0x3A { return nil }
        let field: [UInt8]
        var value: [UInt8]
        if let colon = current.firstIndex(of: 0x3A) {
            field = Array(current[..<colon])
            value = Array(current[(colon + 1)...])
            if value.first == 0x20 { value.removeFirst() }
        } else {
            field = current
            value = []
        }
        switch String(decoding: field, as: UTF8.self) {
        case "event": eventType = String(decoding: value, as: UTF8.self)
        case "data":
            // An event's data is bounded like a line (protects memory from a hostile stream).
            if data.count + value.count < maxLineBytes { data += value; data.append(0x0A) }
            hasData = true
        case "id": if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let ms = Int(String(decoding: value, as: UTF8.self)) { retryMilliseconds = ms }
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer { data = []; hasData = false; eventType = "" }
        guard hasData else { return nil }
        var payload = data
        if payload.last == 0x0A { payload.removeLast() }
        return ServerSentEvent(type: eventType.isEmpty ? "message" : eventType, data: String(decoding: payload, as: UTF8.self), lastEventID: lastEventID)
    }
}
