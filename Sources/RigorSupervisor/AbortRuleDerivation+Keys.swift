import Foundation
import RigorSpec

// Matching the quantity a criterion names to a key the script logs or a spec metric key,
// with the normalisation of metric keys (`MetricKey.normalize`). Conservative: the whole
// phrase must match; the only liberties are spelled out in `candidates`.

/// A key a derived rule may read, and how it was found.
struct MatchedKey: Equatable {
    /// The key as the rule reads it: as logged, or the spec metric key.
    var key: String
    var basis: String
}

extension AbortRuleDerivation {
    /// The normalised spellings tried for a phrase, in order: the phrase itself; `training_`/
    /// `train_` and `validation_`/`val_` spelled the other way; for a training loss, the bare
    /// `loss` (a script's `loss` is its training loss); a plural last word made singular.
    static func candidates(_ phrase: String) -> [String] {
        var out = [phrase]
        let swaps = [("training_", "train_"), ("train_", "training_"), ("validation_", "val_"), ("val_", "validation_")]
        if let (from, to) = swaps.first(where: { phrase.hasPrefix($0.0) }) {
            out.append(to + phrase.dropFirst(from.count))
        }
        if phrase == "training_loss" || phrase == "train_loss" { out.append("loss") }
        if phrase.hasSuffix("s"), !phrase.hasSuffix("ss") { out.append(String(phrase.dropLast())) }
        return out
    }

    /// Words the rule language reads as its own (a metric cannot be named so).
    static let reservedWords: Set<String> = ["wall", "gpu_hours", "step", "and", "or", "not", "for", "after", "any"]

    /// The key for a phrase as written (normalised here), or nil.
    static func matchKey(_ phrase: String, in context: AbortDerivationContext) -> MatchedKey? {
        let normalized = MetricKey.normalize(phrase)
        guard !normalized.isEmpty else { return nil }
        for candidate in candidates(normalized) {
            let how = candidate == normalized ? "" : " (read as `\(candidate)`)"
            if let logged = context.loggedKeys[candidate] {
                return MatchedKey(key: logged, basis: "\"\(phrase)\"\(how) is the logged key `\(logged)`")
            }
            if context.metricKeys.contains(candidate) {
                return MatchedKey(key: candidate, basis: "\"\(phrase)\"\(how) is the spec metric `\(candidate)`; the script must log it under that key")
            }
        }
        return nil
    }

    /// Why a phrase matched no key: a key that only the phrase's tail matches is named.
    static func noKeyReason(_ phrase: String, in context: AbortDerivationContext, wanted: String = "") -> String {
        let normalized = MetricKey.normalize(phrase)
        let words = MetricKey.tokens(normalized)
        let known = Set(context.metricKeys).union(context.loggedKeys.keys)
        var reason = "names `\(normalized)`, which is neither a spec metric nor a logged key"
        if let i = (1..<max(words.count, 1)).first(where: { known.contains(words[$0...].joined(separator: "_")) }) {
            let tail = words[i...].joined(separator: "_")
            reason += " (`\(tail)` is one, but the criterion qualifies it with \"\(words[..<i].joined(separator: " "))\", which names one configuration or variant)"
        }
        return reason + (wanted.isEmpty ? "; log it under a spec metric key, or map it in the plan" : wanted)
    }

    /// Whether the rule language can name this key as a metric.
    static func isExpressible(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || (first.isASCII && CharacterSet.letters.contains(first)) else { return false }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./")
        return key.unicodeScalars.allSatisfy(allowed.contains) && !reservedWords.contains(key)
    }

    /// The factor a percentage threshold takes for this key, when its name states the scale:
    /// `…_fraction`/`…_share` are 0–1 (÷100), `…_pct`/`…_percent` are 0–100 (×1); nil otherwise.
    static func percentFactor(for key: String) -> Double? {
        let last = MetricKey.tokens(MetricKey.normalize(key)).last ?? ""
        if ["fraction", "frac", "share", "proportion"].contains(last) { return 0.01 }
        if ["pct", "percent", "percentage"].contains(last) { return 1 }
        return nil
    }
}
