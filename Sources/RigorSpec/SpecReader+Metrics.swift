import Foundation

extension SpecReader {
    static func metricKind(_ heading: String) -> MetricKind? {
        metricKind(normalised: SectionKind.normalisedHeading(heading))
    }

    static func metricKind(normalised h: String) -> MetricKind? {
        if h.hasPrefix("primary") { return .primary }
        if h.hasPrefix("secondary") { return .secondary }
        if h.hasPrefix("sanity") || h.hasPrefix("guardrail") { return .sanity }
        return nil
    }

    mutating func readMetrics(_ block: Block) -> [SpecMetric] {
        let subs = outline.headings.filter { $0.index > block.heading.index && $0.index < block.bodyEnd }
        var metrics: [SpecMetric] = []
        var anyKind = false
        for (i, h) in subs.enumerated() {
            guard let kind = SpecReader.metricKind(normalised: key(of: h)) else { continue }
            anyKind = true
            let end = i + 1 < subs.count ? subs[i + 1].index : block.bodyEnd
            metrics += readMetricItems(Block(heading: h, bodyStart: h.index + 1, bodyEnd: end, kind: .metrics), kind: kind)
        }
        if !anyKind {
            metrics = readPseudoHeadedMetrics(block)
            if metrics.isEmpty {
                metrics = readMetricItems(block, kind: .primary)
                if !metrics.isEmpty {
                    warning("metrics-unsplit", block.heading.line,
                            "Metrics has no Primary/Secondary/Sanity Checks subsections; all \(metrics.count) metrics counted as primary")
                }
            }
        }
        let primary = metrics.filter { $0.kind == .primary }
        if primary.count > 2 && anyKind {
            warning("too-many-primary", primary[2].line, "\(primary.count) primary metrics; research-kit allows at most 2")
        }
        if metrics.isEmpty && !isEmpty(block) {
            error("no-metrics", block.heading.line, "Metrics section lists no metric (expected list items or table rows under Primary/Secondary/Sanity Checks)")
        }
        return metrics
    }

    /// Metrics grouped under bold pseudo-headings (`**Primary:**`) instead of `###` headings.
    func readPseudoHeadedMetrics(_ block: Block) -> [SpecMetric] {
        var kind: MetricKind?
        var out: [SpecMetric] = []
        var start = block.bodyStart
        for line in contentLines(block) {
            let t = line.content.trimmedBlanks
            if t.hasPrefix("**"), MarkdownText.listItem(t) == nil, let k = SpecReader.metricKind(MarkdownText.plain(t)) {
                if let kind { out += metricItems(from: start, to: line.number - 1, kind: kind) }
                kind = k
                start = line.number
            }
        }
        if let kind { out += metricItems(from: start, to: block.bodyEnd, kind: kind) }
        return out
    }

    func readMetricItems(_ block: Block, kind: MetricKind) -> [SpecMetric] {
        metricItems(from: block.bodyStart, to: block.bodyEnd, kind: kind)
    }

    /// List items (top level only) and table rows (first cell) between two line indices.
    func metricItems(from start: Int, to end: Int, kind: MetricKind) -> [SpecMetric] {
        var out: [SpecMetric] = []
        let lines = Array(outline.slice(start, end))
        var i = 0
        while i < lines.count {
            let line = lines[i]
            defer { i += 1 }
            if line.inFence || line.isFenceMarker { continue }
            if let cells = MarkdownText.tableCells(line.content) {
                if cells.isEmpty { continue }
                if i + 1 < lines.count, MarkdownText.tableCells(lines[i + 1].content) == [] { continue } // header row
                let name = MarkdownText.plain(cells[0])
                guard !name.isEmpty, !SpecReader.isPlaceholder(name) else { continue }
                out.append(SpecMetric(name: name, key: MetricKey.normalize(name), kind: kind,
                                      detail: cells.dropFirst().joined(separator: " | "), line: line.number))
                continue
            }
            guard let item = MarkdownText.listItem(line.content), item.indent < 2 else { continue }
            if SpecReader.isPlaceholder(item.text) { continue }
            let (name, detail) = MarkdownText.nameAndDetail(item.text)
            let key = MetricKey.normalize(name)
            guard !key.isEmpty else { continue }
            out.append(SpecMetric(name: MarkdownText.plain(name), key: key, kind: kind, detail: detail, line: line.number))
        }
        return out
    }

    /// Two metrics whose keys collide once parentheticals are dropped keep their parentheticals
    /// (`Mean val return (no exec cost eval)` → `mean_val_return_no_exec_cost_eval`).
    mutating func disambiguateMetricKeys(_ metrics: inout [SpecMetric]) {
        var groups: [String: [Int]] = [:]
        for (i, m) in metrics.enumerated() { groups[m.key, default: []].append(i) }
        for (key, indices) in groups where indices.count > 1 {
            for i in indices { metrics[i].key = MetricKey.normalize(metrics[i].name, keepParentheticals: true) }
            let keys = indices.map { metrics[$0].key }
            if Set(keys).count < keys.count {
                warning("duplicate-metric", metrics[indices[1]].line,
                        "metric '\(metrics[indices[1]].name)' has the same key '\(key)' as the one on line \(metrics[indices[0]].line)")
            }
        }
    }
}
