import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One metric event as the Python helper writes it:
/// `{"t": 1732…, "kind": "log"|"final", "step": 5, "values": {"loss": 0.3, …}}`.
/// Other emitters may write flat objects: keys other than t/kind/step are values then.
/// Keys are ids of the run's `MetricKeyTable`. The sender's time `t` is checked, not kept
/// (events.jsonl keeps the line as sent).
struct MetricEvent {
    enum Kind { case log, final }
    var kind: Kind = .log
    var step: Double?
    /// Numeric values (booleans as 1/0), in the order written.
    var numbers: [(key: Int, value: Double)] = []
    /// Non-numeric values (strings, null, arrays, objects), kept for the record.
    var others: [(key: Int, value: JSONValue)] = []

    mutating func reset() {
        kind = .log; step = nil
        numbers.removeAll(keepingCapacity: true); others.removeAll(keepingCapacity: true)
    }
}

/// Formatting shared by reasons and progress lines.
enum EventValues {
    static func format(_ d: Double) -> String { NumberText.short(d) }
}

/// Parses one event line. A fast scanner handles the flat shapes the helper writes
/// (scalars, one nested `values` object, keys and strings without escapes): keys are
/// looked up by their bytes, numbers are converted without a copy where exact (Clinger's
/// fast path), and the sender's time is only checked. Anything else goes through
/// `JSONReader`. Returns an error message for lines that are not an event.
struct EventLineParser {
    private var p: UnsafePointer<UInt8>
    private let end: UnsafePointer<UInt8>

    static func parse(_ line: UnsafeBufferPointer<UInt8>, keys: inout MetricKeyTable, into event: inout MetricEvent) -> String? {
        if parseFast(line, keys: &keys, into: &event) { return nil }
        event.reset()
        guard line.count > 0 else { return "empty line" }
        return slowParse(line, keys: &keys, into: &event)
    }

    /// The fast path alone: false when the line needs the full JSON reader (or is not an event).
    static func parseFast(_ line: UnsafeBufferPointer<UInt8>, keys: inout MetricKeyTable, into event: inout MetricEvent) -> Bool {
        event.reset()
        guard let base = line.baseAddress, line.count > 0 else { return false }
        var scanner = EventLineParser(p: base, end: base + line.count)
        return scanner.parseTop(keys: &keys, into: &event)
    }

    private static func slowParse(_ line: UnsafeBufferPointer<UInt8>, keys: inout MetricKeyTable, into event: inout MetricEvent) -> String? {
        let doc: JSONDocument
        do { doc = try JSONReader.parse(bytes: Array(line)) } catch { return "not JSON: \(error.description)" }
        guard case .object(let object) = doc.value else { return "not a JSON object (an event is {\"kind\":…, \"step\":…, \"values\":{…}})" }
        func take(_ name: String, _ value: JSONValue) {
            let key = keys.id(name)
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
            case "t": continue
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

    private enum TopKey { case values, t, step, kind, other(Int) }

    @inline(__always)
    private mutating func skipSpace() {
        while p < end, p.pointee == 0x20 || p.pointee == 0x09 || p.pointee == 0x0D { p += 1 }
    }

    private mutating func parseTop(keys: inout MetricKeyTable, into event: inout MetricEvent) -> Bool {
        skipSpace()
        guard p < end, p.pointee == UInt8(ascii: "{") else { return false }
        p += 1
        skipSpace()
        if p < end, p.pointee == UInt8(ascii: "}") { p += 1; skipSpace(); return p == end }
        while true {
            skipSpace()
            // The four reserved keys are matched on bytes.
            let key: TopKey
            if matchWord("\"values\"") { key = .values }
            else if matchWord("\"t\"") { key = .t }
            else if matchWord("\"step\"") { key = .step }
            else if matchWord("\"kind\"") { key = .kind }
            else { guard let k = parseKey(&keys) else { return false }; key = .other(k) }
            skipSpace()
            guard p < end, p.pointee == UInt8(ascii: ":") else { return false }
            p += 1
            skipSpace()
            guard p < end else { return false }
            switch key {
            case .values:
                guard parseValues(keys: &keys, into: &event) else { return false }
            case .kind:
                if matchWord("\"log\"") { event.kind = .log } else if matchWord("\"final\"") { event.kind = .final } else { return false }
            case .t:
                guard skipNumber() else { return false }
            case .step:
                if matchWord("null") { break }
                guard let d = parseNumber() else { return false }
                event.step = d
            case .other(let k):
                guard parseScalar(key: k, into: &event) else { return false }
            }
            skipSpace()
            guard p < end else { return false }
            if p.pointee == UInt8(ascii: ",") { p += 1; continue }
            if p.pointee == UInt8(ascii: "}") { p += 1; skipSpace(); return p == end }
            return false
        }
    }

    private mutating func parseValues(keys: inout MetricKeyTable, into event: inout MetricEvent) -> Bool {
        guard p < end, p.pointee == UInt8(ascii: "{") else { return false }
        p += 1
        skipSpace()
        if p < end, p.pointee == UInt8(ascii: "}") { p += 1; return true }
        while true {
            skipSpace()
            guard let key = parseKey(&keys) else { return false }
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

    private mutating func parseScalar(key: Int, into event: inout MetricEvent) -> Bool {
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

    @inline(__always)
    private mutating func matchWord(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard end - p >= n, memcmp(p, word.utf8Start, n) == 0 else { return false }
        p += n
        return true
    }

    /// The bytes of a string without escapes or control characters (others fall back).
    private mutating func stringBytes() -> UnsafeRawBufferPointer? {
        guard p < end, p.pointee == UInt8(ascii: "\"") else { return nil }
        let start = p + 1
        var q = start
        while q < end {
            let c = q.pointee
            if c == UInt8(ascii: "\"") {
                p = q + 1
                return UnsafeRawBufferPointer(start: start, count: q - start)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
            q += 1
        }
        return nil
    }

    private mutating func parseKey(_ keys: inout MetricKeyTable) -> Int? {
        guard let bytes = stringBytes() else { return nil }
        return keys.id(bytes)
    }

    private mutating func parseString() -> String? {
        guard let bytes = stringBytes() else { return nil }
        return String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self)
    }

    private static let exactPowersOfTen: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { r, _ in r * 10 } }

    /// Scans a JSON number (or NaN/Infinity/-Infinity) without converting it.
    private mutating func skipNumber() -> Bool {
        if matchWord("NaN") || matchWord("Infinity") || matchWord("-Infinity") { return true }
        guard let n = scanNumber() else { return false }
        p = n.end
        return true
    }

    /// A JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. Returns the
    /// token's end, its first 19 significant digits as an integer, their count (capped at
    /// 20 meaning "more"), and the decimal exponent to apply to that integer.
    @inline(__always)
    private func scanNumber() -> (end: UnsafePointer<UInt8>, negative: Bool, mantissa: UInt64, significant: Int, exponent: Int)? {
        var q = p
        var negative = false
        if q < end, q.pointee == UInt8(ascii: "-") { negative = true; q += 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        @inline(__always) func digit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
        guard q < end, digit(q.pointee) else { return nil }
        if q.pointee == 0x30 {
            q += 1
        } else {
            while q < end, digit(q.pointee) {
                if significant < 19 { mantissa = mantissa &* 10 &+ UInt64(q.pointee &- 0x30); significant += 1 }
                else { exponent += 1; significant = 20 }
                q += 1
            }
        }
        if q < end, q.pointee == UInt8(ascii: ".") {
            q += 1
            guard q < end, digit(q.pointee) else { return nil }
            while q < end, digit(q.pointee) {
                let d = q.pointee &- 0x30
                if significant == 0 && d == 0 {
                    exponent -= 1
                } else if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d); significant += 1; exponent -= 1
                } else {
                    significant = 20
                }
                q += 1
            }
        }
        if q < end, q.pointee | 0x20 == UInt8(ascii: "e") {
            q += 1
            var expNegative = false
            if q < end, q.pointee == UInt8(ascii: "-") || q.pointee == UInt8(ascii: "+") { expNegative = q.pointee == UInt8(ascii: "-"); q += 1 }
            guard q < end, digit(q.pointee) else { return nil }
            var e = 0
            while q < end, digit(q.pointee) {
                if e < 100_000 { e = e * 10 + Int(q.pointee &- 0x30) }
                q += 1
            }
            exponent += expNegative ? -e : e
        }
        return (q, negative, mantissa, significant, exponent)
    }

    private mutating func parseNumber() -> Double? {
        guard p < end else { return nil }
        switch p.pointee {
        case UInt8(ascii: "N"): return matchWord("NaN") ? .nan : nil
        case UInt8(ascii: "I"): return matchWord("Infinity") ? .infinity : nil
        case UInt8(ascii: "-") where end - p > 1 && p[1] == UInt8(ascii: "I"): return matchWord("-Infinity") ? -.infinity : nil
        default: break
        }
        guard let n = scanNumber() else { return nil }
        // Exact when the digits fit in 53 bits and the power of ten is exact (Clinger).
        if n.significant <= 19, n.mantissa <= 1 << 53, n.exponent >= -22, n.exponent <= 22 {
            var d = Double(n.mantissa)
            if n.exponent < 0 { d /= EventLineParser.exactPowersOfTen[-n.exponent] } else { d *= EventLineParser.exactPowersOfTen[n.exponent] }
            p = n.end
            return n.negative ? -d : d
        }
        return strtodToken(until: n.end)
    }

    /// Converts the token [p, tokenEnd) with strtod (long mantissas, large exponents).
    private mutating func strtodToken(until tokenEnd: UnsafePointer<UInt8>) -> Double? {
        let n = tokenEnd - p
        guard n > 0, n < 512 else { return nil }
        var buffer = [CChar](repeating: 0, count: n + 1)
        let d: Double? = buffer.withUnsafeMutableBufferPointer { b in
            let base = b.baseAddress!
            memcpy(base, p, n)
            var endPtr: UnsafeMutablePointer<CChar>?
            let d = strtod(base, &endPtr)
            guard let endPtr, endPtr - base == n else { return nil }
            return d
        }
        if d != nil { p = tokenEnd }
        return d
    }
}
