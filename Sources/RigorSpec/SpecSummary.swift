import Foundation

/// The facts `rigor spec check` prints per spec: which sections were found, metric counts by
/// kind, the budget fields and the compute profile's source.
public struct SpecSummary: Sendable, Codable, Equatable {
    public var experimentID: String
    public var sectionsFound: [String]
    public var sectionsMissing: [String]
    public var primary: Int
    public var secondary: Int
    public var sanity: Int
    public var successCriteria: Int
    public var abortCriteria: Int
    public var tier: String?
    public var maxGPUHours: String
    public var maxWallClock: String
    public var maxTrainingRuns: String
    public var maxSeeds: String
    public var computeProfile: String
    public var errors: Int
    public var warnings: Int

    public init(_ spec: ExperimentSpec) {
        experimentID = spec.experimentID
        let present: [(String, Bool)] = [
            ("Hypothesis", spec.hypothesis != nil), ("Independent Variables", spec.independentVariables != nil),
            ("Controls", spec.controls != nil), ("Metrics", !spec.metrics.isEmpty),
            ("Baselines", spec.baselines != nil), ("Success Criteria", !spec.successCriteria.isEmpty),
            ("Minimum Viable Experiment", spec.minimumViableExperiment != nil), ("Full Protocol", !spec.fullProtocol.isEmpty),
            ("Resource Budget", spec.resourceBudget != nil), ("Compute Profile", spec.computeProfile != nil),
            ("Abort Criteria", !spec.abortCriteria.isEmpty), ("Confounds", spec.confounds != nil),
        ]
        sectionsFound = present.filter(\.1).map(\.0)
        sectionsMissing = present.filter { !$0.1 }.map(\.0)
        primary = spec.metrics(of: .primary).count
        secondary = spec.metrics(of: .secondary).count
        sanity = spec.metrics(of: .sanity).count
        successCriteria = spec.successCriteria.count
        abortCriteria = spec.abortCriteria.count
        tier = spec.resourceBudget?.tier?.rawValue
        func show(_ l: BudgetLimit?, duration: Bool = false) -> String {
            guard let l else { return "-" }
            if l.notApplicable { return "N/A" }
            guard let v = l.value else { return "-" }
            if duration { return DurationTextShim.format(v) }
            return v == v.rounded() ? String(Int(v)) : String(v)
        }
        maxGPUHours = show(spec.resourceBudget?.maxGPUHours)
        maxWallClock = show(spec.resourceBudget?.maxWallClockSeconds, duration: true)
        maxTrainingRuns = show(spec.resourceBudget?.maxTrainingRuns)
        maxSeeds = show(spec.resourceBudget?.maxSeedsPerConfiguration)
        if let c = spec.computeProfile {
            computeProfile = c.source == .yamlBlock ? "yaml(\(c.computeType ?? "?"))" : "target(\(c.target ?? c.fields.first?.value ?? "?"))"
        } else {
            computeProfile = "none"
        }
        errors = spec.diagnostics.filter { $0.severity == .error }.count
        warnings = spec.diagnostics.filter { $0.severity == .warning }.count
    }
}

enum DurationTextShim {
    static func format(_ seconds: Double) -> String {
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        return "\(Int(seconds))s"
    }
}
