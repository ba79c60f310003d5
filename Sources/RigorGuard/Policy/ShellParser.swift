import Foundation

/// One word of shell text after quote removal.
public struct ShellWord: Sendable, Equatable {
    /// The text with quotes and escapes removed; unknown expansions kept literally (`$X`, `$(…)`).
    public var text: String
    /// Contains an unquoted `*`, `?` or `[`.
    public var hasGlob: Bool = false
    /// Contains a parameter or command substitution whose value is unknown.
    public var hasUnknownExpansion: Bool = false
}

/// A redirection: operator and its target word.
public struct ShellRedirect: Sendable, Equatable {
    public var op: String
    public var target: ShellWord
    /// True for operators that create or write the target (`>`, `>>`, `>|`, `<>`, `&>`, `&>>`).
    public var writes: Bool { [">", ">>", ">|", "<>", "&>", "&>>"].contains(op) }
}

/// One simple command: its words and redirections, in source order.
public struct SimpleCommand: Sendable, Equatable {
    /// Marks the start or end of a subshell (`( … )`, `$( … )`, `<( … )`): a scope for `cd`.
    public enum Scope: Sendable, Equatable { case enter, exit }
    public var words: [ShellWord] = []
    public var redirects: [ShellRedirect] = []
    /// Unique within one parse; `pipedFrom` refers to it.
    public var id = 0
    /// Set on the scope markers only (no words, no redirections).
    public var scope: Scope?
    /// The id of the command whose output this one reads through `|`.
    public var pipedFrom: Int?
    /// Standard input given as text: a here-document body or a here-string (`<<<`).
    public var stdinText: String?
    public var isEmpty: Bool { words.isEmpty && redirects.isEmpty && scope == nil }
}

/// Why shell text could not be parsed.
public struct ShellParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "shell text: \(message) (at character \(offset + 1))" }
}

/// A tolerant POSIX-shell reader: enough to find every simple command a text would run —
/// through `&&`, `||`, `;`, `&`, pipes, newlines, subshells, `{ }`, `$( )`, backticks,
/// process substitution and here-documents — with quotes and escapes removed and simple
/// variable assignments (`C=chmod; $C …`) substituted. It never executes anything.
public struct ShellParser {
    private let chars: [Character]
    private var i = 0
    private var commands: [SimpleCommand] = []
    private var current = SimpleCommand()
    private var pendingHeredocs: [(delimiter: String, command: Int)] = []
    private var variables: [String: String]
    private let depth: Int
    private var nextId: Int
    private var lastEnded: Int?
    private var pipePending = false

    /// Parses text into the flat list of simple commands it contains (nested ones included).
    public static func parse(_ text: String) throws(ShellParseError) -> [SimpleCommand] {
        var p = ShellParser(text, variables: [:], depth: 0, nextId: 1)
        return try p.run()
    }

    init(_ text: String, variables: [String: String], depth: Int, nextId: Int) {
        chars = Array(text); self.variables = variables; self.depth = depth; self.nextId = nextId
        current.id = nextId; self.nextId += 1
    }

    mutating func run() throws(ShellParseError) -> [SimpleCommand] {
        guard depth < 12 else { throw ShellParseError(message: "nesting deeper than 12 levels", offset: i) }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" { i += 1; continue }
            if c == "\\" && peek(1) == "\n" { i += 2; continue }
            if c == "#" { while i < chars.count && chars[i] != "\n" { i += 1 }; continue }
            if c == "\n" { endCommand(); i += 1; skipHeredocBodies(); continue }
            if ";&|()".contains(c) {
                if c == "&" && peek(1) == ">" { try readRedirect(); continue }
                if (c == "|" || c == "&") && peek(1) == c { endCommand(); i += 2; continue }
                endCommand()
                if c == "|" { pipePending = true; if peek(1) == "&" { i += 1 } }
                if c == "(" { appendMarker(.enter) }
                if c == ")" { appendMarker(.exit) }
                i += 1; continue
            }
            if c == "<" || c == ">" { try readRedirect(); continue }
            if c.isNumber, let op = fdRedirectAhead() { _ = op; try readRedirect(); continue }
            let w = try readWord()
            current.words.append(w)
        }
        endCommand()
        return commands
    }

    private func peek(_ k: Int) -> Character? { i + k < chars.count ? chars[i + k] : nil }

    /// `2>` / `10>>` style: digits followed directly by a redirection operator.
    private func fdRedirectAhead() -> String? {
        var j = i
        while j < chars.count && chars[j].isNumber { j += 1 }
        guard j < chars.count, chars[j] == "<" || chars[j] == ">" else { return nil }
        // Only when the digits start a word.
        if i > 0, !" \t\n;&|()".contains(chars[i - 1]) { return nil }
        return String(chars[j])
    }

    private mutating func endCommand() {
        if !current.isEmpty {
            // Remember plain assignments (`X=chmod`, `export X=…`) for later substitution.
            let ws = current.words.first?.text == "export" || current.words.first?.text == "declare" ? Array(current.words.dropFirst()) : current.words
            if !ws.isEmpty, ws.allSatisfy({ Self.assignment($0.text) != nil }) {
                for w in ws { if let (k, v) = Self.assignment(w.text) { variables[k] = v } }
            }
            if pipePending { current.pipedFrom = lastEnded; pipePending = false }
            lastEnded = current.id
            commands.append(current)
        }
        current = SimpleCommand(id: nextId)
        nextId += 1
    }

    private mutating func appendMarker(_ scope: SimpleCommand.Scope) {
        commands.append(SimpleCommand(id: nextId, scope: scope))
        nextId += 1
    }

    static func assignment(_ s: String) -> (String, String)? {
        guard let eq = s.firstIndex(of: "="), eq != s.startIndex else { return nil }
        let name = s[..<eq]
        guard name.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }), !(name.first?.isNumber ?? true) else { return nil }
        return (String(name), String(s[s.index(after: eq)...]))
    }

    private mutating func readRedirect() throws(ShellParseError) {
        while i < chars.count && chars[i].isNumber { i += 1 }
        let ops = ["&>>", "&>", "<<<", "<<-", "<<", "<>", "<&", ">>", ">|", ">&", "<(", ">(", "<", ">"]
        var op = ""
        for o in ops where matches(o) { op = o; break }
        i += op.count
        if op == "<(" || op == ">(" {
            let inner = try readBalanced(open: "(", close: ")")
            try nested(inner)
            return
        }
        while i < chars.count && (chars[i] == " " || chars[i] == "\t") { i += 1 }
        guard i < chars.count, !"\n;&|()<>".contains(chars[i]) else {
            throw ShellParseError(message: "redirection '\(op)' has no target", offset: i)
        }
        let target = try readWord()
        if op == "<<" || op == "<<-" { pendingHeredocs.append((target.text, current.id)); return }
        if op == "<<<" { current.stdinText = target.text; return }
        if op == ">&" || op == "<&" {
            if target.text.allSatisfy({ $0.isNumber || $0 == "-" }) { return }  // fd duplication
            current.redirects.append(ShellRedirect(op: op == ">&" ? "&>" : "<", target: target)); return
        }
        current.redirects.append(ShellRedirect(op: op, target: target))
    }

    private func matches(_ s: String) -> Bool {
        var j = i
        for ch in s { guard j < chars.count, chars[j] == ch else { return false }; j += 1 }
        return true
    }

    private mutating func skipHeredocBodies() {
        while !pendingHeredocs.isEmpty {
            let (delim, owner) = pendingHeredocs.removeFirst()
            var body: [String] = []
            while i < chars.count {
                var j = i
                while j < chars.count && chars[j] != "\n" { j += 1 }
                let line = String(chars[i..<j]).trimmingCharacters(in: .init(charactersIn: "\t"))
                i = min(j + 1, chars.count)
                if line == delim { break }
                body.append(line)
            }
            if let k = commands.lastIndex(where: { $0.id == owner }) { commands[k].stdinText = body.joined(separator: "\n") + "\n" }
        }
    }

    /// Reads up to the matching close character, honouring quotes; returns the inner text.
    private mutating func readBalanced(open: Character, close: Character) throws(ShellParseError) -> String {
        let start = i
        var level = 1
        while i < chars.count {
            let c = chars[i]
            if c == "\\" { i += 2; continue }
            if c == "'" { i += 1; while i < chars.count && chars[i] != "'" { i += 1 }; i += 1; continue }
            if c == "\"" {
                i += 1
                while i < chars.count && chars[i] != "\"" { if chars[i] == "\\" { i += 1 }; i += 1 }
                i += 1; continue
            }
            if c == open { level += 1 }
            if c == close { level -= 1; if level == 0 { let s = String(chars[start..<i]); i += 1; return s } }
            i += 1
        }
        throw ShellParseError(message: "unterminated '\(open)' (no matching '\(close)')", offset: start)
    }

    private mutating func nested(_ text: String) throws(ShellParseError) {
        appendMarker(.enter)
        var p = ShellParser(text, variables: variables, depth: depth + 1, nextId: nextId)
        commands += try p.run()
        nextId = p.nextId
        appendMarker(.exit)
    }

    private mutating func readWord() throws(ShellParseError) -> ShellWord {
        var w = ShellWord(text: "")
        while i < chars.count {
            let c = chars[i]
            if " \t\n;&|()<>".contains(c) { break }
            switch c {
            case "\\":
                if let n = peek(1) { if n != "\n" { w.text.append(n) }; i += 2 } else { i += 1 }
            case "'":
                let start = i
                i += 1
                while i < chars.count && chars[i] != "'" { w.text.append(chars[i]); i += 1 }
                guard i < chars.count else { throw ShellParseError(message: "unterminated single quote", offset: start) }
                i += 1
            case "\"":
                let start = i
                i += 1
                while i < chars.count && chars[i] != "\"" {
                    let d = chars[i]
                    if d == "\\", let n = peek(1), "$`\"\\\n".contains(n) { if n != "\n" { w.text.append(n) }; i += 2; continue }
                    if d == "$" || d == "`" { try readExpansion(into: &w); continue }
                    w.text.append(d); i += 1
                }
                guard i < chars.count else { throw ShellParseError(message: "unterminated double quote", offset: start) }
                i += 1
            case "$", "`":
                if c == "$" && peek(1) == "'" {  // $'…' ANSI-C quoting
                    i += 2
                    while i < chars.count && chars[i] != "'" {
                        if chars[i] == "\\", let n = peek(1) {
                            switch n { case "n": w.text.append("\n"); case "t": w.text.append("\t"); default: w.text.append(n) }
                            i += 2; continue
                        }
                        w.text.append(chars[i]); i += 1
                    }
                    i += 1
                } else { try readExpansion(into: &w) }
            case "*", "?", "[":
                w.hasGlob = true; w.text.append(c); i += 1
            default:
                w.text.append(c); i += 1
            }
        }
        return w
    }

    private mutating func readExpansion(into w: inout ShellWord) throws(ShellParseError) {
        if chars[i] == "`" {
            let start = i
            i += 1
            var inner = ""
            while i < chars.count && chars[i] != "`" {
                if chars[i] == "\\", let n = peek(1) { inner.append(n); i += 2; continue }
                inner.append(chars[i]); i += 1
            }
            guard i < chars.count else { throw ShellParseError(message: "unterminated backquote", offset: start) }
            i += 1
            try nested(inner)
            w.text += "$(…)"; w.hasUnknownExpansion = true
            return
        }
        // chars[i] == "$"
        if peek(1) == "(" && peek(2) == "(" {
            i += 3
            _ = try readBalanced(open: "(", close: ")")
            if i < chars.count && chars[i] == ")" { i += 1 }
            w.text += "0"; return
        }
        if peek(1) == "(" {
            i += 2
            let inner = try readBalanced(open: "(", close: ")")
            try nested(inner)
            w.text += "$(…)"; w.hasUnknownExpansion = true
            return
        }
        if peek(1) == "{" {
            i += 2
            let inner = try readBalanced(open: "{", close: "}")
            let name = String(inner.prefix { $0 == "_" || $0.isLetter || $0.isNumber })
            if name.count == inner.count, let v = variables[name] { w.text += v } else { w.text += "${" + inner + "}"; w.hasUnknownExpansion = true }
            return
        }
        i += 1
        var name = ""
        while i < chars.count, chars[i] == "_" || chars[i].isLetter || chars[i].isNumber { name.append(chars[i]); i += 1 }
        if name.isEmpty, i < chars.count, "@*#?$!-0123456789".contains(chars[i]) { name = String(chars[i]); i += 1 }
        if name.isEmpty { w.text += "$"; return }
        if let v = variables[name] { w.text += v } else { w.text += "$" + name; w.hasUnknownExpansion = true }
    }
}
