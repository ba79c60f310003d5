import Foundation

extension SpecReader {
    /// Checkbox items (`- [ ]`, `- [x]`); where a spec uses plain bullets, the bullets before
    /// the first bold pseudo-heading (`**Verdict mapping:**`) or the next heading.
    func readCriteria(_ block: Block) -> [SuccessCriterion] {
        var boxes: [SuccessCriterion] = []
        var bullets: [SuccessCriterion] = []
        var bulletsOpen = true
        for line in contentLines(block) where !line.inFence && !line.isFenceMarker {
            let t = line.content.trimmedBlanks
            if MarkdownOutline.heading(t) != nil { bulletsOpen = false; continue }
            guard let item = MarkdownText.listItem(line.content) else {
                if t.hasPrefix("**") && !bullets.isEmpty { bulletsOpen = false }
                continue
            }
            guard item.indent < 2, !SpecReader.isPlaceholder(item.text) else { continue }
            let box = item.text.prefix(3).lowercased()
            if box == "[ ]" || box == "[x]" {
                let text = String(item.text.dropFirst(3)).trimmedBlanks
                boxes.append(SuccessCriterion(id: SpecReader.criterionID(text), text: MarkdownText.plain(text),
                                              checked: box == "[x]", isCheckbox: true, line: line.number))
            } else if bulletsOpen {
                bullets.append(SuccessCriterion(id: SpecReader.criterionID(item.text), text: MarkdownText.plain(item.text),
                                                checked: false, isCheckbox: false, line: line.number))
            }
        }
        return boxes.isEmpty ? bullets : boxes
    }

    /// `**SC-1:** …` → `SC-1`; `**C1 — Long marginal:** …` → `C1`.
    static func criterionID(_ text: String) -> String? {
        let plain = MarkdownText.plain(text)
        guard let r = plain.range(of: #"^[A-Za-z]{1,4}-?[0-9]{1,3}\b"#, options: .regularExpression) else { return nil }
        return String(plain[r])
    }

    /// Phase subsections when the protocol has them, else its numbered items.
    func readProtocol(_ block: Block) -> [ProtocolStep] {
        let subs = outline.headings.filter { $0.index > block.heading.index && $0.index < block.bodyEnd }
        if !subs.isEmpty {
            return subs.enumerated().map { i, h in
                let end = i + 1 < subs.count ? subs[i + 1].index : block.bodyEnd
                let text = outline.slice(h.index + 1, end).map { $0.inFence || $0.isFenceMarker ? $0.raw : $0.content }
                    .joined(separator: "\n").trimmedLines
                return ProtocolStep(title: MarkdownText.plain(h.title), text: text, line: h.line)
            }
        }
        var steps: [ProtocolStep] = []
        for line in contentLines(block) where !line.inFence && !line.isFenceMarker {
            guard let item = MarkdownText.listItem(line.content), item.indent < 2, item.ordered else {
                if !steps.isEmpty, !line.content.trimmedBlanks.isEmpty {
                    steps[steps.count - 1].text += "\n" + line.content
                }
                continue
            }
            if SpecReader.isPlaceholder(item.text) { continue }
            let (name, _) = MarkdownText.nameAndDetail(item.text)
            steps.append(ProtocolStep(title: name, text: item.text, line: line.number))
        }
        return steps
    }

    /// Each top-level list item; where the section has no list, each paragraph.
    func readAbortCriteria(_ block: Block) -> [AbortCriterion] {
        var items: [AbortCriterion] = []
        var paragraphs: [AbortCriterion] = []
        var current: AbortCriterion?
        let lines = Array(contentLines(block))
        for (i, line) in lines.enumerated() where !line.inFence && !line.isFenceMarker {
            let t = line.content.trimmedBlanks
            if let cells = MarkdownText.tableCells(t) {
                let isHeader = i + 1 < lines.count && MarkdownText.tableCells(lines[i + 1].content) == []
                if !cells.isEmpty, !isHeader {
                    let text = cells.map(MarkdownText.plain).filter { !$0.isEmpty }.joined(separator: " — ")
                    items.append(AbortCriterion(text: text, line: line.number))
                }
                continue
            }
            if let item = MarkdownText.listItem(line.content), item.indent < 2 {
                if !SpecReader.isPlaceholder(item.text) {
                    items.append(AbortCriterion(text: MarkdownText.plain(item.text), line: line.number))
                }
                continue
            }
            if t.isEmpty || MarkdownOutline.heading(t) != nil {
                if let c = current { paragraphs.append(c); current = nil }
            } else if current == nil {
                current = AbortCriterion(text: MarkdownText.plain(t), line: line.number)
            } else {
                current?.text += " " + MarkdownText.plain(t)
            }
        }
        if let c = current { paragraphs.append(c) }
        return items.isEmpty ? paragraphs : items
    }
}
