import Foundation

// How a criterion's text is read: the condition part and the action part, and each
// comparison of a named quantity with a number in the condition ("> 10 minutes",
// "below -0.60", "< 50%", "< 400,000").

/// One comparison in a criterion's condition.
struct CriterionComparison: Equatable {
    /// The words before the comparator, back to the start of the clause.
    var subject: String
    /// `<`, `<=`, `>` or `>=`.
    var op: String
    var value: Double
    var percent: Bool
    /// The word after the number (`minutes`, `steps`, `GPU-hours`), lower-cased; "" when none.
    var unit: String
    /// The number and what follows it, to the end of the condition.
    var fromNumber: String
    /// The condition after the number (and its multiplier and `%`), unit included.
    var rest: String
}

/// A criterion's text split into condition and action, with its comparisons.
struct CriterionReading {
    var condition: String
    var action: String
    var comparisons: [CriterionComparison]

    init(_ text: String) {
        (condition, action) = Self.split(text)
        comparisons = Self.comparisons(in: condition)
    }

    /// Lower-cased words (letters, digits, `_`) of a text, in order.
    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).map(String.init)
    }

    var conditionWords: [String] { Self.words(condition) }
    var actionWords: [String] { Self.words(action) }

    static let actionWordSet: Set<String> = ["abort", "stop", "skip", "retry", "kill", "halt", "terminate"]

    /// At the first `→`, `->` or ` — ` (a table's condition/action cells); else before the first
    /// action word; a text that starts with its action ("Abort if …") keeps what follows `if`/`when`.
    static func split(_ text: String) -> (String, String) {
        let separators = ["→", "->", " — ", "=>"]
        let found = separators.compactMap { text.range(of: $0) }.min { $0.lowerBound < $1.lowerBound }
        if let r = found {
            return (trim(text[..<r.lowerBound]), trim(text[r.upperBound...]))
        }
        let pattern = #"\b(abort|stop|skip|retry|kill|halt|terminate)\b"#
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]),
              let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let r = Range(m.range, in: text) else { return (trim(text), "") }
        let before = trim(text[..<r.lowerBound])
        if !before.isEmpty { return (before, trim(text[r.lowerBound...])) }
        if let cond = text.range(of: #"\b(if|when|whenever)\b"#, options: [.regularExpression, .caseInsensitive]) {
            return (trim(text[cond.upperBound...]), trim(text[..<cond.lowerBound]))
        }
        return (trim(text), trim(text))
    }

    /// Comparator (symbol or words) followed by a number, with optional K/M multiplier, `%` and unit.
    static let comparisonPattern = #"(<=|>=|≤|≥|<|>|\bat least\b|\bat most\b|\bless than\b|\bfewer than\b|\bgreater than\b|\bmore than\b|\blonger than\b|\bdrops? below\b|\bfalls? below\b|\bfails? to reach\b|\bexceeds?\b|\babove\b|\bbelow\b|\bunder\b|\bover\b)\s*(-?\d[\d,]*(?:\.\d+)?)\s*([kKM](?![A-Za-z]))?\s*(%)?\s*([A-Za-z][A-Za-z-]*)?"#

    static func comparisons(in condition: String) -> [CriterionComparison] {
        guard let re = try? NSRegularExpression(pattern: comparisonPattern, options: [.caseInsensitive]) else { return [] }
        let ns = condition as NSString
        return re.matches(in: condition, range: NSRange(location: 0, length: ns.length)).compactMap { m in
            func group(_ i: Int) -> String? {
                m.range(at: i).location == NSNotFound ? nil : ns.substring(with: m.range(at: i))
            }
            guard let opText = group(1), let numberText = group(2),
                  var value = Double(numberText.replacingOccurrences(of: ",", with: "")) else { return nil }
            switch group(3) {
            case "k", "K": value *= 1_000
            case "M": value *= 1_000_000
            default: break
            }
            let unit = group(5)?.lowercased() ?? ""
            let numberStart = m.range(at: 2).location
            let end = [2, 3, 4].map { m.range(at: $0) }.filter { $0.location != NSNotFound }.map { $0.location + $0.length }.max() ?? 0
            return CriterionComparison(
                subject: subject(before: ns.substring(to: m.range.location)), op: symbol(opText), value: value,
                percent: group(4) != nil, unit: unit, fromNumber: ns.substring(from: numberStart),
                rest: trim(ns.substring(from: end)))
        }
    }

    static func symbol(_ op: String) -> String {
        let o = op.lowercased()
        switch o {
        case "≤", "at most": return "<="
        case "≥", "at least": return ">="
        case "<", "<=", ">", ">=": return o
        default:
            let below = ["less", "fewer", "below", "under", "fail"]
            return below.contains { o.contains($0) } ? "<" : ">"
        }
    }

    static func trim(_ s: some StringProtocol) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }

    static let leadingFillers: Set<String> = ["if", "when", "whenever", "the", "a", "an", "any", "and", "or", "its"]
    static let trailingVerbs: Set<String> = ["is", "are", "was", "were", "stays", "remains", "goes", "gets", "becomes",
                                             "rises", "takes", "reaches", "has", "have", "drops", "falls", "fails", "of"]

    /// The clause before a comparator: closed parentheticals dropped, cut at the last open bracket,
    /// or punctuation; fillers dropped.
    static func subject(before text: String) -> String {
        let flat = text.replacingOccurrences(of: #"\([^()]*\)"#, with: " ", options: .regularExpression)
        let cut = flat.lastIndex { "()[]:;,".contains($0) }.map { flat.index(after: $0) } ?? flat.startIndex
        var parts = flat[cut...].split(whereSeparator: \.isWhitespace).map(String.init)
        while let first = parts.first, leadingFillers.contains(first.lowercased()) { parts.removeFirst() }
        while let last = parts.last, trailingVerbs.contains(last.lowercased()) { parts.removeLast() }
        return parts.joined(separator: " ")
    }
}
