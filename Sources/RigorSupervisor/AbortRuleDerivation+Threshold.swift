import Foundation
import RigorSpec

// A named metric compared with a number. Held for N consecutive epochs, steps or evaluations
// ("training loss above 5 for 3 consecutive epochs") it is a live rule with `for N <unit>`;
// otherwise it is checked on each run's final values, at the gate or phase the text names
// ("MVE Gate A (train accuracy < 0.35) → ABORT"), or in every phase.

extension AbortRuleDerivation {
    static let holdPattern = #"^for\s+(\d+)\s+(?:consecutive\s+)?(steps?|epochs?|evaluations?|evals?|events?|iterations?|checks?)\b(?:\s+in\s+a\s+row)?"#
    static let harmlessRest: Set<String> = ["for", "in", "any", "each", "every", "a", "single", "per", "run", "fit", "model"]

    static func threshold(_ c: CriterionComparison, _ reading: CriterionReading, _ context: AbortDerivationContext) -> Derivation {
        let conditionWords = reading.conditionWords
        if let word = conditionWords.first(where: { ["differs", "differ", "difference", "deviates", "changes"].contains($0) }) {
            return .skip("compares with a reference value (\"\(word) … by\"): not a threshold on one logged value")
        }
        if let joint = conditionWords.first(where: { $0 == "and" || $0 == "or" }) {
            return .skip("joins conditions with \"\(joint)\": a compound condition a single threshold does not express")
        }
        let (phase, subject) = phaseAndQuantity(c.subject, conditionWords: conditionWords)
        guard !subject.isEmpty else { return .skip("the comparison names no quantity before \"\(c.op) \(format(c.value))\"") }
        // A percentage may name a key that states its scale: "accuracy < 50%" reads `accuracy_pct`.
        let scaled = c.percent ? ["fraction", "pct", "percent"].lazy.compactMap { matchKey("\(subject) \($0)", in: context) }.first : nil
        guard let match = scaled ?? matchKey(subject, in: context) else { return .skip(noKeyReason(subject, in: context)) }
        guard isExpressible(match.key) else {
            return .skip("the logged key `\(match.key)` cannot be named in the rule language (letters, digits, _ . /; not wall, step, gpu_hours)")
        }
        var hold = ""
        var rest = Substring(c.rest)
        if let r = rest.range(of: holdPattern, options: [.regularExpression, .caseInsensitive]) {
            let words = CriterionReading.words(String(rest[r])).filter { $0 != "consecutive" }
            hold = " for \(words[1]) \(holdUnit(words[2]))"
            rest = rest[r.upperBound...]
        }
        var problems: [String] = []
        let leftover = CriterionReading.words(withoutParentheticals(String(rest))).filter { !harmlessRest.contains($0) }
        if !leftover.isEmpty {
            problems.append("the condition goes on after the threshold (\"\(CriterionReading.trim(rest))\"): a qualifier or a second condition the rule cannot express")
        }
        var value = c.value
        var basis = match.basis
        if c.percent {
            if let factor = percentFactor(for: match.key) {
                value *= factor
                basis += "; \(format(c.value))% on the scale its name states (\(factor == 1 ? "0–100" : "0–1"))"
            } else {
                problems.append("the threshold is a percentage (\(format(c.value))%) and the scale `\(match.key)` is logged on (0–1 or 0–100) is not known: log it as `\(match.key)_fraction` or `\(match.key)_pct`, or pass an explicit --abort rule")
            }
        }
        if !problems.isEmpty { return .skip(problems.joined(separator: "; and ")) }
        let rule = "\(match.key) \(c.op) \(format(value))\(hold)"
        if !hold.isEmpty {
            return .rule(rule, .live, basis + "; held on consecutive evaluations (\(hold.trimmingCharacters(in: .whitespaces).dropFirst(4))), checked live")
        }
        let at = phase.map { "at the \($0.rawValue) gate/phase" } ?? "in every phase"
        return .rule(rule, .final(phase), basis + "; checked on each run's final values \(at)")
    }

    /// The rule language's unit for "epochs", "iterations" … (all count evaluations of the rule).
    static func holdUnit(_ word: String) -> String {
        if word.hasPrefix("epoch") { return "epochs" }
        if word.hasPrefix("step") { return "steps" }
        return "evaluations"
    }

    /// The phase a condition names ("MVE Gate A", "baseline accuracy", "sanity check", "full
    /// protocol"), and the quantity with the phase words dropped from its front.
    static func phaseAndQuantity(_ subject: String, conditionWords: [String]) -> (RunPhase?, String) {
        var parts = subject.split(whereSeparator: \.isWhitespace).map(String.init)
        let leading = parts.first?.lowercased()
        var phase: RunPhase?
        let followers: Set<String> = ["gate", "phase", "check", "checks", "run", "runs", "protocol", "stage"]
        for (i, w) in conditionWords.enumerated() {
            let next = i + 1 < conditionWords.count ? conditionWords[i + 1] : ""
            let named = w == leading || followers.contains(next)
            if w == "mve" || (w == "minimum" && next == "viable") { phase = .mve; break }
            if named, let p = RunPhase(rawValue: w), p != .adhoc { phase = p; break }
        }
        let phaseWords: Set<String> = ["mve", "baseline", "sanity", "full", "gate", "phase", "check", "protocol", "stage"]
        while let first = parts.first?.lowercased(), first == "gate" || (phase != nil && (phaseWords.contains(first) || first.count == 1)) {
            parts.removeFirst()
        }
        return (phase, parts.joined(separator: " "))
    }

    static func withoutParentheticals(_ text: String) -> String {
        text.replacingOccurrences(of: #"\([^()]*\)"#, with: " ", options: .regularExpression)
    }
}
