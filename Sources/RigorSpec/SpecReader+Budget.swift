import Foundation
import RigorBasics

extension SpecReader {
    /// Tier and the four limits, from lines like `- Max GPU-hours: **8**`, `**Tier:** Quick`,
    /// `- Max seeds per configuration: N/A (…)`, `- Time: < 2 hours wall clock`.
    mutating func readBudget(_ block: Block) -> ResourceBudget {
        var budget = ResourceBudget(tier: nil, maxGPUHours: nil, maxWallClockSeconds: nil, maxTrainingRuns: nil,
                                    maxSeedsPerConfiguration: nil, line: block.heading.line, text: section(block).text)
        // Limits may be stated anywhere in the section (also after the compute profile, and under
        // sub-headings such as "### Other Limits"); only the compute profile's own lines are skipped.
        var skipped: Range<Int> = 0..<0
        if let profile = outline.headings.first(where: {
            $0.index > block.heading.index && $0.index < block.bodyEnd && kind(of: $0) == .computeProfile
        }) {
            let end = outline.headings.first(where: { $0.index > profile.index && $0.level <= profile.level })?.index ?? block.bodyEnd
            skipped = profile.index..<min(end, block.bodyEnd)
        }
        for line in outline.slice(block.bodyStart, block.bodyEnd) where !line.inFence && !line.isFenceMarker {
            if skipped.contains(line.number - 1) { continue }
            var t = line.content.trimmedBlanks
            if let item = MarkdownText.listItem(t) { t = item.text }
            if MarkdownText.tableCells(t) != nil { continue }
            guard let colon = t.range(of: ":") else { continue }
            let label = MarkdownText.plain(String(t[..<colon.lowerBound])).lowercased()
            let raw = MarkdownText.plain(String(t[colon.upperBound...]))
            guard label.count <= 40 else { continue }
            if label == "tier" {
                readTier(raw, line: line.number, into: &budget)
            } else if label.contains("gpu") && label.contains("hour") {
                budget.maxGPUHours = set(budget.maxGPUHours, number(raw, line: line.number, field: "Max GPU-hours"), line.number)
            } else if label.contains("wall") || label == "time" || label == "max time" {
                budget.maxWallClockSeconds = set(budget.maxWallClockSeconds, duration(raw, line: line.number), line.number)
            } else if label.contains("seed") {
                budget.maxSeedsPerConfiguration = set(budget.maxSeedsPerConfiguration,
                                                      number(raw, line: line.number, field: "Max seeds per configuration"), line.number)
            } else if label.contains("run") && !label.contains("time") {
                budget.maxTrainingRuns = set(budget.maxTrainingRuns, number(raw, line: line.number, field: "Max training runs"), line.number)
            }
        }
        let missing = [
            budget.maxGPUHours == nil ? "max GPU-hours" : nil,
            budget.maxWallClockSeconds == nil ? "max wall-clock time" : nil,
            budget.maxTrainingRuns == nil ? "max training runs" : nil,
            budget.maxSeedsPerConfiguration == nil ? "max seeds per configuration" : nil,
        ].compactMap { $0 }
        if !missing.isEmpty && !isEmpty(block) {
            warning("budget-field-missing", block.heading.line,
                    "Resource Budget does not state \(missing.joined(separator: ", ")); those limits are not enforced")
        }
        return budget
    }

    mutating func set(_ old: BudgetLimit?, _ new: BudgetLimit?, _ line: Int) -> BudgetLimit? {
        guard let new else { return old }
        if let old {
            warning("budget-field-repeated", line, "budget field stated again (first on line \(old.line)); the first value is kept")
            return old
        }
        return new
    }

    mutating func readTier(_ raw: String, line: Int, into budget: inout ResourceBudget) {
        let word = raw.trimmedBlanks.lowercased()
        let first = word.split(whereSeparator: { !$0.isLetter }).first.map(String.init) ?? ""
        if let tier = ResourceBudget.Tier(rawValue: first), !word.contains("|") {
            budget.tier = tier
        } else if SpecReader.isPlaceholder(raw) || word.contains("|") {
            warning("budget-tier-placeholder", line, "Tier is not filled in ('\(raw)')")
        } else {
            budget.tierText = raw.trimmedBlanks
            warning("budget-tier", line, "Tier '\(raw)' is not one of Quick, Standard, Heavy; kept as written")
        }
    }

    static func isNotApplicable(_ raw: String) -> Bool {
        let w = raw.trimmedBlanks.lowercased()
        return w.hasPrefix("n/a") || w.hasPrefix("na ") || w == "na" || w.hasPrefix("none") || w.hasPrefix("not applicable")
    }

    mutating func number(_ raw: String, line: Int, field: String) -> BudgetLimit? {
        if SpecReader.isNotApplicable(raw) { return BudgetLimit(value: nil, notApplicable: true, raw: raw, line: line) }
        if SpecReader.isPlaceholder(raw) { return nil }
        let cleaned = raw.replacingOccurrences(of: ",", with: "")
        guard let r = cleaned.range(of: #"[0-9]+(\.[0-9]+)?"#, options: .regularExpression), let v = Double(cleaned[r]) else {
            warning("budget-value", line, "\(field) '\(raw)' is not a number or N/A; kept as written, not enforced")
            return nil
        }
        return BudgetLimit(value: v, notApplicable: false, raw: raw, line: line)
    }

    mutating func duration(_ raw: String, line: Int) -> BudgetLimit? {
        if SpecReader.isNotApplicable(raw) { return BudgetLimit(value: nil, notApplicable: true, raw: raw, line: line) }
        if SpecReader.isPlaceholder(raw) { return nil }
        guard let seconds = DurationText.seconds(in: raw) else {
            warning("budget-duration", line, "Max wall-clock time '\(raw)' has no unit (write e.g. '2 hours', '30 minutes'); not enforced")
            return nil
        }
        return BudgetLimit(value: seconds, notApplicable: false, raw: raw, line: line)
    }
}
