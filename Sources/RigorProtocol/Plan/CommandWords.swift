/// Splits a command line into words the way a plan writes it: spaces separate words, single or
/// double quotes group them, a backslash escapes the next character. Nothing is expanded.
enum CommandWords {
    enum SplitError: Error { case unterminatedQuote(Character), trailingBackslash }

    static func split(_ text: String) throws(SplitError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaping = false
        for ch in text {
            if escaping { current.append(ch); escaping = false; inWord = true; continue }
            if let q = quote {
                if ch == q { quote = nil } else if ch == "\\" && q == "\"" { escaping = true } else { current.append(ch) }
                continue
            }
            switch ch {
            case "\\": escaping = true; inWord = true
            case "\"", "'": quote = ch; inWord = true
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            default: current.append(ch); inWord = true
            }
        }
        if let q = quote { throw .unterminatedQuote(q) }
        if escaping { throw .trailingBackslash }
        if inWord { words.append(current) }
        return words
    }
}
