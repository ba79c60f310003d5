import Foundation
import RigorBasics

/// One metric event as the Python helper writes it:
/// `{"t": 1732…, "kind": "log"|"final", "step": 5, "values": {"loss": 0.3, …}}`.
/// Other emitters may write flat objects: keys other than t/kind/step are values then.
struct MetricEvent {
    enum Kind { case log, final }
    var kind: Kind = .log
    var sentAt: Double?
    var step: Double?
    /// Numeric values (booleans as 1/0), in the order written.
    var numbers: [(String, Double)] = []
    /// Non-numeric values (strings, null, arrays, objects), kept for the record.
    var others: [(String, JSONValue)] = []

    mutating func reset() {
        kind = .log; sentAt = nil; step = nil
        numbers.removeAll(keepingCapacity: true); others.removeAll(keepingCapacity: true)
    }
}

/// Formatting shared by reasons and progress lines.
enum EventValues {
    static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(format: "%.6g", d)
    }
}

/// Parses one event line. A fast scanner handles the flat shapes the helper writes
/// (scalars, one nested `values` object, strings without escapes); anything else goes
/// through `JSONReader`. Returns an error message for lines that are not an event.
struct EventLineParser {
    private var p: UnsafePointer<UInt8>
    private var end: UnsafePointer<UInt8>

    static func parse(_ line: UnsafeBufferPointer<UInt8>, into event: inout MetricEvent) -> String? {
        event.reset()
        guard let base = line.baseAddress, line.count > 0 else { return "empty line" }
        var scanner = EventLineParser(p: base, end: base + line.count)
        if scanner.parseTop(into: &event) { return nil }
        event.reset()
        return slowParse(line, into: &event)
    }

    private static func slowParse(_ line: UnsafeBufferPointer<UInt8>, into event: inout MetricEvent) -> String? {
        let doc: JSONDocument
        do { doc = try JSONReader.parse(bytes: Array(line)) } catch { return "not JSON: \(error.description)" }
        guard case .object(let object) = doc.value else { return "not a JSON object (an event is {\"kind\":…, \"step\":…, \"values\":{…}})" }
        func take(_ key: String, _ value: JSONValue) {
            switch value {
            case .number(let d): event.numbers.append((key, d))
            case .bool(let b): event.numbers.append((key, b ? 1 : 0))
            case .string(let s):
                if let d = JSONValue.string(s).doubleValue { event.numbers.append((key, d)) } else { event.others.append((key, value)) }
            default: event.others.append((key, value))
            }
        }
        for (key, value) in object {
            switch key {
            case "t": event.sentAt = value.doubleValue
            case "kind":
                guard let k = value.stringValue, k == "log" || k == "final" else { return "\"kind\" must be \"log\" or \"final\"" }
                event.kind = k == "final" ? .final : .log
            case "step":
                if value.isNull { continue }
                guard let s = value.doubleValue else { return "\"step\" must be a number" }
                event.step = s
            case "values":
                guard case .object(let values) = value else { return "\"values\" must be an object" }
                for (k, v) in values { take(k, v) }
            default: take(key, value)
            }
        }
        return nil
    }

    // MARK: fast path (returns false to fall back)

    private mutating func skipSpace() {
        while p < end, p.pointee == 0x20 || p.pointee == 0x09 || p.pointee == 0x0D { p += 1 }
    }

    private mutating func parseTop(into event: inout MetricEvent) -> Bool {
        skipSpace()
        guard p < end, p.pointee == UInt8(ascii: "{") else { return false }
        p += 1
        skipSpace()
        if p < end, p.pointee == UInt8(ascii: "}") { p += 1; skipSpace(); return p == end }
        while true {
            skipSpace()
            // The four reserved keys are matched on bytes, without making a String.
            let key: String
            if matchWord("\"values\"") { key = "values" }
            else if matchWord("\"t\"") { key = "t" }
            else if matchWord("\"step\"") { key = "step" }
            else if matchWord("\"kind\"") { key = "kind" }
            else { guard let k = parseString() else { return false }; key = k }
            skipSpace()
            guard p < end, p.pointee == UInt8(ascii: ":") else { return false }
            p += 1
            skipSpace()
            guard p < end else { return false }
            switch key {
            case "values":
                guard parseValues(into: &event) else { return false }
            case "kind":
                if matchWord("\"log\"") { event.kind = .log } else if matchWord("\"final\"") { event.kind = .final } else { return false }
            case "t":
                guard let d = parseNumber() else { return false }
                event.sentAt = d
            case "step":
                if matchWord("null") { break }
                guard let d = parseNumber() else { return false }
                event.step = d
            default:
                guard parseScalar(key: key, into: &event) else { return false }
            }
            skipSpace()
            guard p < end else { return false }
            if p.pointee == UInt8(ascii: ",") { p += 1; continue }
            if p.pointee == UInt8(ascii: "}") { p += 1; skipSpace(); return p == end }
            return false
        }
    }

    private mutating func parseValues(into event: inout MetricEvent) -> Bool {
        guard p < end, p.pointee == UInt8(ascii: "{") else { return false }
        p += 1
        skipSpace()
        if p < end, p.pointee == UInt8(ascii: "}") { p += 1; return true }
        while true {
            skipSpace()
            guard let key = parseString() else { return false }
            skipSpace()
            guard p < end, p.pointee == UInt8(ascii: ":") else { return false }
            p += 1
            skipSpace()
            guard parseScalar(key: key, into: &event) else { return false }
            skipSpace()
            guard p < end else { return false }
            if p.pointee == UInt8(ascii: ",") { p += 1; continue }
            if p.pointee == UInt8(ascii: "}") { p += 1; return true }
            return false
        }
    }

    private mutating func parseScalar(key: String, into event: inout MetricEvent) -> Bool {
        guard p < end else { return false }
        switch p.pointee {
        case UInt8(ascii: "\""):
            guard let s = parseString() else { return false }
            if let d = JSONValue.string(s).doubleValue { event.numbers.append((key, d)) } else { event.others.append((key, .string(s))) }
        case UInt8(ascii: "t"): guard matchWord("true") else { return false }; event.numbers.append((key, 1))
        case UInt8(ascii: "f"): guard matchWord("false") else { return false }; event.numbers.append((key, 0))
        case UInt8(ascii: "n"): guard matchWord("null") else { return false }; event.others.append((key, .null))
        default:
            guard let d = parseNumber() else { return false }
            event.numbers.append((key, d))
        }
        return true
    }

    private mutating func matchWord(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard end - p >= n, memcmp(p, word.utf8Start, n) == 0 else { return false }
        p += n
        return true
    }

    /// A string without escapes or control characters (others fall back).
    private mutating func parseString() -> String? {
        guard p < end, p.pointee == UInt8(ascii: "\"") else { return nil }
        let start = p + 1
        var q = start
        while q < end {
            let c = q.pointee
            if c == UInt8(ascii: "\"") {
                let s = String(validating: UnsafeBufferPointer(start: start, count: q - start), as: UTF8.self)
                p = q + 1
                return s
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            q += 1
        }
        return nil
    }

    private mutating func parseNumber() -> Double? {
        if matchWord("NaN") { return .nan }
        if matchWord("Infinity") { return .infinity }
        if matchWord("-Infinity") { return -.infinity }
        var q = p
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &buffer) { raw -> Double? in
            var n = 0
            while q < end, n < 63 {
                let c = q.pointee
                let ok = (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
                    || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
                guard ok else { break }
                raw[n] = c; n += 1; q += 1
            }
            guard n > 0, n < 63 else { return nil }
            raw[n] = 0
            let cstr = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            var endPtr: UnsafeMutablePointer<CChar>?
            let d = strtod(cstr, &endPtr)
            guard let endPtr, endPtr - cstr == n else { return nil }
            p = q
            return d
        }
    }
}
