import Foundation

extension SpecReader {
    /// Numbers the Baselines section states: numeric table cells (labelled row / column) and
    /// `label = number` / `label: number` list items. Prose numbers are left in the text.
    func readBaselines(_ block: Block) -> SpecBaselines {
        var values: [BaselineValue] = []
        let lines = Array(contentLines(block))
        var header: [String] = []
        for (i, line) in lines.enumerated() where !line.inFence && !line.isFenceMarker {
            let tolerance = SpecReader.tolerance(in: line.content)
            if let cells = MarkdownText.tableCells(line.content) {
                if cells.isEmpty { continue }
                if i + 1 < lines.count, MarkdownText.tableCells(lines[i + 1].content) == [] {
                    header = cells.map(MarkdownText.plain)
                    continue
                }
                let row = MarkdownText.plain(cells[0])
                for (c, cell) in cells.enumerated().dropFirst() {
                    guard let numbers = SpecReader.numericCell(cell) else { continue }
                    let column = c < header.count ? header[c] : "column \(c + 1)"
                    for n in numbers {
                        let label = [row, column, n.qualifier].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " / ")
                        values.append(BaselineValue(label: label, value: n.value, tolerance: tolerance,
                                                    isPercent: n.percent, line: line.number))
                    }
                }
                continue
            }
            header = []
            guard let item = MarkdownText.listItem(line.content) else { continue }
            let text = MarkdownText.plain(item.text)
            guard let m = Patterns.firstMatch(Patterns.baselineItem, in: text),
                  let labelRange = Range(m.range(at: 1), in: text), let numberRange = Range(m.range(at: 2), in: text),
                  let value = Double(text[numberRange].replacingOccurrences(of: "−", with: "-")) else { continue }
            let unit = Range(m.range(at: 3), in: text).map { String(text[$0]) }
            values.append(BaselineValue(label: String(text[labelRange]).trimmedBlanks, value: value,
                                        tolerance: tolerance, isPercent: unit == "%", line: line.number))
        }
        return SpecBaselines(section: section(block), values: values)
    }

    /// `±15`, `± 3pp`, `+/- 2` → 15, 3, 2.
    static func tolerance(in text: String) -> Double? {
        guard TextScan.contains(text, "±") || TextScan.contains(text, "+/-") || TextScan.contains(text, "+-"),
              let m = Patterns.firstMatch(Patterns.tolerance, in: text),
              let range = Range(m.range(at: 1), in: text) else { return nil }
        return Double(text[range])
    }

    /// A cell that holds only numbers: `-36.7`, `40.5%`, `34.5% (shuffle), 35.0% (chrono)`.
    static func numericCell(_ cell: String) -> [(value: Double, percent: Bool, qualifier: String?)]? {
        let text = MarkdownText.plain(cell).replacingOccurrences(of: "−", with: "-")
        guard !text.isEmpty else { return nil }
        var out: [(Double, Bool, String?)] = []
        let regex = Patterns.numericPiece
        for part in text.split(separator: ",") {
            let s = String(part)
            guard let m = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)),
                  let nr = Range(m.range(at: 1), in: s), let v = Double(s[nr]) else { return nil }
            let unit = Range(m.range(at: 2), in: s).map { String(s[$0]) }
            let q = Range(m.range(at: 3), in: s).map { String(s[$0]) }
            out.append((v, unit == "%", q))
        }
        return out.isEmpty ? nil : out
    }
}
