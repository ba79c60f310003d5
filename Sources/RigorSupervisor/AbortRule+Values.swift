import Foundation

extension AbortRule {
    /// Evaluates the rule's condition once over a set of values: a run's final values (rules of
    /// final scope) or the experiment's totals (`wall`, `gpu_hours`). `for N …` and `after step`
    /// do not apply to one evaluation, and `no_improvement` needs a series, so it is false here.
    /// A metric that is absent makes its comparison false, as in a run.
    public func holds(values: [String: Double], wall: Double = 0, gpuHours: Double = 0, step: Double? = nil) -> Bool {
        func term(_ t: AbortTerm) -> Double? {
            switch t {
            case .number(let d): return d
            case .metric(let m): return values[m]
            case .wall: return wall
            case .gpuHours: return gpuHours
            case .step: return step
            case .negate(let inner): return term(inner).map { -$0 }
            }
        }
        func truth(_ e: AbortExpression) -> Bool {
            switch e {
            case .compare(let a, let op, let b):
                guard let x = term(a), let y = term(b) else { return false }
                return op.apply(x, y)
            case .isNaN(let t): return term(t)?.isNaN ?? false
            case .isInf(let t): return term(t)?.isInfinite ?? false
            case .anyNaN: return values.values.contains { $0.isNaN }
            case .anyInf: return values.values.contains { $0.isInfinite }
            case .noImprovement: return false
            case .and(let a, let b): return truth(a) && truth(b)
            case .or(let a, let b): return truth(a) || truth(b)
            case .not(let inner): return !truth(inner)
            }
        }
        return truth(condition)
    }
}
