import Foundation
import RigorBasics

/// How much a violation matters: errors make `rigor metrics validate` exit 1; warnings do not.
public enum ViolationSeverity: String, Sendable, Codable {
    case error, warning
}

/// Every kind of violation the validator reports, with its stable kebab-case code.
/// docs/metrics-schema.md lists each one; codes are never renamed.
public enum ViolationCode: String, Sendable, Codable, CaseIterable {
    case invalidJSON = "invalid-json"
    case truncatedJSON = "truncated-json"
    case nonStandardJSONToken = "non-standard-json-token"
    case duplicateKey = "duplicate-key"
    case missingTopLevelKey = "missing-top-level-key"
    case extraTopLevelKey = "extra-top-level-key"
    case missingKey = "missing-key"
    case extraKey = "extra-key"
    case wrongType = "wrong-type"
    case negativeValue = "negative-value"
    case invalidTimestamp = "invalid-timestamp"
    case abortReasonMissing = "abort-reason-missing"
    case abortReasonWithoutAbort = "abort-reason-without-abort"
    case specMetricMissing = "spec-metric-missing"
    case metricNotInSpec = "metric-not-in-spec"
    case gpuHoursOverBudget = "gpu-hours-over-budget"
    case wallClockOverBudget = "wall-clock-over-budget"
    case runsOverBudget = "runs-over-budget"
    case seedsOverBudget = "seeds-over-budget"
    case interpretiveLanguage = "interpretive-language"
    case configMissing = "config-missing"
    case configInvalid = "config-invalid"
    case frozenSpecDiffers = "frozen-spec-differs"
    case criterionPreTicked = "criterion-pre-ticked"

    /// The severity every violation with this code has.
    public var severity: ViolationSeverity {
        switch self {
        case .metricNotInSpec: return .warning
        default: return .error
        }
    }

    /// True when metrics.schema.json expresses the same rule, so that the Swift validator and a
    /// JSON Schema validator must agree on it (JSON syntax counts: a schema validator cannot read
    /// invalid JSON, nor Python's bare NaN tokens when parsing strictly).
    public var isSchemaLevel: Bool {
        switch self {
        case .invalidJSON, .truncatedJSON, .nonStandardJSONToken, .missingTopLevelKey, .extraTopLevelKey,
             .missingKey, .extraKey, .wrongType, .negativeValue, .invalidTimestamp,
             .abortReasonMissing, .abortReasonWithoutAbort:
            return true
        default:
            return false
        }
    }
}

/// One finding, located as precisely as the input allows.
public struct MetricsViolation: Sendable, Equatable, Codable {
    public var code: ViolationCode
    public var severity: ViolationSeverity
    public var message: String
    /// The file the position refers to (the metrics file, the spec, the config path …).
    public var file: String
    /// JSON pointer (RFC 6901) in the metrics file; for a missing key, the parent's pointer.
    public var pointer: String?
    public var line: Int?
    /// Column in UTF-8 bytes, 1-based.
    public var column: Int?
    /// The spec line the violation concerns (metric definition, budget line, criterion).
    public var specLine: Int?

    public init(code: ViolationCode, message: String, file: String, pointer: String? = nil,
                position: TextPosition? = nil, specLine: Int? = nil) {
        self.code = code
        self.severity = code.severity
        self.message = message
        self.file = file
        self.pointer = pointer
        self.line = position?.line
        self.column = position?.column
        self.specLine = specLine
    }

    /// `FILE:LINE:COL: CODE: message (pointer)`; warnings say so before the message.
    public var textLine: String {
        var s = file
        if let line { s += ":\(line)"; if let column { s += ":\(column)" } }
        s += ": \(code.rawValue): "
        if severity == .warning { s += "warning: " }
        s += message
        if let pointer { s += " (\(pointer.isEmpty ? "document root" : pointer))" }
        return s
    }
}
