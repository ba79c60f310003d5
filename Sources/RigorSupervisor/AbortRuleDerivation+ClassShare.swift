import Foundation
import RigorSpec

// The share of one label class ("labels are >95% one class" → skip that configuration;
// "Label distribution has any class < 15%"). Enforced only when the script logs that share
// as one value under a key that says which share it is and its scale
// (`majority_class_fraction`, `minority_class_pct`), mapped or named as a spec metric.

extension AbortRuleDerivation {
    enum ClassShare { case majority, minority }

    static let majorityWords: Set<String> = ["majority", "max", "largest", "dominant", "top"]
    static let minorityWords: Set<String> = ["minority", "min", "smallest", "rarest"]

    /// Whether the condition is about one class's share, and which share.
    static func classShare(_ reading: CriterionReading) -> (ClassShare, percent: Double, op: String)? {
        let lower = reading.condition.lowercased()
        guard lower.contains("class"),
              let m = lower.range(of: #"(-?\d+(?:\.\d+)?)\s*%"#, options: .regularExpression),
              let percent = Double(lower[m].dropLast().trimmingCharacters(in: .whitespaces)) else { return nil }
        let explicit = reading.comparisons.first { $0.percent }?.op
        if lower.range(of: #"\b(any|a|some|one) class\b.*(<|below|under|less)|\bminority\b"#, options: .regularExpression) != nil {
            return (.minority, percent, explicit ?? "<")
        }
        if lower.range(of: #"\b(one|single|a single|same|majority)( label)? class\b|\bmajority\b"#, options: .regularExpression) != nil {
            return (.majority, percent, explicit ?? ">=")
        }
        return nil
    }

    static func classShare(_ share: ClassShare, percent: Double, op: String, _ context: AbortDerivationContext) -> Derivation {
        let words = share == .majority ? majorityWords : minorityWords
        let name = share == .majority ? "majority_class_fraction" : "minority_class_fraction"
        let which = share == .majority ? "largest" : "smallest"
        let keys = context.metricKeys.map { ($0, $0) } + context.loggedKeys.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let found = keys.first { normalized, _ in
            let t = Set(MetricKey.tokens(normalized))
            return t.contains("class") && !t.isDisjoint(with: words) && percentFactor(for: normalized) != nil
        }
        guard let (normalized, key) = found, let factor = percentFactor(for: normalized) else {
            return .skip("needs the \(which) class's share as one logged value whose name states its scale: log `\(name)` (0–1) and map it")
        }
        guard isExpressible(key) else {
            return .skip("the logged key `\(key)` cannot be named in the rule language: log `\(name)` and map it")
        }
        return .rule("\(key) \(op) \(format(percent * factor))", .live,
                     "the \(which) class's share, logged as `\(key)`; checked as soon as the run logs it")
    }
}
