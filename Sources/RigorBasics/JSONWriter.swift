import Foundation

extension JSONValue {
    /// Standard JSON text. Non-finite numbers become the strings "NaN", "Infinity", "-Infinity".
    public func serialized(pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, indent: pretty ? 0 : nil)
        if pretty { out += "\n" }
        return out
    }

    private func write(into out: inout String, indent: Int?) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += JSONValue.format(number: d)
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                JSONValue.newline(&out, indent.map { $0 + 1 })
                item.write(into: &out, indent: indent.map { $0 + 1 })
            }
            JSONValue.newline(&out, indent)
            out += "]"
        case .object(let obj):
            if obj.isEmpty { out += "{}"; return }
            out += "{"
            for (i, entry) in obj.entries.enumerated() {
                if i > 0 { out += "," }
                JSONValue.newline(&out, indent.map { $0 + 1 })
                JSONValue.writeString(entry.key, into: &out)
                out += indent == nil ? ":" : ": "
                entry.value.write(into: &out, indent: indent.map { $0 + 1 })
            }
            JSONValue.newline(&out, indent)
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ indent: Int?) {
        guard let indent else { return }
        out += "\n" + String(repeating: "  ", count: indent)
    }

    /// A number as JSON text: integers without a fraction, others with full round-trip precision.
    public static func format(number d: Double) -> String {
        if d.isNaN { return "\"NaN\"" }
        if d.isInfinite { return d > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    /// A JSON string: the text between escapes is appended in runs, not scalar by scalar.
    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        let utf8 = s.utf8
        var runStart = utf8.startIndex
        var i = runStart
        while i != utf8.endIndex {
            let b = utf8[i]
            if b == 0x22 || b == 0x5C || b < 0x20 {
                if runStart != i { out += Substring(s.utf8[runStart..<i]) }
                switch b {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                default: out += String(format: "\\u%04x", UInt32(b))
                }
                runStart = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        if runStart != utf8.endIndex { out += Substring(s.utf8[runStart..<utf8.endIndex]) }
        out += "\""
    }
}

extension JSONValue {
    /// Converts an Encodable value into a JSONValue (via JSONEncoder, then Rigor's reader).
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let encoder = JSONEncoder()
        // Sorted keys: Foundation's keyed containers have no stable order on Linux.
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data = try encoder.encode(value)
        return try JSONReader.parse(data).value
    }
}

extension JSONValue {
    /// The value with every object's keys in sorted order, recursively: two values that differ
    /// only in key order are equal after this.
    public var canonical: JSONValue {
        switch self {
        case .object(let o): return .object(JSONObject(o.sorted { $0.key < $1.key }.map { ($0.key, $0.value.canonical) }))
        case .array(let a): return .array(a.map(\.canonical))
        default: return self
        }
    }
}
