import Foundation

/// Small, allocation-light string helpers for the parser's hot paths (Foundation's bridged
/// string operations cost more than the whole rest of a parse).
enum TextScan {
    /// The string without leading and trailing spaces and tabs.
    static func trimmed(_ s: String) -> String {
        let u = s.utf8
        guard let first = u.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let last = u.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        if first == u.startIndex && last == u.index(before: u.endIndex) { return s }
        return String(s[first...last])
    }

    /// True when `needle` occurs in `s` (byte-wise).
    static func contains(_ s: String, _ needle: String) -> Bool {
        let h = Array(s.utf8), n = Array(needle.utf8)
        guard !n.isEmpty, h.count >= n.count else { return n.isEmpty }
        outer: for i in 0...(h.count - n.count) where h[i] == n[0] {
            for j in 1..<n.count where h[i + j] != n[j] { continue outer }
            return true
        }
        return false
    }

    /// The first non-blank byte of a line, if any.
    static func firstNonBlank(_ s: String) -> UInt8? { s.utf8.first { $0 != 0x20 && $0 != 0x09 } }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (byte-wise; cheaper than Foundation's trimming).
    var trimmedBlanks: String { TextScan.trimmed(String(self)) }

    /// Without leading and trailing spaces, tabs, CR and LF.
    var trimmedLines: String {
        let u = Array(utf8)
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        guard let first = u.firstIndex(where: { !blank($0) }), let last = u.lastIndex(where: { !blank($0) }) else { return "" }
        return String(decoding: u[first...last], as: UTF8.self)
    }
}

/// Compiled regular expressions, built once (NSRegularExpression is immutable and thread-safe).
enum Patterns {
    nonisolated(unsafe) static let headingNumbering = try! NSRegularExpression(pattern: #"^\s*(section\s+)?([0-9]+|[ivx]+)[.):]\s*"#)
    nonisolated(unsafe) static let headingTail = try! NSRegularExpression(pattern: #"\s*[:—–-].*$"#)
    nonisolated(unsafe) static let baselineItem = try! NSRegularExpression(
        pattern: #"^(.{1,60}?)\s*[:=]\s*([-−+]?[0-9]+(?:\.[0-9]+)?)\s*(%|pp)?(?=\s*(?:$|[,;(]))"#)
    nonisolated(unsafe) static let tolerance = try! NSRegularExpression(pattern: #"(?:±|\+/-|\+-)\s*([0-9]+(?:\.[0-9]+)?)"#)
    nonisolated(unsafe) static let numericPiece = try! NSRegularExpression(
        pattern: #"^\s*([-+]?[0-9]+(?:\.[0-9]+)?)\s*(%|pp)?\s*(?:(?:±|\+/-)\s*[0-9]+(?:\.[0-9]+)?\s*(?:%|pp)?)?\s*(?:\(([^)]*)\))?\s*$"#)

    /// The range of the first match in `s`, as a String range.
    static func firstMatch(_ regex: NSRegularExpression, in s: String) -> NSTextCheckingResult? {
        regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s))
    }
}
