import Foundation

/// A position in a text file, 1-based.
public struct TextPosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public var description: String { "line \(line), column \(column)" }
}

/// A token Python's `json.dump` writes but standard JSON forbids (`NaN`, `Infinity`, `-Infinity`).
public struct NonStandardToken: Sendable, Equatable {
    public var token: String
    public var position: TextPosition
    /// JSON pointer of the value the token stands for.
    public var pointer: String
}

/// Why a JSON text could not be read.
public struct JSONReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case truncated, syntax, encoding, tooDeep }
    public var kind: Kind
    public var message: String
    public var position: TextPosition
    public var description: String { "\(position): \(message)" }
}

/// Result of reading JSON: the value plus every non-standard token met on the way.
public struct JSONDocument: Sendable {
    public var value: JSONValue
    public var nonStandardTokens: [NonStandardToken]
    /// Keys that appear more than once in one object (the last one wins), as JSON pointers.
    public var duplicateKeys: [String]
}

/// A strict JSON reader that also accepts Python's bare NaN/Infinity and reports positions.
public struct JSONReader {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var tokens: [NonStandardToken] = []
    private var duplicates: [String] = []
    private static let maxDepth = 512

    private init(bytes: [UInt8]) { self.bytes = bytes }

    public static func parse(_ data: Data) throws(JSONReadError) -> JSONDocument {
        try parse(bytes: [UInt8](data))
    }

    public static func parse(_ text: String) throws(JSONReadError) -> JSONDocument {
        try parse(bytes: Array(text.utf8))
    }

    public static func parse(bytes: [UInt8]) throws(JSONReadError) -> JSONDocument {
        var reader = JSONReader(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3 }
        reader.skipWhitespace()
        if reader.index >= bytes.count {
            throw JSONReadError(kind: .truncated, message: "the file holds no JSON value (empty)", position: reader.position)
        }
        let value = try reader.readValue(pointer: "", depth: 0)
        reader.skipWhitespace()
        if reader.index < bytes.count {
            throw reader.error(.syntax, "unexpected text after the end of the JSON value")
        }
        return JSONDocument(value: value, nonStandardTokens: reader.tokens, duplicateKeys: reader.duplicates)
    }

    private var position: TextPosition { TextPosition(line: line, column: index - lineStart + 1) }

    private func error(_ kind: JSONReadError.Kind, _ message: String) -> JSONReadError {
        JSONReadError(kind: kind, message: message, position: position)
    }

    private func endError(_ what: String) -> JSONReadError {
        error(.truncated, "the file ends in the middle of \(what) (truncated: cut off mid-write?)")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A: index += 1; line += 1; lineStart = index
            default: return
            }
        }
    }

    private mutating func readValue(pointer: String, depth: Int) throws(JSONReadError) -> JSONValue {
        guard depth < JSONReader.maxDepth else { throw error(.tooDeep, "nesting deeper than \(JSONReader.maxDepth) levels") }
        skipWhitespace()
        guard index < bytes.count else { throw endError("a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject(pointer: pointer, depth: depth)
        case UInt8(ascii: "["): return try readArray(pointer: pointer, depth: depth)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "N"):
            let at = position
            try expectWord("NaN")
            tokens.append(NonStandardToken(token: "NaN", position: at, pointer: pointer))
            return .number(.nan)
        case UInt8(ascii: "I"):
            let at = position
            try expectWord("Infinity")
            tokens.append(NonStandardToken(token: "Infinity", position: at, pointer: pointer))
            return .number(.infinity)
        case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "I"):
            let at = position
            index += 1
            try expectWord("Infinity")
            tokens.append(NonStandardToken(token: "-Infinity", position: at, pointer: pointer))
            return .number(-.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try readNumber())
        default:
            throw error(.syntax, "unexpected character \(describe(bytes[index])) where a value should start")
        }
    }

    private func describe(_ b: UInt8) -> String {
        (0x21...0x7E).contains(b) ? "'\(Character(UnicodeScalar(b)))'" : String(format: "byte 0x%02X", b)
    }

    private mutating func expectWord(_ word: String) throws(JSONReadError) {
        for expected in word.utf8 {
            guard index < bytes.count else { throw endError("the literal '\(word)'") }
            guard bytes[index] == expected else { throw error(.syntax, "invalid literal (expected '\(word)')") }
            index += 1
        }
    }

    private mutating func readObject(pointer: String, depth: Int) throws(JSONReadError) -> JSONValue {
        index += 1
        var object = JSONObject()
        var seen = Set<String>()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw endError("an object") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw error(.syntax, "expected a quoted key, found \(describe(bytes[index]))")
            }
            let key = try readString()
            let child = pointer + "/" + JSONReader.escapePointer(key)
            if !seen.insert(key).inserted { duplicates.append(child) }
            skipWhitespace()
            guard index < bytes.count else { throw endError("an object") }
            guard bytes[index] == UInt8(ascii: ":") else { throw error(.syntax, "expected ':' after key \"\(key)\"") }
            index += 1
            object[key] = try readValue(pointer: child, depth: depth + 1)
            skipWhitespace()
            guard index < bytes.count else { throw endError("an object") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(object)
            default: throw error(.syntax, "expected ',' or '}' in an object, found \(describe(bytes[index]))")
            }
        }
    }

    private mutating func readArray(pointer: String, depth: Int) throws(JSONReadError) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            items.append(try readValue(pointer: pointer + "/\(items.count)", depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw endError("an array") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(items)
            default: throw error(.syntax, "expected ',' or ']' in an array, found \(describe(bytes[index]))")
            }
        }
    }

    private mutating func readString() throws(JSONReadError) -> String {
        index += 1
        var buffer: [UInt8] = []
        while true {
            guard index < bytes.count else { throw endError("a string") }
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                guard let s = String(validating: buffer, as: UTF8.self) else {
                    throw error(.encoding, "string is not valid UTF-8")
                }
                return s
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw endError("a string") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): buffer.append(0x22)
                case UInt8(ascii: "\\"): buffer.append(0x5C)
                case UInt8(ascii: "/"): buffer.append(0x2F)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try readHex4()
                    if (0xD800...0xDBFF).contains(code), index + 1 < bytes.count,
                       bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try readHex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                    }
                    let scalar = UnicodeScalar(code) ?? "\u{FFFD}"
                    buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw error(.syntax, "invalid escape '\\\(Character(UnicodeScalar(e)))' in a string")
                }
            case 0x0A:
                throw error(.syntax, "unescaped line break inside a string")
            case 0x00..<0x20:
                throw error(.syntax, "unescaped control character \(String(format: "0x%02X", b)) inside a string")
            default:
                buffer.append(b)
                index += 1
            }
        }
    }

    private mutating func readHex4() throws(JSONReadError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw endError("a \\u escape") }
            let b = bytes[index]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - 55)
            default: throw error(.syntax, "invalid \\u escape")
            }
            v = v * 16 + d
            index += 1
        }
        return v
    }

    private mutating func readNumber() throws(JSONReadError) -> Double {
        let start = index
        let startPos = position
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits(_ r: inout JSONReader) -> Int {
            let s = r.index
            while r.index < r.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(r.bytes[r.index]) { r.index += 1 }
            return r.index - s
        }
        if index >= bytes.count { throw endError("a number") }
        let intStart = index
        let intDigits = digits(&self)
        if intDigits == 0 { throw error(.syntax, "a number needs digits") }
        if intDigits > 1 && bytes[intStart] == UInt8(ascii: "0") {
            throw JSONReadError(kind: .syntax, message: "a number may not start with 0 followed by digits", position: startPos)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            if index >= bytes.count { throw endError("a number") }
            if digits(&self) == 0 { throw error(.syntax, "a number needs digits after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            if index >= bytes.count { throw endError("a number") }
            if digits(&self) == 0 { throw error(.syntax, "a number needs digits in its exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let d = Double(text) else {
            throw JSONReadError(kind: .syntax, message: "invalid number '\(text)'", position: startPos)
        }
        return d
    }

    /// Escapes a key for use in a JSON pointer (RFC 6901).
    public static func escapePointer(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
