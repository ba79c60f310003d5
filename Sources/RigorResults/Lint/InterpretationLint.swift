import Foundation
import RigorBasics

/// Finds interpretive language ("this suggests", "promising" …) in any text: results notes,
/// logs, markdown. Matching is case-insensitive, on whole words (a phrase never matches inside a
/// longer word), and any run of whitespace in the text matches the single space in a phrase.
public struct InterpretationLint: Sendable, Equatable {
    /// The phrases Rigor flags unless given another list.
    public static let defaultPhrases = [
        "the results show", "results show", "this suggests", "suggests that", "suggesting", "indicates that",
        "indicating", "promising", "looks good", "look good", "confirms", "confirming", "demonstrates", "proves", "clearly",
        "as expected", "significant improvement", "works well", "is attributable to", "remains valid",
        // Verdicts on the hypothesis.
        "hypothesis is supported", "hypothesis was supported", "supports the hypothesis", "support the hypothesis",
        "support our hypothesis", "supports our hypothesis", "hypothesis is confirmed", "hypothesis was confirmed",
        "hypothesis is refuted", "hypothesis was refuted", "hypothesis is rejected", "hypothesis holds",
        "supports the claim", "strongly supports", "consistent with our", "validate", "validates", "validated the",
        // Rankings stated as verdicts rather than numbers.
        "outperforms", "outperform", "outperformed", "underperforms", "underperformed", "wins", "won", "beats", "beat the",
        "is better", "are better", "performs better", "did better", "does better", "is worse", "worse than", "is superior",
        "is inferior", "dominates", "best choice", "favours", "favors", "strongly favours", "strongly favors",
        // Conclusions and judgements.
        "we conclude", "in conclusion", "which means", "this shows", "shows that", "it appears", "appears that", "seems to",
        "is robust", "generalizes well", "generalises well", "meaningful", "encouraging", "impressive", "surprising",
        "unsurprisingly", "is effective", "was a success", "a strong effect", "strong effect", "positive effect",
        "substantially", "can be ignored", "is an outlier",
    ]

    /// Words of a statistical test; "significant" in a sentence without one is flagged.
    public static let testMarkers = ["p =", "p=", "p <", "p<", "p-value", "p value", "t-test", "test", "anova", "wilcoxon",
                                     "mann-whitney", "permutation", "bootstrap", "confidence interval", "chi-square", "chi2"]

    /// Phrases in the form given (trimmed, lower-cased, inner whitespace collapsed).
    public let phrases: [String]
    private let patterns: [[[Unicode.Scalar]]]

    /// A lint over the given phrases (empty and duplicate phrases are dropped).
    public init(phrases: [String] = InterpretationLint.defaultPhrases) {
        var seen = Set<String>()
        var kept: [String] = []
        for p in phrases {
            let words = p.lowercased().split(whereSeparator: { $0.isWhitespace }).map(String.init)
            let phrase = words.joined(separator: " ")
            if !phrase.isEmpty, seen.insert(phrase).inserted { kept.append(phrase) }
        }
        self.phrases = kept
        self.patterns = kept.map { phrase in
            phrase.split(separator: " ").map { Array($0.unicodeScalars).map(InterpretationLint.fold) }
        }
    }

    public static func == (a: InterpretationLint, b: InterpretationLint) -> Bool { a.phrases == b.phrases }

    /// Phrases from a list file: one per line, `#` starts a comment, blank lines ignored.
    public static func parsePhraseList(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).compactMap { raw in
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
    }

    /// A lint over the phrases in a list file (bounded read; a list with no phrase is refused).
    public static func load(phraseFile path: String) throws(ResultsError) -> InterpretationLint {
        let text: String
        do { text = try TextFile.read(path, limit: ResultsLimits.maxFileBytes) } catch {
            throw .unusablePhraseList(path: path, reason: error.description)
        }
        let phrases = parsePhraseList(text)
        guard !phrases.isEmpty else { throw .unusablePhraseList(path: path, reason: "the file lists no phrase (only comments or blank lines)") }
        return InterpretationLint(phrases: phrases)
    }

    /// Every occurrence of every phrase, in text order (line, UTF-8 column, scalar offset).
    public func hits(in text: String) -> [InterpretationHit] {
        let scalars = Array(text.unicodeScalars)
        let folded = scalars.map(InterpretationLint.fold)
        // Line and byte column of each scalar.
        var lines = [Int](repeating: 1, count: scalars.count)
        var columns = [Int](repeating: 1, count: scalars.count)
        var line = 1, column = 1
        for (i, s) in scalars.enumerated() {
            lines[i] = line; columns[i] = column
            if s == "\n" { line += 1; column = 1 } else { column += UTF8.width(s) }
        }
        var found: [InterpretationHit] = []
        let longestFirst = phrases.indices.sorted { phrases[$0].count > phrases[$1].count }
        var coveredUntil = 0  // a hit inside a longer, earlier hit ("results show" in "the results show") is not repeated
        for start in folded.indices {
            if start > 0, InterpretationLint.isWordScalar(folded[start - 1]) { continue }
            for p in longestFirst {
                let pattern = patterns[p]
                guard let end = match(pattern, in: folded, at: start) else { continue }
                if end < folded.count, InterpretationLint.isWordScalar(folded[end]) { continue }
                if end <= coveredUntil { continue }
                coveredUntil = max(coveredUntil, end)
                var matched = String.UnicodeScalarView()
                matched.append(contentsOf: scalars[start..<end])
                found.append(InterpretationHit(phrase: phrases[p], matchedText: String(matched),
                                               position: TextPosition(line: lines[start], column: columns[start]),
                                               scalarOffset: start))
            }
        }
        return (found + untestedSignificance(scalars: scalars, folded: folded, lines: lines, columns: columns, taken: found))
            .sorted { $0.scalarOffset < $1.scalarOffset }
    }

    /// "significant", "significantly", "significance" in a sentence that names no statistical
    /// test (`testMarkers`): a claim of significance that no test backs.
    private func untestedSignificance(scalars: [Unicode.Scalar], folded: [Unicode.Scalar], lines: [Int], columns: [Int],
                                      taken: [InterpretationHit]) -> [InterpretationHit] {
        guard phrases == InterpretationLint.defaultPhrases.map({ $0 }) || phrases.contains("significant") else { return [] }
        var out: [InterpretationHit] = []
        let stem = Array("significan".unicodeScalars)
        var i = 0
        while i + stem.count <= folded.count {
            defer { i += 1 }
            guard i == 0 || !InterpretationLint.isWordScalar(folded[i - 1]), Array(folded[i..<i + stem.count]) == stem else { continue }
            var end = i + stem.count
            while end < folded.count, InterpretationLint.isWordScalar(folded[end]) { end += 1 }
            if taken.contains(where: { $0.scalarOffset <= i && i < $0.scalarOffset + $0.matchedText.unicodeScalars.count }) { continue }
            let sentence = InterpretationLint.sentence(around: i, in: folded)
            let s = String(String.UnicodeScalarView(folded[sentence]))
            if InterpretationLint.testMarkers.contains(where: { marker in InterpretationLint.containsWord(marker, in: s) }) { continue }
            var matched = String.UnicodeScalarView()
            matched.append(contentsOf: scalars[i..<end])
            out.append(InterpretationHit(phrase: "significant (no statistical test named in the sentence)", matchedText: String(matched),
                                         position: TextPosition(line: lines[i], column: columns[i]), scalarOffset: i))
        }
        return out
    }

    /// The sentence holding scalar `i`: bounded by a newline, or by `.`, `!`, `?` followed by whitespace.
    static func sentence(around i: Int, in s: [Unicode.Scalar]) -> Range<Int> {
        func isEnd(_ k: Int) -> Bool {
            if s[k] == "\n" { return true }
            return (s[k] == "." || s[k] == "!" || s[k] == "?") && (k + 1 == s.count || s[k + 1].properties.isWhitespace)
        }
        var lo = i
        while lo > 0 && !isEnd(lo - 1) { lo -= 1 }
        var hi = i
        while hi < s.count && !isEnd(hi) { hi += 1 }
        return lo..<min(hi + 1, s.count)
    }

    /// Whether `word` occurs in `text` (lower-case) not inside a longer word.
    static func containsWord(_ word: String, in text: String) -> Bool {
        var search = text.startIndex..<text.endIndex
        while let r = text.range(of: word, range: search) {
            let before = r.lowerBound == text.startIndex ? nil : text[text.index(before: r.lowerBound)]
            let after = r.upperBound == text.endIndex ? nil : text[r.upperBound]
            let wordChar: (Character?) -> Bool = { c in c.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false }
            if !wordChar(before) && (!wordChar(after) || !(word.last?.isLetter ?? false)) { return true }
            search = r.upperBound..<text.endIndex
        }
        return false
    }

    /// End index (exclusive) when `pattern` matches at `start`.
    private func match(_ pattern: [[Unicode.Scalar]], in text: [Unicode.Scalar], at start: Int) -> Int? {
        var i = start
        for (w, word) in pattern.enumerated() {
            if w > 0 {
                let gapStart = i
                while i < text.count, text[i].properties.isWhitespace { i += 1 }
                if i == gapStart { return nil }
            }
            for s in word {
                guard i < text.count, text[i] == s else { return nil }
                i += 1
            }
        }
        return i
    }

    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        s == "_" || s.properties.isAlphabetic || s.properties.numericType != nil
    }

    static func fold(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.isASCII { return (s.value >= 65 && s.value <= 90) ? Unicode.Scalar(s.value + 32)! : s }
        let lower = s.properties.lowercaseMapping.unicodeScalars
        return lower.count == 1 ? lower.first! : s
    }
}

/// One occurrence of an interpretive phrase.
public struct InterpretationHit: Sendable, Equatable, Codable {
    /// The phrase from the list that matched.
    public var phrase: String
    /// The text as written at that place.
    public var matchedText: String
    /// Line and UTF-8 column (1-based) in the text given to the lint.
    public var position: TextPosition
    /// Offset of the first matched Unicode scalar in the text.
    public var scalarOffset: Int

    enum CodingKeys: String, CodingKey { case phrase, matchedText = "matched_text", line, column, scalarOffset = "scalar_offset" }

    public init(phrase: String, matchedText: String, position: TextPosition, scalarOffset: Int) {
        self.phrase = phrase; self.matchedText = matchedText; self.position = position; self.scalarOffset = scalarOffset
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        phrase = try c.decode(String.self, forKey: .phrase)
        matchedText = try c.decode(String.self, forKey: .matchedText)
        position = TextPosition(line: try c.decode(Int.self, forKey: .line), column: try c.decode(Int.self, forKey: .column))
        scalarOffset = try c.decode(Int.self, forKey: .scalarOffset)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(phrase, forKey: .phrase)
        try c.encode(matchedText, forKey: .matchedText)
        try c.encode(position.line, forKey: .line)
        try c.encode(position.column, forKey: .column)
        try c.encode(scalarOffset, forKey: .scalarOffset)
    }
}
