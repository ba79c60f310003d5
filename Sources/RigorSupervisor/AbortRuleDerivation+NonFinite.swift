import Foundation

// NaN or Inf: of the loss ("Loss diverges (NaN or inf)") → `isnan(loss) or isinf(loss)`; of any
// metric, value or prediction → `any(isnan)`; of a named quantity ("NaN or Inf in Brier
// scores") → that key, when it is a spec metric or a logged key. Live: checked on every event.

extension AbortRuleDerivation {
    static let anyValueWords: Set<String> = ["metric", "metrics", "value", "values", "prediction", "predictions", "output",
                                             "outputs", "gradient", "gradients"]

    static func mentionsNonFinite(_ words: Set<String>) -> (nan: Bool, inf: Bool) {
        (words.contains("nan"), words.contains("inf") || words.contains("infinity") || words.contains("infinite"))
    }

    static func nonFinite(_ reading: CriterionReading, _ context: AbortDerivationContext) -> Derivation {
        let w = Set(reading.conditionWords)
        let (nan, inf) = mentionsNonFinite(w)
        func tests(_ key: String) -> String {
            [nan ? "isnan(\(key))" : nil, inf ? "isinf(\(key))" : nil].compactMap { $0 }.joined(separator: " or ")
        }
        if w.contains("loss") || w.contains("diverges") || w.contains("diverge") {
            let key = context.loggedKeys["loss"] ?? "loss"
            return .rule(tests(key), .live, "the criterion names a NaN/Inf loss; the script must log it as `\(key)`")
        }
        if !w.isDisjoint(with: anyValueWords) {
            let any = [nan ? "any(isnan)" : nil, inf ? "any(isinf)" : nil].compactMap { $0 }.joined(separator: " or ")
            return .rule(any, .live, "the criterion names a NaN/Inf in any metric, value or prediction: every logged value is checked")
        }
        // "NaN or Inf in Brier scores": the quantity after the last "in"/"of".
        let parts = reading.condition.split(whereSeparator: \.isWhitespace)
        if let i = parts.lastIndex(where: { ["in", "of"].contains($0.lowercased()) }), i + 1 < parts.count {
            let phrase = parts[(i + 1)...].joined(separator: " ")
            if let match = matchKey(phrase, in: context), isExpressible(match.key) {
                return .rule(tests(match.key), .live, "the criterion names a NaN/Inf of \(match.basis)")
            }
            return .skip("a NaN/Inf of something that is neither the loss nor any logged value: " + noKeyReason(phrase, in: context))
        }
        return .skip("names a NaN/Inf of something that is neither the loss nor any logged value; add an explicit --abort rule naming the logged key")
    }
}
