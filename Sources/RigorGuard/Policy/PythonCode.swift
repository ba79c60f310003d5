import Foundation

/// What inline code does to paths and commands, as far as its text tells (never run).
enum CodeEffect: Sendable, Equatable {
    /// A path the code writes or creates.
    case write(path: String, call: String)
    /// A path the code removes or moves away.
    case remove(path: String, call: String)
    /// A write or removal whose path is computed at run time.
    case computedPath(call: String)
    /// Shell text the code runs.
    case shell(String, call: String)
    /// An argument vector the code runs.
    case argv([String], call: String)
    /// A command computed at run time.
    case computedCommand(call: String)
    /// Code the code runs (`exec('…')`), and code computed at run time.
    case code(String)
    case computedCode(call: String)
}

/// Reads Python source for calls that write, remove or run something: `open(p, 'w')`,
/// `shutil.move(a, b)`, `Path(p).write_text(…)`, `subprocess.run([...])`, `exec(…)`.
/// Modules are followed through `import x as y`, `from x import f as g`, `__import__('x')`
/// and `importlib.import_module('x')`; path arguments through literals, joins, `+`, `/`,
/// variables assigned once, and `sys.argv[N]`.
struct PythonCode {
    let rules: PolicyRules
    /// The interpreter's argv as `sys.argv` sees it (`["-c", operands…]`).
    let argv: [String]
    private(set) var aliases: [String: String] = [:]
    private(set) var starModules: [String] = []
    private(set) var variables: [String: String] = [:]
    private var code: [Character] = []

    init(rules: PolicyRules, argv: [String]) { self.rules = rules; self.argv = argv }

    mutating func effects(of source: String, depth: Int = 0) -> [CodeEffect] {
        guard depth < 6 else { return [.computedCode(call: "nested exec")] }
        let text = Self.normaliseImports(source)
        code = Array(text)
        readImportsAndAssignments(text)
        var out: [CodeEffect] = []
        var i = 0
        while i < code.count {
            let c = code[i]
            if c == "#" { while i < code.count && code[i] != "\n" { i += 1 }; continue }
            if c == "'" || c == "\"" { i = Self.skipString(code, i); continue }
            guard c.isLetter || c == "_" || (c == "." && i + 1 < code.count && (code[i + 1].isLetter || code[i + 1] == "_")) else { i += 1; continue }
            let start = i
            while i < code.count, code[i].isLetter || code[i].isNumber || code[i] == "_" || code[i] == "." { i += 1 }
            // A string prefix (r'…', b"…", f'…'): not a name.
            if i < code.count, code[i] == "'" || code[i] == "\"" { continue }
            var j = i
            while j < code.count, code[j] == " " { j += 1 }
            guard j < code.count, code[j] == "(" else { continue }
            let run = String(code[start..<i])
            let (args, _) = Self.arguments(code, j)
            out += effects(ofCall: run, at: start, args: args, depth: depth)
            i = j + 1
        }
        return out
    }

    // MARK: calls

    private mutating func effects(ofCall run: String, at start: Int, args: [String], depth: Int) -> [CodeEffect] {
        var name = run
        var receiver: String?
        if run.hasPrefix(".") {
            receiver = Self.receiver(code, before: start)
        } else {
            var parts = run.split(separator: ".").map(String.init)
            if let first = parts.first, let a = aliases[first] { parts[0] = a }
            // `f = os.remove; f(p)`: a variable holding a dotted name.
            if let first = parts.first, let v = variables[first]?.trimmingCharacters(in: .whitespaces),
               !v.isEmpty, v.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) {
                var vp = v.split(separator: ".").map(String.init)
                if let f = vp.first, let a = aliases[f] { vp[0] = a }
                parts = vp + parts.dropFirst()
            }
            name = parts.joined(separator: ".")
            if parts.count == 1, rules.pathCalls[name] == nil, !rules.shellCalls.contains(name), !rules.dynamicCalls.contains(name) {
                for m in starModules where rules.pathCalls[m + "." + name] != nil || rules.shellCalls.contains(m + "." + name) { name = m + "." + name; break }
            }
            if rules.pathCalls[name] == nil, !rules.shellCalls.contains(name), parts.count >= 2,
               let last = parts.last, rules.pathCalls["." + last] != nil {
                receiver = parts.dropLast().joined(separator: ".")
                name = "." + last
            }
        }
        let positional = args.filter { !Self.isKeyword($0) }
        var keywords: [String: String] = [:]
        for a in args where Self.isKeyword(a) {
            guard let eq = a.firstIndex(of: "=") else { continue }
            keywords[a[..<eq].trimmingCharacters(in: .whitespaces)] = String(a[a.index(after: eq)...])
        }
        if let roles = rules.pathCalls[name] {
            var values: [String?] = []
            if name.hasPrefix(".") { values.append(receiver) }
            values += positional.map { Optional($0) }
            var out: [CodeEffect] = []
            let modeIndex = roles.firstIndex(of: "mode")
            for (k, role) in roles.enumerated() {
                var expr = k < values.count ? values[k] : nil
                if expr == nil && role == "mode" { expr = keywords["mode"] }
                if expr == nil && role == "write" { expr = keywords["dst"] ?? keywords["path"] ?? keywords["file"] }
                switch role {
                case "write", "remove":
                    guard let e = expr else { continue }
                    guard let v = value(e) else { out.append(.computedPath(call: name)); continue }
                    out.append(role == "write" ? .write(path: v, call: name) : .remove(path: v, call: name))
                case "path":
                    guard let e = expr else { continue }
                    var modeExpr: String? = keywords["mode"]
                    if let m = modeIndex, m < values.count { modeExpr = values[m] }
                    guard let mode = modeExpr else { continue }  // no mode: 'r'
                    guard let mv = value(mode) else { out.append(.computedPath(call: name)); continue }
                    guard mv.contains(where: { "wax+".contains($0) }) else { continue }
                    guard let v = value(e) else { out.append(.computedPath(call: name)); continue }
                    out.append(.write(path: v, call: name))
                default: continue
                }
            }
            return out
        }
        if rules.shellCalls.contains(name) {
            let execFamily = name.hasPrefix("os.exec") || name.hasPrefix("os.spawn") || name.hasPrefix("os.posix_spawn")
            if let list = positional.first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("[") || $0.trimmingCharacters(in: .whitespaces).hasPrefix("(") }) {
                let inner = String(list.trimmingCharacters(in: .whitespaces).dropFirst().dropLast())
                let items = Self.splitTopLevel(Array(inner), [","]).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                let vs = items.map { value($0) }
                if vs.contains(where: { $0 == nil }) { return [.computedCommand(call: name)] }
                return [.argv(vs.compactMap { $0 }, call: name)]
            }
            let vs = positional.map { value($0) }
            if execFamily {
                let strings = vs.filter { $0 != nil }.compactMap { $0 }
                if strings.count >= 2 { return [.argv(Array(strings.dropFirst()), call: name)] }
            }
            guard let first = vs.first else { return [] }
            guard let text = first else { return [.computedCommand(call: name)] }
            return [.shell(text, call: name)]
        }
        if name == "getattr" { return [.computedCode(call: "getattr with a computed name")] }
        if rules.dynamicCalls.contains(name) {
            guard let first = positional.first else { return [] }
            guard let text = value(first) else { return [.computedCode(call: name)] }
            if name.hasPrefix("runpy.") { return [] }  // a script path or module name
            return [.code(text)]
        }
        return []
    }

    static func isKeyword(_ arg: String) -> Bool {
        let t = arg.trimmingCharacters(in: .whitespaces)
        guard let eq = t.firstIndex(of: "="), eq != t.startIndex else { return false }
        let name = t[..<eq].trimmingCharacters(in: .whitespaces)
        let next = t.index(after: eq)
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && (next == t.endIndex || t[next] != "=")
    }

    // MARK: values

    /// The string an expression evaluates to, when the text alone decides it; nil when computed.
    func value(_ expr: String, depth: Int = 0) -> String? {
        guard depth < 8 else { return nil }
        var e = expr.trimmingCharacters(in: .whitespacesAndNewlines)
        while e.hasPrefix("("), e.hasSuffix(")"), Self.arguments(Array(e), 0).end == e.count - 1 { e = String(e.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces) }
        for suffix in [".resolve()", ".absolute()", ".expanduser()", ".as_posix()"] where e.hasSuffix(suffix) { return value(String(e.dropLast(suffix.count)), depth: depth + 1) }
        if let lit = Self.literal(e) { return lit }
        let plus = Self.splitTopLevel(Array(e), ["+"])
        if plus.count > 1 {
            var s = ""
            for p in plus { guard let v = value(p, depth: depth + 1) else { return nil }; s += v }
            return s
        }
        let slash = Self.splitTopLevel(Array(e), ["/"])
        if slash.count > 1 {
            var parts: [String] = []
            for p in slash { guard let v = value(p, depth: depth + 1) else { return nil }; parts.append(v) }
            return parts.joined(separator: "/")
        }
        let chars = Array(e)
        if let open = chars.firstIndex(of: "("), e.hasSuffix(")") {
            var fn = String(chars[..<open]).trimmingCharacters(in: .whitespaces)
            var parts = fn.split(separator: ".").map(String.init)
            if let first = parts.first, let a = aliases[first] { parts[0] = a }
            fn = parts.joined(separator: ".")
            let joins: Set<String> = ["os.path.join", "posixpath.join", "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "Path", "PurePath", "PosixPath",
                                      "os.fspath", "str", "os.path.abspath", "os.path.realpath", "os.path.normpath", "os.path.expanduser"]
            guard joins.contains(fn) || joins.contains(parts.last ?? "") && parts.first == "pathlib" else { return nil }
            let (args, end) = Self.arguments(chars, open)
            guard end == chars.count - 1 else { return nil }
            var vs: [String] = []
            for a in args { guard let v = value(a, depth: depth + 1) else { return nil }; vs.append(v) }
            return vs.isEmpty ? "." : vs.joined(separator: "/")
        }
        if e.hasPrefix("sys.argv["), e.hasSuffix("]"), let n = Int(e.dropFirst(9).dropLast()) {
            return n >= 0 && n < argv.count ? argv[n] : nil
        }
        if e.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), let v = variables[e] { return value(v, depth: depth + 1) }
        return nil
    }

    /// A single string literal (prefixes r, b, u; an f-string without fields), else nil.
    static func literal(_ e: String) -> String? {
        var s = Substring(e)
        var isF = false
        while let f = s.first, "rRbBuUfF".contains(f), s.count > 1 { if f == "f" || f == "F" { isF = true }; s = s.dropFirst() }
        guard let q = s.first, q == "'" || q == "\"" else { return nil }
        let chars = Array(s)
        guard skipString(chars, 0) == chars.count else { return nil }
        let lits = PythonLiterals.strings(in: String(s))
        guard lits.count == 1, let v = lits.first else { return nil }
        if isF && v.contains("{") { return nil }
        return v
    }

    // MARK: text helpers

    /// Index just past the string literal that starts at `i`.
    static func skipString(_ c: [Character], _ start: Int) -> Int {
        let q = c[start]
        let triple = start + 2 < c.count && c[start + 1] == q && c[start + 2] == q
        var i = start + (triple ? 3 : 1)
        while i < c.count {
            if c[i] == "\\" { i += 2; continue }
            if c[i] == q {
                if !triple { return i + 1 }
                if i + 2 < c.count && c[i + 1] == q && c[i + 2] == q { return i + 3 }
            }
            i += 1
        }
        return c.count
    }

    /// The comma-separated arguments inside the parenthesis at `open`, and the index of its match.
    static func arguments(_ c: [Character], _ open: Int) -> (args: [String], end: Int) {
        var level = 0
        var i = open
        var start = open + 1
        var args: [String] = []
        while i < c.count {
            let ch = c[i]
            if ch == "'" || ch == "\"" { i = skipString(c, i); continue }
            if "([{".contains(ch) { level += 1 }
            if ")]}".contains(ch) {
                level -= 1
                if level == 0 {
                    let last = String(c[start..<i])
                    if !last.trimmingCharacters(in: .whitespaces).isEmpty { args.append(last) }
                    return (args, i)
                }
            }
            if ch == ",", level == 1 { args.append(String(c[start..<i])); start = i + 1 }
            i += 1
        }
        return (args, c.count)
    }

    /// Splits on separators outside strings and brackets.
    static func splitTopLevel(_ c: [Character], _ separators: Set<Character>) -> [String] {
        var out: [String] = []
        var level = 0, i = 0, start = 0
        while i < c.count {
            let ch = c[i]
            if ch == "'" || ch == "\"" { i = skipString(c, i); continue }
            if "([{".contains(ch) { level += 1 }
            if ")]}".contains(ch) { level -= 1 }
            if separators.contains(ch), level <= 0 { out.append(String(c[start..<i])); start = i + 1 }
            i += 1
        }
        out.append(String(c[start..<min(i, c.count)]))
        return out
    }

    /// The expression a method is called on: `Path('x')` in `Path('x').write_text(…)`.
    static func receiver(_ c: [Character], before dot: Int) -> String? {
        var i = dot - 1
        while i >= 0, c[i] == " " { i -= 1 }
        let end = i + 1
        while i >= 0 {
            let ch = c[i]
            if ch == ")" || ch == "]" {
                let open: Character = ch == ")" ? "(" : "["
                var level = 0
                while i >= 0 { if c[i] == ch { level += 1 }; if c[i] == open { level -= 1; if level == 0 { break } }; i -= 1 }
                i -= 1; continue
            }
            if ch == "'" || ch == "\"" { i -= 1; while i >= 0, c[i] != ch { i -= 1 }; i -= 1; continue }
            if ch.isLetter || ch.isNumber || ch == "_" || ch == "." { i -= 1; continue }
            break
        }
        let s = String(c[(i + 1)..<max(end, i + 1)])
        return s.isEmpty ? nil : s
    }

    static func normaliseImports(_ text: String) -> String {
        var t = text
        for (pattern, template) in [(#"__import__\(\s*['"]([\w.]+)['"]\s*\)"#, "$1"), (#"importlib\.import_module\(\s*['"]([\w.]+)['"]\s*\)"#, "$1"),
                                    (#"getattr\(\s*([\w.]+)\s*,\s*['"](\w+)['"]\s*\)"#, "$1.$2")] {
            if let re = try? NSRegularExpression(pattern: pattern) {
                t = re.stringByReplacingMatches(in: t, range: NSRange(t.startIndex..., in: t), withTemplate: template)
            }
        }
        return t
    }

    private mutating func readImportsAndAssignments(_ text: String) {
        for stmt in Self.statements(text) {
            let s = stmt.trimmingCharacters(in: .whitespaces)
            if s.hasPrefix("import ") {
                for item in s.dropFirst(7).split(separator: ",") {
                    let w = item.split(separator: " ").map(String.init)
                    if w.count == 3, w[1] == "as" { aliases[w[2]] = w[0] }
                }
            } else if s.hasPrefix("from "), let r = s.range(of: " import ") {
                let module = s[s.index(s.startIndex, offsetBy: 5)..<r.lowerBound].trimmingCharacters(in: .whitespaces)
                let names = s[r.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: " ()"))
                for item in names.split(separator: ",") {
                    let w = item.split(separator: " ").map(String.init)
                    if w == ["*"] { starModules.append(module) } else if w.count == 3, w[1] == "as" { aliases[w[2]] = module + "." + w[0] } else if w.count == 1 { aliases[w[0]] = module + "." + w[0] }
                }
            } else if let eq = s.firstIndex(of: "=") {
                let name = s[..<eq].trimmingCharacters(in: .whitespaces)
                let rest = s[s.index(after: eq)...]
                if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), rest.first != "=" {
                    variables[name] = variables[name] == nil ? String(rest) : "<reassigned>"
                }
            }
        }
    }

    /// Statements split on newlines and `;` outside strings and brackets.
    static func statements(_ text: String) -> [String] { splitTopLevel(Array(text), ["\n", ";"]) }
}
