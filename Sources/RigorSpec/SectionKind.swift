import Foundation

/// The sections research-kit's spec template defines, and the headings real specs use for them.
enum SectionKind: String, Sendable, CaseIterable {
    case hypothesis, independentVariables, controls, metrics, baselines, successCriteria
    case mve, fullProtocol, resourceBudget, computeProfile, abortCriteria, confounds

    /// Sections whose absence makes a spec unusable for RUN.
    static let mandatory: [SectionKind] = [.hypothesis, .metrics, .successCriteria, .resourceBudget, .abortCriteria]

    var displayName: String {
        switch self {
        case .hypothesis: return "Hypothesis"
        case .independentVariables: return "Independent Variables"
        case .controls: return "Controls"
        case .metrics: return "Metrics"
        case .baselines: return "Baselines"
        case .successCriteria: return "Success Criteria"
        case .mve: return "Minimum Viable Experiment"
        case .fullProtocol: return "Full Protocol"
        case .resourceBudget: return "Resource Budget"
        case .computeProfile: return "Compute Profile"
        case .abortCriteria: return "Abort Criteria"
        case .confounds: return "Confounds to Watch For"
        }
    }

    /// Recognises a heading: numbering (`3.`, `Phase 2:`) and suffixes (`(ALL must be reported)`,
    /// `(immutable once RUN begins)`) are ignored, case is ignored.
    static func recognise(_ heading: String) -> SectionKind? {
        recognise(normalised: normalisedHeading(heading))
    }

    /// Same, for a heading already passed through `normalisedHeading`.
    static func recognise(normalised key: String) -> SectionKind? {
        let table: [(SectionKind, [String])] = [
            (.hypothesis, ["hypothesis", "hypotheses"]),
            (.independentVariables, ["independent variables", "independent variable", "variables"]),
            (.controls, ["controls", "controlled variables", "control variables"]),
            (.metrics, ["metrics", "evaluation metrics", "metrics to report"]),
            (.baselines, ["baselines", "baseline"]),
            (.successCriteria, ["success criteria", "success criterion"]),
            (.mve, ["minimum viable experiment", "mve", "minimum viable experiment mve"]),
            // Only the Full Protocol itself: "## Protocol", "## CV Protocol", "## Training Protocol"
            // and the like are sections of their own, kept as written.
            (.fullProtocol, ["full protocol", "full experimental protocol"]),
            (.resourceBudget, ["resource budget", "budget", "resources"]),
            (.computeProfile, ["compute profile", "compute target", "compute"]),
            (.abortCriteria, ["abort criteria", "abort conditions", "abort"]),
            (.confounds, ["confounds to watch for", "confounds", "threats to validity"]),
        ]
        for (kind, names) in table where names.contains(key) { return kind }
        return nil
    }

    static func normalisedHeading(_ heading: String) -> String {
        var h = MarkdownText.plain(heading).lowercased()
        h = MetricKey.dropParentheticals(h)
        // Leading numbering: "3.", "3)", "iv.", "section 3:".
        if let m = Patterns.firstMatch(Patterns.headingNumbering, in: h), let r = Range(m.range, in: h) { h.removeSubrange(r) }
        if let m = Patterns.firstMatch(Patterns.headingTail, in: h), let r = Range(m.range, in: h) { h.removeSubrange(r) }
        return h.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
    }
}
