import Foundation

/// A parsed research-kit experiment spec: the RUN phase's contract.
public struct ExperimentSpec: Sendable, Codable, Equatable {
    /// Path the spec was read from.
    public var path: String
    /// SHA-256 of the spec's bytes, lower-case hex.
    public var sha256: String
    /// Experiment id from the file name (`exp-005-null-calibration`), or from the title.
    public var experimentID: String
    public var title: String?
    public var hypothesis: SpecSection?
    public var independentVariables: SpecSection?
    public var controls: SpecSection?
    public var metrics: [SpecMetric]
    public var baselines: SpecBaselines?
    public var successCriteria: [SuccessCriterion]
    public var minimumViableExperiment: SpecSection?
    public var fullProtocol: [ProtocolStep]
    public var resourceBudget: ResourceBudget?
    public var computeProfile: ComputeProfile?
    public var abortCriteria: [AbortCriterion]
    public var confounds: SpecSection?
    /// Sections Rigor does not interpret, kept verbatim.
    public var otherSections: [SpecSection]
    public var diagnostics: [SpecDiagnostic]

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public func metrics(of kind: MetricKind) -> [SpecMetric] { metrics.filter { $0.kind == kind } }
}

/// A section of the spec as written: heading, the line it starts on, its body text.
public struct SpecSection: Sendable, Codable, Equatable {
    public var heading: String
    public var line: Int
    public var text: String
}

public enum MetricKind: String, Sendable, Codable, CaseIterable {
    case primary, secondary, sanity
}

/// A metric the spec requires to be reported.
public struct SpecMetric: Sendable, Codable, Equatable {
    /// The name as written (markdown emphasis removed), e.g. `ȳ_long`, `Brier score (BSS)`.
    public var name: String
    /// Normalised key used to match metrics.json keys, e.g. `ybar_long`, `brier_score`.
    public var key: String
    public var kind: MetricKind
    /// What the spec says about it after the name (purpose, expected value …).
    public var detail: String
    public var line: Int
}

/// The spec's Baselines section: text, and every (label, value) it states with a number.
public struct SpecBaselines: Sendable, Codable, Equatable {
    public var section: SpecSection
    public var values: [BaselineValue]
}

/// A number the spec states for a baseline, with its tolerance when one is given.
public struct BaselineValue: Sendable, Codable, Equatable {
    /// What the number is (row label and column, or the text before it).
    public var label: String
    public var value: Double
    /// Absolute tolerance (`±15`, `within 3pp`), when stated.
    public var tolerance: Double?
    /// True when the value was written as a percentage (`40.5%`): value is in percent units.
    public var isPercent: Bool
    public var line: Int
}

/// One pre-committed success criterion (a checkbox item, or a bullet where specs use bullets).
public struct SuccessCriterion: Sendable, Codable, Equatable {
    public var id: String?
    public var text: String
    /// True when the checkbox was already ticked (`- [x]`) in the spec.
    public var checked: Bool
    public var isCheckbox: Bool
    public var line: Int
}

/// A step of the full protocol (numbered item or phase heading).
public struct ProtocolStep: Sendable, Codable, Equatable {
    public var title: String
    public var text: String
    public var line: Int
}

/// The Resource Budget section. Absent fields were not stated; `notApplicable` ones said N/A.
public struct ResourceBudget: Sendable, Codable, Equatable {
    public enum Tier: String, Sendable, Codable { case quick, standard, heavy }
    public var tier: Tier?
    /// The tier as written when it is not one of Quick, Standard, Heavy (`Medium`, `Cloud GPU
    /// MANDATORY`): kept verbatim, with a warning.
    public var tierText: String? = nil
    public var maxGPUHours: BudgetLimit?
    public var maxWallClockSeconds: BudgetLimit?
    public var maxTrainingRuns: BudgetLimit?
    public var maxSeedsPerConfiguration: BudgetLimit?
    public var line: Int
    public var text: String
}

/// One budget field: a number, or N/A, with the line it came from and the text as written.
public struct BudgetLimit: Sendable, Codable, Equatable {
    public var value: Double?
    public var notApplicable: Bool
    public var raw: String
    public var line: Int
}

/// The compute profile: the fenced YAML block research-kit's preflight reads, or the
/// key/value lines of a `Compute Target` section.
public struct ComputeProfile: Sendable, Codable, Equatable {
    public enum Source: String, Sendable, Codable { case yamlBlock = "yaml-block", computeTarget = "compute-target" }
    public var source: Source
    /// Every key with its value as text, in the order written.
    public var fields: [ComputeField]
    public var line: Int

    public func value(_ key: String) -> String? { fields.first { $0.key == key }?.value }
    public var computeType: String? { value("compute_type") }
    public var target: String? { value("compute") }
    public var estimatedWallHours: Double? { value("estimated_wall_hours").flatMap(Double.init) }
    public var memoryGB: Double? { value("memory_gb").flatMap(Double.init) }
    public var gpuType: String? { value("gpu_type") }
    public var parallelizable: Bool? { value("parallelizable").map { $0.lowercased() == "true" } }
}

public struct ComputeField: Sendable, Codable, Equatable {
    public var key: String
    public var value: String
}

/// One abort criterion as written, with its line.
public struct AbortCriterion: Sendable, Codable, Equatable {
    public var text: String
    public var line: Int
}

/// A finding about the spec: an error makes the spec unusable for RUN; a warning does not.
public struct SpecDiagnostic: Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable { case error, warning }
    public var severity: Severity
    public var code: String
    public var path: String
    public var line: Int
    public var message: String

    public var description: String { "\(path):\(line): \(severity.rawValue): \(message) [\(code)]" }
}
