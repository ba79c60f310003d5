import RigorBasics
import RigorSupervisor

/// The values a run reported: its final metrics first, else the last logged value of the key.
public enum EventValues {
    public static func value(_ event: String, in record: RunRecord) -> JSONValue? {
        record.finalMetrics[event] ?? record.lastValues[event]
    }
}

/// The result of one check on one run's value.
public struct CheckOutcome: Sendable, Equatable {
    public var check: String
    public var runID: String
    public var passed: Bool
    public var measured: JSONValue?
    /// `loss = 0.31 (max 2)`: the fact, for notes and abort reasons.
    public var text: String
}

/// Evaluates plan checks against run records.
public enum CheckEvaluator {
    public static func evaluate(_ check: ValueCheck, record: RunRecord) -> CheckOutcome {
        let value = EventValues.value(check.event, in: record)
        var conditions: [String] = []
        var passed = value != nil
        let number = value?.doubleValue
        if let min = check.min {
            conditions.append("min \(JSONValue.format(number: min))")
            if !(number.map { $0 >= min } ?? false) { passed = false }
        }
        if let max = check.max {
            conditions.append("max \(JSONValue.format(number: max))")
            if !(number.map { $0 <= max } ?? false) { passed = false }
        }
        if check.finite {
            conditions.append("finite")
            if !(number.map { $0.isFinite } ?? false) { passed = false }
        }
        if let equals = check.equals {
            switch equals {
            case .number(let n): conditions.append("equals \(JSONValue.format(number: n))"); if number != n { passed = false }
            case .bool(let b): conditions.append("equals \(b)"); if value?.boolValue != b { passed = false }
            case .string(let s): conditions.append("equals \"\(s)\""); if value?.stringValue != s { passed = false }
            }
        }
        let shown = value.map { $0.serialized(pretty: false) } ?? "no value reported"
        let text = "\(check.event) = \(shown) (\(conditions.joined(separator: ", "))) in run \(record.runID)"
        return CheckOutcome(check: check.name, runID: record.runID, passed: passed, measured: value, text: text)
    }
}
