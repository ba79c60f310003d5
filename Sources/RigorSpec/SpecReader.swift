import Foundation
import RigorBasics

/// One pass over a spec's outline that fills an `ExperimentSpec` and its diagnostics.
struct SpecReader {
    let outline: MarkdownOutline
    let path: String
    var diagnostics: [SpecDiagnostic] = []

    /// Each heading's normalised text (`SectionKind.normalisedHeading`), by line index: computed once.
    let headingKeys: [Int: String]

    init(outline: MarkdownOutline, path: String) {
        self.outline = outline
        self.path = path
        var keys: [Int: String] = [:]
        for h in outline.headings { keys[h.index] = SectionKind.normalisedHeading(h.title) }
        headingKeys = keys
    }

    func key(of h: MarkdownOutline.Heading) -> String { headingKeys[h.index] ?? SectionKind.normalisedHeading(h.title) }
    func kind(of h: MarkdownOutline.Heading) -> SectionKind? { SectionKind.recognise(normalised: key(of: h)) }

    /// A top-level section: heading and the range of line indices of its body (subsections included).
    struct Block {
        var heading: MarkdownOutline.Heading
        var bodyStart: Int
        var bodyEnd: Int
        var kind: SectionKind?
    }

    mutating func error(_ code: String, _ line: Int, _ message: String) {
        diagnostics.append(SpecDiagnostic(severity: .error, code: code, path: path, line: line, message: message))
    }

    mutating func warning(_ code: String, _ line: Int, _ message: String) {
        diagnostics.append(SpecDiagnostic(severity: .warning, code: code, path: path, line: line, message: message))
    }

    mutating func read() -> ExperimentSpec {
        let title = outline.headings.first(where: { $0.level == 1 }).map { MarkdownText.plain($0.title) }
        let topLevel = outline.headings.contains(where: { $0.level == 2 }) ? 2 : 1
        let tops = outline.headings.filter { $0.level == topLevel && !(topLevel == 1 && $0.index == outline.headings.first?.index) }
        var blocks: [Block] = []
        for (i, h) in tops.enumerated() {
            let end = i + 1 < tops.count ? tops[i + 1].index : outline.lines.count
            blocks.append(Block(heading: h, bodyStart: h.index + 1, bodyEnd: end, kind: kind(of: h)))
        }
        if outline.headings.isEmpty {
            error("no-sections", 1, "no markdown headings found; a spec is organised in '## Section' headings")
        }

        var byKind: [SectionKind: Block] = [:]
        var others: [SpecSection] = []
        for b in blocks {
            guard let kind = b.kind else { others.append(section(b)); continue }
            if let first = byKind[kind] {
                warning("duplicate-section", b.heading.line,
                        "section '\(b.heading.title)' repeats '\(first.heading.title)' (line \(first.heading.line)); the first is used, this one is kept as written")
                others.append(section(b))
                continue
            }
            byKind[kind] = b
        }
        // Subsections that stand for a top-level kind (e.g. "### Compute Profile" under Resource Budget).
        var subsections: [SectionKind: Block] = [:]
        for b in blocks {
            for h in outline.headings where h.index > b.heading.index && h.index < b.bodyEnd && h.level > b.heading.level {
                guard let kind = kind(of: h), kind != b.kind, subsections[kind] == nil else { continue }
                let end = outline.headings.first(where: { $0.index > h.index && $0.level <= h.level })?.index ?? b.bodyEnd
                subsections[kind] = Block(heading: h, bodyStart: h.index + 1, bodyEnd: min(end, b.bodyEnd), kind: kind)
            }
        }

        var spec = ExperimentSpec(
            path: path, sha256: "", experimentID: "", title: title,
            hypothesis: nil, independentVariables: nil, controls: nil, metrics: [], baselines: nil,
            successCriteria: [], minimumViableExperiment: nil, fullProtocol: [], resourceBudget: nil,
            computeProfile: nil, abortCriteria: [], confounds: nil, otherSections: others, diagnostics: [])

        spec.hypothesis = byKind[.hypothesis].map { section($0) }
        spec.independentVariables = byKind[.independentVariables].map { section($0) }
        spec.controls = byKind[.controls].map { section($0) }
        spec.minimumViableExperiment = byKind[.mve].map { section($0) }
        spec.confounds = byKind[.confounds].map { section($0) }

        if let m = byKind[.metrics] {
            spec.metrics = readMetrics(m)
        } else if let evaluation = evaluationFallback(blocks) {
            warning("metrics-from-evaluation", evaluation.heading.line,
                    "no Metrics section; metrics taken from '\(evaluation.heading.title)' without a primary/secondary/sanity split (all counted as primary)")
            spec.metrics = readMetricItems(evaluation, kind: .primary)
            if spec.metrics.isEmpty { error("no-metrics", evaluation.heading.line, "'\(evaluation.heading.title)' lists no metrics") }
        }
        disambiguateMetricKeys(&spec.metrics)

        spec.baselines = byKind[.baselines].map { readBaselines($0) }
        if let s = byKind[.successCriteria] { spec.successCriteria = readCriteria(s) }
        if let p = byKind[.fullProtocol] { spec.fullProtocol = readProtocol(p) }
        if let r = byKind[.resourceBudget] { spec.resourceBudget = readBudget(r) }
        spec.computeProfile = readComputeProfile(blocks: blocks, byKind: byKind, subsections: subsections)
        if let a = byKind[.abortCriteria] { spec.abortCriteria = readAbortCriteria(a) }

        for kind in SectionKind.mandatory where byKind[kind] == nil {
            if kind == .metrics && !spec.metrics.isEmpty { continue }
            error("missing-section", 1, "required section '## \(kind.displayName)' is missing")
        }
        for kind in SectionKind.mandatory {
            guard let b = byKind[kind], isEmpty(b) else { continue }
            warning("empty-section", b.heading.line, "section '\(b.heading.title)' holds only template guidance (comments/placeholders)")
        }
        spec.diagnostics = diagnostics.sorted { ($0.line, $0.severity.rawValue) < ($1.line, $1.severity.rawValue) }
        return spec
    }

    // MARK: - Sections

    func contentLines(_ b: Block) -> ArraySlice<MarkdownOutline.Line> { outline.slice(b.bodyStart, b.bodyEnd) }

    func section(_ b: Block) -> SpecSection {
        let text = contentLines(b).map { $0.inFence || $0.isFenceMarker ? $0.raw : $0.content }
            .joined(separator: "\n").trimmedLines
        return SpecSection(heading: b.heading.title, line: b.heading.line, text: text)
    }

    /// True when the body holds nothing but comments, blank lines and `_placeholder_` text.
    func isEmpty(_ b: Block) -> Bool {
        contentLines(b).allSatisfy { line in
            let t = line.content.trimmedBlanks
            if t.isEmpty || MarkdownOutline.heading(t) != nil { return true }
            return SpecReader.isPlaceholder(t)
        }
    }

    /// Template placeholders like `- [ ] _Criterion 1: …_` or `**Tier:** _Quick | Standard | Heavy_`.
    static func isPlaceholder(_ text: String) -> Bool {
        // Placeholders end in `_` (or are `...`/empty); anything else is content: decide cheaply first.
        let last = text.utf8.last { $0 != 0x20 && $0 != 0x09 }
        guard last == nil || last == UInt8(ascii: "_") || last == UInt8(ascii: ".") else { return false }
        var t = text
        if let item = MarkdownText.listItem(t) { t = item.text }
        if t.hasPrefix("[ ]") || t.hasPrefix("[x]") { t = TextScan.trimmed(String(t.dropFirst(3))) }
        if t.hasPrefix("**"), let close = t.dropFirst(2).range(of: "**") { t = TextScan.trimmed(String(t[close.upperBound...])) }
        if let colon = t.firstIndex(of: ":"), t.distance(from: t.startIndex, to: colon) <= 40,
           !t[..<colon].contains("_") { t = TextScan.trimmed(String(t[t.index(after: colon)...])) }
        return t.hasPrefix("_") && t.hasSuffix("_") || t == "..." || t.isEmpty
    }

    func evaluationFallback(_ blocks: [Block]) -> Block? {
        for h in outline.headings {
            let key = key(of: h)
            guard key == "evaluation" || key == "evaluation metrics" || key == "metrics" else { continue }
            let parentEnd = blocks.first(where: { $0.heading.index <= h.index && h.index < $0.bodyEnd })?.bodyEnd ?? outline.lines.count
            let end = outline.headings.first(where: { $0.index > h.index && $0.level <= h.level })?.index ?? parentEnd
            return Block(heading: h, bodyStart: h.index + 1, bodyEnd: min(end, parentEnd), kind: .metrics)
        }
        return nil
    }
}
