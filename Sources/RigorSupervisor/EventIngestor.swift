import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the bytes of a run's event channel into events: splits lines, parses them,
/// keeps latest/final values and the highest step, feeds the abort rules, and appends
/// every line (valid or not) to `events.jsonl` with its receive time.
/// Memory stays bounded: one partial line (at most `maxLineBytes`), one write buffer, and
/// one slot per distinct metric key. Keys are interned (`MetricKeyTable`), so a line in the
/// usual shape is handled without making a String or hashing a key through Dictionary.
/// A value type: kept in a local variable of the monitor thread, its hot path pays no
/// dynamic exclusivity checks or reference counting of its parts.
struct EventIngestor {
    /// What an `onEvent` observer learns besides the event itself.
    struct Facts { var eventCount: Int; var maxStep: Double?; var keyNames: [String] }

    static let maxLineBytes = 1 << 20

    private(set) var eventCount = 0
    private(set) var invalidLines = 0
    private(set) var maxStep: Double?
    private(set) var lastStep: Double?
    /// The run's metric keys; ids index `latest` and `seen`.
    private(set) var keys = MetricKeyTable()
    /// By key id: the latest numeric value (nil when none, or when the latest value is not a number).
    private(set) var latest: [Double?] = []
    private var seen: [Bool] = []
    private var latestOthers: [Int: JSONValue] = [:]
    private var keyOrder: [Int] = []
    private(set) var finalValues = JSONObject()
    private(set) var trip: AbortTrip?
    private(set) var firstInvalid: String?
    var abort: AbortEvaluator
    /// Called for each parsed event (on the monitor thread).
    var onEvent: ((MetricEvent, Facts) -> Void)?

    private let outFD: Int32
    private var out: [UInt8] = []
    private var carry: [UInt8] = []
    private var discardingLongLine = false
    private var event = MetricEvent()
    private var writeError: String?

    /// `outFD`: an open, writable fd for events.jsonl (owned by the caller), or -1 to keep nothing.
    init(outFD: Int32, rules: [AbortRule]) {
        self.outFD = outFD
        var keys = MetricKeyTable()
        abort = AbortEvaluator(rules: rules, keys: &keys)
        self.keys = keys
        out.reserveCapacity(1 << 18)
    }

    /// Latest values of every key seen, in first-seen order.
    var lastValues: JSONObject {
        var o = JSONObject()
        for k in keyOrder {
            if let d = latest[k] { o[keys.names[k]] = .number(d) } else if let v = latestOthers[k] { o[keys.names[k]] = v }
        }
        return o
    }

    /// Consumes one chunk read at `receivedAt` (unix seconds); `meters` gives wall/gpu-hours.
    mutating func consume(_ chunk: UnsafeRawBufferPointer, receivedAt: Double, meters: (wall: Double, gpuHours: Double)) {
        let prefix = Array(String(format: "{\"rx\":%.6f,\"event\":", receivedAt).utf8)
        let bytes = chunk.bindMemory(to: UInt8.self)
        var start = 0
        while start < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: chunk[start...])
            guard let nl = memchr(rest.baseAddress!, 0x0A, rest.count) else {
                appendCarry(UnsafeBufferPointer(rebasing: bytes[start...]))
                break
            }
            let end = start + (UnsafeRawPointer(nl) - rest.baseAddress!)
            if discardingLongLine {
                discardingLongLine = false
            } else if carry.isEmpty {
                handle(UnsafeBufferPointer(rebasing: bytes[start..<end]), prefix: prefix, receivedAt: receivedAt, meters: meters)
            } else {
                appendCarry(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                if !discardingLongLine {
                    let line = carry
                    carry.removeAll(keepingCapacity: true)
                    line.withUnsafeBufferPointer { handle($0, prefix: prefix, receivedAt: receivedAt, meters: meters) }
                } else {
                    discardingLongLine = false
                }
            }
            start = end + 1
        }
        if out.count >= 1 << 17 { flush() }
    }

    /// Handles a final line without newline (channel closed) and writes everything out.
    mutating func finish(receivedAt: Double, meters: (wall: Double, gpuHours: Double)) {
        if !carry.isEmpty {
            let prefix = Array(String(format: "{\"rx\":%.6f,\"event\":", receivedAt).utf8)
            let line = carry
            carry.removeAll()
            line.withUnsafeBufferPointer { handle($0, prefix: prefix, receivedAt: receivedAt, meters: meters) }
        }
        flush()
    }

    /// Re-checks time-based rules between events.
    mutating func tick(meters: (wall: Double, gpuHours: Double)) {
        guard trip == nil, abort.hasMetricFreeRules else { return }
        if let t = abort.tick(latest: latest, meters: .init(wall: meters.wall, gpuHours: meters.gpuHours, step: lastStep)) { trip = t }
    }

    /// The first error writing events.jsonl, if any.
    var writeFailure: String? { writeError }

    private mutating func appendCarry(_ bytes: UnsafeBufferPointer<UInt8>) {
        if discardingLongLine { return }
        if carry.count + bytes.count > EventIngestor.maxLineBytes {
            invalidLines += 1
            recordInvalid(text: String(decoding: carry.prefix(200), as: UTF8.self) + "…",
                          error: "line longer than \(EventIngestor.maxLineBytes) bytes: dropped", receivedAt: unixSeconds())
            carry.removeAll(keepingCapacity: false)
            discardingLongLine = true
            return
        }
        carry.append(contentsOf: bytes)
    }

    private mutating func handle(_ line: UnsafeBufferPointer<UInt8>, prefix: [UInt8], receivedAt: Double, meters: (wall: Double, gpuHours: Double)) {
        var trimmed = line
        if let last = trimmed.last, last == 0x0D { trimmed = UnsafeBufferPointer(rebasing: trimmed.dropLast()) }
        if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        if let error = EventLineParser.parse(trimmed, keys: &keys, into: &event) {
            invalidLines += 1
            recordInvalid(text: String(decoding: trimmed.prefix(4096), as: UTF8.self), error: error, receivedAt: receivedAt)
            return
        }
        eventCount += 1
        out.append(contentsOf: prefix)
        out.append(contentsOf: trimmed)
        out.append(0x7D); out.append(0x0A)
        if let s = event.step {
            lastStep = s
            if maxStep.map({ s > $0 }) ?? true { maxStep = s }
        }
        if latest.count < keys.count {
            let n = keys.count - latest.count
            latest.append(contentsOf: repeatElement(nil, count: n))
            seen.append(contentsOf: repeatElement(false, count: n))
        }
        for (k, d) in event.numbers {
            latest[k] = d
            if !seen[k] { seen[k] = true; keyOrder.append(k) }
        }
        for (k, v) in event.others {
            latestOthers[k] = v
            latest[k] = nil
            if !seen[k] { seen[k] = true; keyOrder.append(k) }
        }
        if event.kind == .final {
            for (k, d) in event.numbers { finalValues[keys.names[k]] = .number(d) }
            for (k, v) in event.others { finalValues[keys.names[k]] = v }
        }
        if trip == nil, !abort.isEmpty {
            let m = AbortEvaluator.Meters(wall: meters.wall, gpuHours: meters.gpuHours, step: lastStep)
            if let t = abort.observe(eventNumbers: event.numbers[...], latest: latest, meters: m, eventNumber: eventCount) {
                trip = t
                flush()
            }
        }
        if let onEvent { onEvent(event, Facts(eventCount: eventCount, maxStep: maxStep, keyNames: keys.names)) }
    }

    private mutating func recordInvalid(text: String, error: String, receivedAt: Double) {
        if firstInvalid == nil { firstInvalid = error }
        let obj: JSONValue = .object(JSONObject([("rx", .number(receivedAt)), ("invalid", .string(text)), ("error", .string(error))]))
        out.append(contentsOf: Array(obj.serialized(pretty: false).utf8))
        out.append(0x0A)
    }

    /// Writes buffered lines to events.jsonl.
    mutating func flush() {
        guard !out.isEmpty else { return }
        defer { out.removeAll(keepingCapacity: true) }
        guard outFD >= 0, writeError == nil else { return }
        out.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(outFD, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    writeError = "events.jsonl: \(String(cString: strerror(errno)))"
                    return
                }
                offset += n
            }
        }
    }
}
