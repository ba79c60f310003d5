import Foundation

/// Normalised metric keys: how a metric name in a spec is matched to keys in metrics.json.
///
/// Rules: markdown emphasis and code marks are dropped; a parenthetical is dropped
/// (`Brier score (BSS)` → `brier_score`); letters with a macron become `<letter>bar`
/// (`ȳ_long` → `ybar_long`); Greek letters are spelled out; everything else that is not a
/// letter or digit separates words; words are lower-cased and joined with `_`.
public enum MetricKey {
    public static func normalize(_ name: String, keepParentheticals: Bool = false) -> String {
        // Emphasis and code marks (`*`, `_`, backticks) separate words like any other punctuation.
        var text = name
        if !keepParentheticals { text = dropParentheticals(text) }
        var words: [String] = []
        var current = ""
        func flush() { if !current.isEmpty { words.append(current); current = "" } }
        for ch in text {
            if let spelled = spelledOut(ch) {
                current += spelled
            } else if let ascii = ch.asciiValue {
                if (0x30...0x39).contains(ascii) || (0x61...0x7A).contains(ascii) { current.append(ch) }
                else if (0x41...0x5A).contains(ascii) { current.append(Character(UnicodeScalar(ascii + 0x20))) }
                else { flush() }
            } else if ch.isLetter || ch.isNumber {
                let folded = String(ch).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
                current += folded.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
            } else {
                flush()
            }
        }
        flush()
        return words.joined(separator: "_")
    }

    /// The words of a normalised key.
    public static func tokens(_ key: String) -> [String] { key.split(separator: "_").map(String.init) }

    static func dropParentheticals(_ s: String) -> String {
        var out = ""
        var depth = 0
        for ch in s {
            if ch == "(" { depth += 1; continue }
            if ch == ")" { depth = max(0, depth - 1); continue }
            if depth == 0 { out.append(ch) }
        }
        let trimmed = out.trimmedBlanks
        return trimmed.isEmpty ? s : out
    }

    static func spelledOut(_ ch: Character) -> String? {
        if ch.isASCII { return nil }
        // Letters with a macron (ȳ, x̄ as precomposed or with a combining macron) read as "<letter>bar".
        let scalars = ch.unicodeScalars
        if scalars.count == 2, scalars.last == "\u{0304}", let base = scalars.first, base.properties.isAlphabetic {
            return String(base).lowercased() + "bar"
        }
        return macrons[ch] ?? greek[ch]
    }

    static let macrons: [Character: String] = [
        "ā": "abar", "ē": "ebar", "ī": "ibar", "ō": "obar", "ū": "ubar", "ȳ": "ybar",
        "Ā": "abar", "Ē": "ebar", "Ī": "ibar", "Ō": "obar", "Ū": "ubar", "Ȳ": "ybar",
    ]

    static let greek: [Character: String] = [
        "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "Δ": "delta", "ε": "epsilon", "θ": "theta",
        "λ": "lambda", "μ": "mu", "π": "pi", "ρ": "rho", "σ": "sigma", "Σ": "sigma", "τ": "tau", "φ": "phi",
        "χ": "chi", "ψ": "psi", "ω": "omega",
    ]
}
