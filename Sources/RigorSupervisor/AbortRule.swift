import Foundation

/// A parsed abort rule (docs/abort-rules.md): a condition, optionally held for N
/// consecutive evaluations (`for N steps`) and only checked past a step (`after step K`).
public struct AbortRule: Sendable, Equatable, CustomStringConvertible {
    /// The rule as written.
    public var source: String
    var condition: AbortExpression
    /// Consecutive evaluations the condition must hold (1 when no `for`).
    public var holdFor: Int
    /// The rule is only evaluated when the latest step is greater than this.
    public var afterStep: Double?

    public var description: String { source }

    /// Metric names the rule reads (empty for rules about wall time / GPU-hours / step only).
    public var metrics: Set<String> { condition.metrics }

    /// Whether the rule reads every logged value (`any(isnan)`, `any(isinf)`).
    public var readsEveryValue: Bool { condition.readsEveryValue }

    /// Parses one rule; errors carry the column.
    public static func parse(_ text: String) throws(AbortRuleError) -> AbortRule {
        var parser = AbortRuleParser(text)
        return try parser.parseRule()
    }
}

/// Comparison operators of the rule language.
enum ComparisonOperator: String, Sendable, Equatable {
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="

    func apply(_ a: Double, _ b: Double) -> Bool {
        switch self {
        case .less: return a < b
        case .lessEqual: return a <= b
        case .greater: return a > b
        case .greaterEqual: return a >= b
        case .equal: return a == b
        case .notEqual: return a != b
        }
    }
}

/// Numeric terms: literals, metrics (latest value), and the run's meters.
indirect enum AbortTerm: Sendable, Equatable {
    case number(Double)
    case metric(String)
    case wall
    case gpuHours
    case step
    case negate(AbortTerm)

    var metrics: Set<String> {
        switch self {
        case .metric(let m): return [m]
        case .negate(let t): return t.metrics
        default: return []
        }
    }
}

/// Boolean expressions of the rule language.
indirect enum AbortExpression: Sendable, Equatable {
    case compare(AbortTerm, ComparisonOperator, AbortTerm)
    case isNaN(AbortTerm)
    case isInf(AbortTerm)
    /// `any(isnan)` / `any(isinf)`: some logged value (its latest) is NaN / ±Inf.
    case anyNaN, anyInf
    /// `no_improvement(metric, n[, min|max])`; `slot` indexes the evaluator's tracker.
    case noImprovement(metric: String, count: Int, maximize: Bool, slot: Int)
    case and(AbortExpression, AbortExpression)
    case or(AbortExpression, AbortExpression)
    case not(AbortExpression)

    var metrics: Set<String> {
        switch self {
        case .compare(let a, _, let b): return a.metrics.union(b.metrics)
        case .isNaN(let t), .isInf(let t): return t.metrics
        case .noImprovement(let m, _, _, _): return [m]
        case .and(let a, let b), .or(let a, let b): return a.metrics.union(b.metrics)
        case .not(let e): return e.metrics
        case .anyNaN, .anyInf: return []
        }
    }

    var readsEveryValue: Bool {
        switch self {
        case .anyNaN, .anyInf: return true
        case .and(let a, let b), .or(let a, let b): return a.readsEveryValue || b.readsEveryValue
        case .not(let e): return e.readsEveryValue
        default: return false
        }
    }

    var trackers: [(metric: String, count: Int, maximize: Bool, slot: Int)] {
        switch self {
        case .noImprovement(let m, let n, let max, let s): return [(m, n, max, s)]
        case .and(let a, let b), .or(let a, let b): return a.trackers + b.trackers
        case .not(let e): return e.trackers
        default: return []
        }
    }
}
