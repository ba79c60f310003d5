import Foundation

/// A markdown document as headings and lines, aware of fenced code blocks and HTML comments.
///
/// Only what Rigor needs: which lines are headings (outside code fences), and which lines
/// are content (comments blanked out, so template guidance is never read as a value).
struct MarkdownOutline: Sendable {
    struct Line: Sendable {
        /// 1-based line number.
        var number: Int
        /// The line as written.
        var raw: String
        /// The line with HTML comments removed (empty when wholly inside a comment).
        var content: String
        var inFence: Bool
        var isFenceMarker: Bool
    }

    struct Heading: Sendable {
        var level: Int
        var title: String
        var line: Int
        /// Index into `lines`.
        var index: Int
    }

    var lines: [Line] = []
    var headings: [Heading] = []

    init(text: String) {
        var inFence = false
        var fenceMarker = ""
        var inComment = false
        let rawLines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        for (i, raw) in rawLines.enumerated() {
            var isMarker = false
            let lead = TextScan.firstNonBlank(raw)
            let trimmed = lead == UInt8(ascii: "`") || lead == UInt8(ascii: "~") ? TextScan.trimmed(raw) : ""
            if !inComment, trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                let marker = String(trimmed.prefix(3))
                if !inFence { inFence = true; fenceMarker = marker; isMarker = true }
                else if marker == fenceMarker { inFence = false; isMarker = true
                    lines.append(Line(number: i + 1, raw: raw, content: raw, inFence: false, isFenceMarker: true))
                    continue
                }
            }
            var content = raw
            if !inFence {
                (content, inComment) = MarkdownOutline.stripComments(raw, inComment: inComment)
            }
            lines.append(Line(number: i + 1, raw: raw, content: content, inFence: isMarker ? false : inFence,
                              isFenceMarker: isMarker))
            if !inFence, !isMarker, let h = MarkdownOutline.heading(content) {
                headings.append(Heading(level: h.level, title: h.title, line: i + 1, index: lines.count - 1))
            }
        }
    }

    /// `## Title` → (2, "Title"); nil for anything else.
    static func heading(_ line: String) -> (level: Int, title: String)? {
        guard line.hasPrefix("#") else { return nil }
        let hashes = line.prefix(while: { $0 == "#" }).count
        guard hashes <= 6 else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var title = rest.trimmedBlanks
        while title.hasSuffix("#") { title.removeLast() }
        return (hashes, title.trimmedBlanks)
    }

    static func stripComments(_ line: String, inComment: Bool) -> (String, Bool) {
        if !inComment && !TextScan.contains(line, "<!--") { return (line, false) }
        var out = ""
        var rest = Substring(line)
        var inside = inComment
        while !rest.isEmpty {
            if inside {
                guard let end = rest.range(of: "-->") else { return (out, true) }
                rest = rest[end.upperBound...]
                inside = false
            } else {
                guard let start = rest.range(of: "<!--") else { out += rest; break }
                out += rest[..<start.lowerBound]
                rest = rest[start.upperBound...]
                inside = true
            }
        }
        return (out, inside)
    }

    /// Content lines from `start` (inclusive) to `end` (exclusive) indices.
    func slice(_ start: Int, _ end: Int) -> ArraySlice<Line> { lines[max(0, start)..<min(end, lines.count)] }
}

/// Markdown text helpers shared by the section readers.
enum MarkdownText {
    /// Removes `**`, `__`, `*`, `_` emphasis and backticks around words, keeping the words.
    static func plain(_ s: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "`") { continue }
            if (b == UInt8(ascii: "*") || b == UInt8(ascii: "_")), it.first == b { it.removeFirst(); continue }
            bytes.append(b)
        }
        var t = String(decoding: bytes, as: UTF8.self)
        if t.hasPrefix("_") && t.hasSuffix("_") && t.utf8.count > 1 { t = String(t.dropFirst().dropLast()) }
        return TextScan.trimmed(t)
    }

    /// A list item: indentation, marker kind and the text after the marker; nil when not an item.
    static func listItem(_ line: String) -> (indent: Int, ordered: Bool, text: String)? {
        let indent = line.prefix(while: { $0 == " " || $0 == "\t" }).count
        let rest = line.dropFirst(indent)
        if let first = rest.first, first == "-" || first == "*" || first == "+" {
            let after = rest.dropFirst()
            guard after.first == " " else { return nil }
            return (indent, false, after.trimmedBlanks)
        }
        let digits = rest.prefix(while: { $0.isNumber })
        if !digits.isEmpty, digits.count <= 3 {
            let after = rest.dropFirst(digits.count)
            if let m = after.first, m == "." || m == ")", after.dropFirst().first == " " {
                return (indent, true, after.dropFirst().trimmedBlanks)
            }
        }
        return nil
    }

    /// Cells of a table row (`| a | b |`), nil when the line is not a row; separator rows give [].
    static func tableCells(_ line: String) -> [String]? {
        guard TextScan.firstNonBlank(line) == UInt8(ascii: "|") else { return nil }
        let t = TextScan.trimmed(line)
        var inner = t.dropFirst()
        if inner.hasSuffix("|") { inner = inner.dropLast() }
        let cells = inner.split(separator: "|", omittingEmptySubsequences: false).map { TextScan.trimmed(String($0)) }
        if cells.allSatisfy({ !$0.isEmpty && $0.allSatisfy { "-: ".contains($0) } }) { return [] }
        return cells
    }

    /// Splits a list item into a name and the detail after it: the leading bold span, or the
    /// text before ` — `, ` – `, ` - `, `: `, ` = `.
    static func nameAndDetail(_ item: String) -> (name: String, detail: String) {
        let s = item.trimmedBlanks
        if s.hasPrefix("**"), let close = s.dropFirst(2).range(of: "**") {
            var name = String(s[s.index(s.startIndex, offsetBy: 2)..<close.lowerBound])
            var detail = String(s[close.upperBound...]).trimmedBlanks
            if name.hasSuffix(":") { name.removeLast() }
            for sep in ["— ", "– ", "- ", ": ", ":"] where detail.hasPrefix(sep) {
                detail = String(detail.dropFirst(sep.count)); break
            }
            return (name.trimmedBlanks, detail.trimmedBlanks)
        }
        for sep in [" — ", " – ", " - ", ": ", " = "] {
            if let r = s.range(of: sep) {
                let name = String(s[..<r.lowerBound])
                if !name.isEmpty && name.count <= 80 {
                    return (plain(name), String(s[r.upperBound...]).trimmedBlanks)
                }
            }
        }
        return (plain(s), "")
    }
}
