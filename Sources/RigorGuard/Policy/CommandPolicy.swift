import Foundation

/// The verdict on one piece of shell text.
public struct PolicyDecision: Sendable, Equatable {
    public var allowed: Bool
    /// The rule that fired ("permission-change", "redirect-to-protected", …); nil when allowed.
    public var rule: String?
    /// One line for people and for the agent.
    public var reason: String
    /// The simple command that fired, as words.
    public var command: String?

    static let allow = PolicyDecision(allowed: true, rule: nil, reason: "no rule denies this command", command: nil)
}

/// Decides whether shell text may run: parses it (`ShellParser`) and applies `PolicyRules`.
public struct CommandPolicy: Sendable {
    public let rules: PolicyRules
    public let oracle: any ProtectionOracle

    public init(rules: PolicyRules, oracle: any ProtectionOracle) {
        self.rules = rules; self.oracle = oracle
    }

    /// The built-in rules (or the workspace's `.rigor/command-policy.yaml`, or `policyFile`).
    public static func load(oracle: any ProtectionOracle, workspaceRoot: String?, policyFile: String? = nil) throws(GuardError) -> CommandPolicy {
        var path = policyFile
        if path == nil, let root = workspaceRoot, FileManager.default.fileExists(atPath: root + "/.rigor/command-policy.yaml") {
            path = root + "/.rigor/command-policy.yaml"
        }
        guard let path else { return CommandPolicy(rules: try PolicyRules.parse(yaml: defaultYAML, source: "built-in"), oracle: oracle) }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw .badPolicy(source: path, line: nil, message: "cannot read: \(error)") }
        return CommandPolicy(rules: try PolicyRules.parse(yaml: text, source: path), oracle: oracle)
    }

    /// Evaluates shell text run in `cwd`. Unparseable text is denied (rule `unparseable`).
    public func evaluate(_ text: String, cwd: String) -> PolicyDecision {
        var state = EvalState(cwd: cwd)
        return evaluateText(text, &state, depth: 0) ?? .allow
    }

    /// Where evaluation stands: the modelled working directory and what earlier commands made.
    struct EvalState {
        /// nil once a `cd` went somewhere the text does not say.
        var cwd: String?
        var oldCwd: String?
        var dirStack: [String?] = []
        var scopes: [(cwd: String?, oldCwd: String?, dirStack: [String?])] = []
        /// Symbolic links created earlier in the same text: link path → target (absolute).
        var links: [String: String] = [:]
        /// Files written by redirections earlier in the same text (absolute): what is on disk now
        /// is not what a later command of the text will read from them.
        var written: Set<String> = []
        /// The current command's standard input.
        var stdin: StdinSource = .none
        var commandsById: [Int: SimpleCommand] = [:]
        init(cwd: String) { self.cwd = cwd }
    }

    /// What a command reads on standard input.
    enum StdinSource: Equatable {
        case none
        case text(String)
        case file(String)
        /// Output of a command the policy cannot read (its name).
        case computed(String)
    }

    func evaluateText(_ text: String, _ s: inout EvalState, depth: Int) -> PolicyDecision? {
        let commands: [SimpleCommand]
        do { commands = try ShellParser.parse(text) } catch {
            return deny("unparseable", depth == 0 ? "cannot parse the command safely: \(error.description)" : "cannot parse nested shell text safely: \(error.description)", [text])
        }
        let saved = s.commandsById
        for c in commands { s.commandsById[c.id] = c }
        defer { s.commandsById = saved }
        for c in commands { if let d = evaluate(c, &s, depth: depth) { return d } }
        return nil
    }

    func evaluate(_ c: SimpleCommand, _ s: inout EvalState, depth: Int) -> PolicyDecision? {
        switch c.scope {
        case .enter?: s.scopes.append((s.cwd, s.oldCwd, s.dirStack)); return nil
        case .exit?:
            if let top = s.scopes.popLast() { s.cwd = top.cwd; s.oldCwd = top.oldCwd; s.dirStack = top.dirStack }
            return nil
        case nil: break
        }
        var words = c.words.map(\.text)
        for r in c.redirects where r.writes {
            if let v = writeViolation(r.target.text, s) {
                return deny("redirect-to-protected", "output redirection '\(r.op) \(r.target.text)' writes a protected path: \(v)", words)
            }
            if let cwd = s.cwd { s.written.insert(resolve(r.target.text, cwd, links: s.links)) }
        }
        let keywords: Set<String> = ["{", "}", "!", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "case", "esac", "in", "select", "function", "[[", "]]"]
        if words.first == "for" || words.first == "case" || words.first == "select" { return nil }
        while let f = words.first, keywords.contains(f) || PolicyRulesHelper.isAssignment(f) { words.removeFirst() }
        s.stdin = stdinSource(c, s)
        defer { s.stdin = .none }
        return evaluateArgv(words, &s, depth: depth)
    }

    func stdinSource(_ c: SimpleCommand, _ s: EvalState) -> StdinSource {
        if let t = c.stdinText { return .text(t) }
        if let r = c.redirects.last(where: { $0.op == "<" }) { return .file(r.target.text) }
        guard let from = c.pipedFrom, let p = s.commandsById[from] else { return .none }
        let pw = p.words.map(\.text)
        let name = pw.first.map { ($0 as NSString).lastPathComponent } ?? ""
        let literal = !p.words.contains { $0.hasUnknownExpansion }
        if name == "echo", literal { return .text(pw.dropFirst().filter { !["-n", "-e", "-E"].contains($0) }.joined(separator: " ") + "\n") }
        if name == "printf", literal, pw.count >= 2 {
            return .text(pw[1].replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t") + pw.dropFirst(2).joined(separator: " "))
        }
        if name == "cat", pw.count == 1, let t = p.stdinText { return .text(t) }
        if name == "cat", pw.count == 2, literal { return .file(pw[1]) }
        return .computed(pw.prefix(3).joined(separator: " "))
    }

    func evaluateArgv(_ argv: [String], _ s: inout EvalState, depth: Int) -> PolicyDecision? {
        guard depth < 16 else { return deny("too-deep", "command nests wrappers more than 16 levels deep", argv) }
        guard let first = argv.first else { return nil }
        let name = (first as NSString).lastPathComponent
        let args = Array(argv.dropFirst())

        if ["cd", "pushd", "popd"].contains(name) { changeDirectory(name, args, &s); return nil }
        if let rule = rules.denyRule(for: name) {
            return deny(rule.rule, "\(name): \(rule.reason)", argv)
        }
        if rules.rigor.names.contains(name) { return evaluateRigor(args, &s, argv: argv, depth: depth) }
        if let w = rules.wrappers[name] {
            if w.stdinOperands, case .text(let input) = s.stdin, let inner = unwrap(w, args) {
                for run in Self.stdinRuns(w, args, inner.argv, input) { if let d = evaluateArgv(run, &s, depth: depth + 1) { return d } }
                return nil
            }
            if let inner = unwrap(w, args) { return evaluateArgv(inner.argv, &s, depth: depth + 1) ?? inner.extra.flatMap { evaluateText($0, &s, depth: depth + 1) } }
            return nil
        }
        if rules.shells.contains(name) { return evaluateShell(name, args, &s, argv: argv, depth: depth) }
        if name == "git" { return evaluateGit(args, &s, argv: argv, depth: depth) }
        if rules.findNames.contains(name) { return evaluateFind(args, &s, argv: argv, depth: depth) }
        if rules.isInterpreter(name) { return evaluatePython(args, &s, argv: argv, depth: depth) }
        if let e = rules.extractors[name], let d = evaluateExtractor(e, args, s, argv: argv) { return d }
        if let lang = rules.scripting(for: name), let d = evaluateScript(lang, args, &s, argv: argv, depth: depth) { return d }
        if let w = rules.writers[name] { return evaluateWriter(w, args, &s, argv: argv) }
        return nil
    }

    /// `cd`, `pushd`, `popd`: the directory later relative paths resolve against.
    func changeDirectory(_ name: String, _ args: [String], _ s: inout EvalState) {
        let operands = args.filter { !$0.hasPrefix("-") || $0 == "-" }
        let dir = operands.first
        func go(_ target: String?) {
            let before = s.cwd
            if let t = target.map({ substituteKnown($0, s) }), !t.contains("$") {
                s.cwd = t.hasPrefix("/") ? resolve(t, "/") : s.cwd.map { resolve(t, $0) }
            } else { s.cwd = nil }
            s.oldCwd = before
        }
        switch name {
        case "cd":
            if dir == "-" { let old = s.oldCwd; s.oldCwd = s.cwd; s.cwd = old; return }
            go(dir ?? (ProcessInfo.processInfo.environment["HOME"] ?? "/root"))
        case "pushd":
            if let d = dir, !d.hasPrefix("+") && !d.hasPrefix("-") {
                let here = s.cwd
                go(d)
                s.dirStack.append(here)
            } else if dir == nil, let top = s.dirStack.popLast() {
                let here = s.cwd
                go(top)
                s.dirStack.append(here)
            } else { go(nil) }
        default:  // popd
            if let top = s.dirStack.popLast() { let before = s.cwd; s.cwd = top; s.oldCwd = before } else { go(nil) }
        }
    }

    /// `sh -c TEXT`, `eval WORDS`, a shell reading its program from standard input.
    func evaluateShell(_ name: String, _ args: [String], _ s: inout EvalState, argv: [String], depth: Int) -> PolicyDecision? {
        if name == "eval" {
            let text = args.joined(separator: " ")
            if text.contains("$") { return deny("cannot-analyse", "cannot analyse: eval of computed text (\(text)); the policy cannot see what it would run", argv) }
            return evaluateText(text, &s, depth: depth + 1)
        }
        var k = 0
        while k < args.count {
            let a = args[k]
            if a == "-c" || (a.hasPrefix("-") && !a.hasPrefix("--") && a.contains("c") && a.count <= 5) {
                guard k + 1 < args.count else { return nil }
                var text = args[k + 1]
                // `sh -c TEXT NAME ARG…`: NAME is $0, then $1 …
                let positional = Array(args[(k + 2)...])
                for (n, v) in positional.enumerated().reversed() where n < 10 {
                    text = text.replacingOccurrences(of: "${\(n)}", with: v).replacingOccurrences(of: "$\(n)", with: v)
                }
                if positional.count > 1 { text = text.replacingOccurrences(of: "\"$@\"", with: positional.dropFirst().joined(separator: " ")).replacingOccurrences(of: "$@", with: positional.dropFirst().joined(separator: " ")) }
                if text.contains("$(…)") || text.hasPrefix("$") && text.dropFirst().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "{" || $0 == "}" }) {
                    return deny("cannot-analyse", "cannot analyse: \(name) -c of computed text (\(text))", argv)
                }
                return evaluateText(text, &s, depth: depth + 1)
            }
            if a == "-s" || a == "-" { break }  // the program comes from standard input
            if !a.hasPrefix("-") && !a.hasPrefix("+") { return nil }  // a script file: the sandbox's job
            if a == "-o" || a == "+o" { k += 1 }
            k += 1
        }
        return evaluateStdinProgram(language: name, &s, argv: argv, depth: depth) { text, st in evaluateText(text, &st, depth: depth + 1) }
    }

    /// A shell or interpreter whose program arrives on standard input.
    func evaluateStdinProgram(language: String, _ s: inout EvalState, argv: [String], depth: Int,
                              judge: (String, inout EvalState) -> PolicyDecision?) -> PolicyDecision? {
        switch s.stdin {
        case .none, .file: return nil
        case .text(let t): return judge(t, &s)
        case .computed(let producer):
            let producerName = (producer.split(separator: " ").first.map(String.init) ?? producer)
            let what = rules.decoders.contains((producerName as NSString).lastPathComponent) ? "decoded or downloaded text" : "computed text"
            return deny("cannot-analyse", "cannot analyse: \(what) from '\(producer)' piped into \(language); the policy cannot see what it would run", argv)
        }
    }

    /// The commands xargs runs for literal input: each line replaces the `-I` string, or the
    /// words are appended.
    static func stdinRuns(_ w: PolicyRules.Wrapper, _ args: [String], _ inner: [String], _ input: String) -> [[String]] {
        var replace: String?
        for (k, a) in args.enumerated() {
            guard w.replaceOptions.contains(where: { a == $0 || a.hasPrefix($0) }) else { continue }
            if a == "-I", k + 1 < args.count { replace = args[k + 1] } else if a.hasPrefix("--replace=") { replace = String(a.dropFirst(10)) } else if a.hasPrefix("-i"), a.count > 2 { replace = String(a.dropFirst(2)) } else { replace = "{}" }
        }
        let cmd = inner.isEmpty ? ["echo"] : inner
        guard let r = replace else { return [cmd + input.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)] }
        return input.split(separator: "\n").map { line in cmd.map { $0.replacingOccurrences(of: r, with: String(line)) } }
    }

    /// Skips a wrapper's options; returns the wrapped argv (and `env -S` text to parse).
    func unwrap(_ w: PolicyRules.Wrapper, _ args: [String]) -> (argv: [String], extra: String?)? {
        var k = 0
        var extra: String?
        var leading = w.leadingOperands
        while k < args.count {
            let a = args[k]
            if w.flagsStop.contains(a) { return nil }
            if w.splitOption.contains(a), k + 1 < args.count { extra = args[k + 1]; k += 2; continue }
            if let sp = w.splitOption.first(where: { $0.hasPrefix("--") && a.hasPrefix($0 + "=") }) { extra = String(a.dropFirst(sp.count + 1)); k += 1; continue }
            if a == "--" { k += 1; break }
            if w.optionsWithValue.contains(a) { k += 2; continue }
            if a.hasPrefix("-") && a.count > 1 { k += 1; continue }
            if w.skipAssignments && PolicyRulesHelper.isAssignment(a) { k += 1; continue }
            if leading > 0 { leading -= 1; k += 1; continue }
            break
        }
        let rest = Array(args[min(k, args.count)...])
        if rest.isEmpty && extra == nil { return nil }
        if rest.isEmpty, let e = extra { return ([], e) }
        return (rest, extra)
    }

    /// Operands (non-options) of a command, honouring `--` and options that take values.
    func operands(_ args: [String], optionsWithValue: [String]) -> [String] {
        OptionScan(withValue: optionsWithValue).operands(args)
    }

    /// Whether a path (as written, relative to the modelled cwd) may be written; the reason if not.
    func writeViolation(_ word: String, _ s: EvalState) -> String? {
        switch candidates(word, s) {
        case .failure(let why): return why.message
        case .success(let (cwd, paths)):
            for p in paths { if let v = oracle.writeViolation(resolve(p, cwd, links: s.links)) { return v } }
            return nil
        }
    }

    /// Whether a path may be removed or moved away (the final symlink itself is what goes).
    func removeViolation(_ word: String, _ s: EvalState) -> String? {
        switch candidates(word, s) {
        case .failure(let why): return why.message
        case .success(let (cwd, paths)):
            for p in paths { if let v = oracle.removeViolation(resolveForRemoval(p, cwd)) { return v } }
            return nil
        }
    }

    struct Unresolvable: Error { var message: String }

    /// `$PWD` (the modelled directory) and `$HOME` replaced by their values.
    func substituteKnown(_ word: String, _ s: EvalState) -> String {
        var w = word
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        if let cwd = s.cwd { for v in ["${PWD}", "$PWD"] { w = w.replacingOccurrences(of: v, with: cwd) } }
        for v in ["${HOME}", "$HOME"] { w = w.replacingOccurrences(of: v, with: home) }
        return w
    }

    /// The paths a word may stand for, and the directory they are relative to. `$PWD` and
    /// `$HOME` are known; any other expansion is only allowed in the last component (the
    /// folder is then still known).
    func candidates(_ word: String, _ s: EvalState) -> Result<(String, [String]), Unresolvable> {
        let w = substituteKnown(word, s)
        if let dollar = w.firstIndex(of: "$"), let slash = w.lastIndex(of: "/"), dollar < slash {
            return .failure(Unresolvable(message: "cannot analyse: '\(word)' names a folder computed at run time"))
        }
        guard let cwd = s.cwd ?? (w.hasPrefix("/") ? "/" : nil) else {
            return .failure(Unresolvable(message: "cannot analyse: '\(word)' is relative to a directory the text does not name (after a computed cd)"))
        }
        return .success((cwd, PathCandidates.expand(w, cwd: cwd)))
    }

    /// A path resolved like the kernel would, following symlinks made earlier in the text.
    func resolve(_ path: String, _ cwd: String, links: [String: String] = [:]) -> String {
        var p = path
        if let star = p.firstIndex(where: { "*?[".contains($0) }) { p = String(p[..<star]) + "__glob__" }
        var lex = PathResolution.lexical(p.hasPrefix("/") ? p : cwd + "/" + p)
        // /proc/PID/root/X is X seen from that process's root (the same filesystem here).
        let parts = lex.split(separator: "/", maxSplits: 3)
        if parts.count >= 3, parts[0] == "proc", parts[2] == "root" { lex = "/" + (parts.count > 3 ? String(parts[3]) : "") }
        for _ in 0..<8 {
            guard let (link, target) = links.first(where: { lex == $0.key || lex.hasPrefix($0.key + "/") }) else { break }
            lex = PathResolution.lexical(target + lex.dropFirst(link.count))
        }
        return PathResolution.resolve(lex, relativeTo: "/")
    }

    /// For removals the final symlink is not followed (rm of a link removes the link).
    func resolveForRemoval(_ path: String, _ cwd: String) -> String {
        let full = path.hasPrefix("/") ? path : cwd + "/" + path
        let lex = PathResolution.lexical(full)
        if lex.contains(where: { "*?[".contains($0) }) { return resolve(path, cwd) }
        let parent = PathResolution.resolve((lex as NSString).deletingLastPathComponent, relativeTo: "/")
        return parent == "/" ? "/" + (lex as NSString).lastPathComponent : parent + "/" + (lex as NSString).lastPathComponent
    }

    func deny(_ rule: String, _ reason: String, _ argv: [String]) -> PolicyDecision {
        // A path the text cannot pin down is reported as such, whatever rule met it.
        if rule != "cannot-analyse", let r = reason.range(of: "cannot analyse: ") {
            return PolicyDecision(allowed: false, rule: "cannot-analyse", reason: String(reason[r.lowerBound...]), command: argv.joined(separator: " "))
        }
        return PolicyDecision(allowed: false, rule: rule, reason: reason, command: argv.joined(separator: " "))
    }
}

enum PolicyRulesHelper {
    static func isAssignment(_ s: String) -> Bool { ShellParser.assignment(s) != nil }
}
