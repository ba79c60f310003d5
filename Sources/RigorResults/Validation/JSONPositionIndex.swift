import Foundation
import RigorBasics

/// Where each value of a JSON text starts, by JSON pointer (line, UTF-8 column, byte offset).
///
/// Built by a lenient scan of text that `JSONReader` has already accepted; on any surprise it
/// stops and keeps what it has, so it can never fail or loop. For a key that appears twice,
/// the last occurrence wins (as in the parsed value).
struct JSONPositionIndex: Sendable {
    struct Entry: Sendable {
        /// Where the value starts.
        var value: TextPosition
        /// Byte offset of the value's first byte.
        var offset: Int
        /// Where the member's key starts (nil for array elements and the root).
        var key: TextPosition?
    }

    private(set) var entries: [String: Entry] = [:]

    init(bytes: [UInt8]) {
        var scanner = Scanner(bytes: bytes)
        scanner.skipBOM()
        scanner.value(pointer: "", key: nil, depth: 0, into: &entries)
    }

    /// Position of the key of a member (or its value when it has no key), if known.
    func keyPosition(_ pointer: String) -> TextPosition? { entries[pointer].map { $0.key ?? $0.value } }

    /// Position where the value at a pointer starts, if known.
    func valuePosition(_ pointer: String) -> TextPosition? { entries[pointer]?.value }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var lineStart = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var position: TextPosition { TextPosition(line: line, column: index - lineStart + 1) }

        mutating func skipBOM() { if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3; lineStart = 3 } }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0D: index += 1
                case 0x0A: index += 1; line += 1; lineStart = index
                default: return
                }
            }
        }

        /// Scans one value; returns false when the text does not look like JSON here.
        @discardableResult
        mutating func value(pointer: String, key: TextPosition?, depth: Int, into map: inout [String: Entry]) -> Bool {
            skipWhitespace()
            guard index < bytes.count, depth < 600 else { return false }
            map[pointer] = Entry(value: position, offset: index, key: key)
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return true }
                while index < bytes.count {
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return false }
                    let keyAt = position
                    guard let name = string() else { return false }
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                    index += 1
                    let child = pointer + "/" + JSONReader.escapePointer(name)
                    guard value(pointer: child, key: keyAt, depth: depth + 1, into: &map) else { return false }
                    skipWhitespace()
                    guard index < bytes.count else { return false }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return true }
                    return false
                }
                return false
            case UInt8(ascii: "["):
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return true }
                var i = 0
                while index < bytes.count {
                    guard value(pointer: pointer + "/\(i)", key: nil, depth: depth + 1, into: &map) else { return false }
                    i += 1
                    skipWhitespace()
                    guard index < bytes.count else { return false }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return true }
                    return false
                }
                return false
            case UInt8(ascii: "\""):
                return string() != nil
            default:
                // number, literal, or a bare NaN / Infinity / -Infinity token
                let start = index
                while index < bytes.count, !Scanner.delimiters.contains(bytes[index]) { index += 1 }
                return index > start
            }
        }

        static let delimiters: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")]

        /// Reads a string token starting at its opening quote; nil when it does not end.
        mutating func string() -> String? {
            guard let (text, end) = JSONStringToken.decode(bytes, at: index) else { return nil }
            index = end
            return text.text
        }
    }
}

/// A JSON string token decoded with, for each decoded Unicode scalar, the byte offset it came from.
struct JSONStringToken {
    var text: String
    /// Byte offset (in the file) of each decoded scalar, in order.
    var scalarOffsets: [Int]

    /// Decodes the string token whose opening quote is at `start`; returns it and the offset after it.
    static func decode(_ bytes: [UInt8], at start: Int) -> (JSONStringToken, Int)? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        var i = start + 1
        var scalars = String.UnicodeScalarView()
        var offsets: [Int] = []
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                return (JSONStringToken(text: String(scalars), scalarOffsets: offsets), i + 1)
            }
            if b == 0x0A { return nil }
            if b == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count else { return nil }
                let e = bytes[i + 1]
                var scalar: Unicode.Scalar
                var length = 2
                switch e {
                case UInt8(ascii: "n"): scalar = "\n"
                case UInt8(ascii: "t"): scalar = "\t"
                case UInt8(ascii: "r"): scalar = "\r"
                case UInt8(ascii: "b"): scalar = "\u{08}"
                case UInt8(ascii: "f"): scalar = "\u{0C}"
                case UInt8(ascii: "u"):
                    guard i + 6 <= bytes.count, let code = UInt32(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16) else { return nil }
                    length = 6
                    var value = code
                    if (0xD800...0xDBFF).contains(code), i + 12 <= bytes.count, bytes[i + 6] == UInt8(ascii: "\\"),
                       bytes[i + 7] == UInt8(ascii: "u"),
                       let low = UInt32(String(decoding: bytes[(i + 8)..<(i + 12)], as: UTF8.self), radix: 16),
                       (0xDC00...0xDFFF).contains(low) {
                        value = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        length = 12
                    }
                    scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
                default: scalar = Unicode.Scalar(e)
                }
                scalars.append(scalar)
                offsets.append(i)
                i += length
                continue
            }
            // One UTF-8 encoded scalar.
            let length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
            let end = min(i + length, bytes.count)
            if let s = String(validating: bytes[i..<end], as: UTF8.self), let first = s.unicodeScalars.first {
                scalars.append(first)
            } else {
                scalars.append("\u{FFFD}")
            }
            offsets.append(i)
            i = end
        }
        return nil
    }
}
