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
        let commands: [SimpleCommand]
        do { commands = try ShellParser.parse(text) } catch {
            return PolicyDecision(allowed: false, rule: "unparseable", reason: "cannot parse the command safely: \(error.description)", command: nil)
        }
        var state = EvalState(cwd: cwd, wholeText: text)
        for c in commands {
            if let d = evaluate(c, &state, depth: 0) { return d }
        }
        return .allow
    }

    struct EvalState { var cwd: String; var wholeText: String }

    func evaluate(_ c: SimpleCommand, _ s: inout EvalState, depth: Int) -> PolicyDecision? {
        for r in c.redirects where r.writes {
            let p = resolve(r.target.text, s.cwd)
            if let v = oracle.writeViolation(p) {
                return deny("redirect-to-protected", "output redirection '\(r.op) \(r.target.text)' writes a protected path: \(v)", c.words.map(\.text))
            }
        }
        var words = c.words.map(\.text)
        let keywords: Set<String> = ["{", "}", "!", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "case", "esac", "in", "select", "function", "[[", "]]"]
        if words.first == "for" || words.first == "case" || words.first == "select" { return nil }
        while let f = words.first, keywords.contains(f) || PolicyRulesHelper.isAssignment(f) { words.removeFirst() }
        return evaluateArgv(words, &s, depth: depth)
    }

    func evaluateArgv(_ argv: [String], _ s: inout EvalState, depth: Int) -> PolicyDecision? {
        guard depth < 16 else { return deny("too-deep", "command nests wrappers more than 16 levels deep", argv) }
        guard let first = argv.first else { return nil }
        let name = (first as NSString).lastPathComponent
        let args = Array(argv.dropFirst())

        if name == "cd" || name == "pushd" {
            if let dir = args.first(where: { !$0.hasPrefix("-") }) { s.cwd = resolve(dir, s.cwd) }
            return nil
        }
        if let rule = rules.denyRule(for: name) {
            return deny(rule.rule, "\(name): \(rule.reason)", argv)
        }
        if let w = rules.wrappers[name] {
            if let inner = unwrap(w, args) { return evaluateArgv(inner.argv, &s, depth: depth + 1) ?? inner.extra.flatMap { evaluateText($0, &s, depth: depth + 1) } }
            return nil
        }
        if rules.shells.contains(name) {
            if name == "eval" { return evaluateText(args.joined(separator: " "), &s, depth: depth + 1) }
            var k = 0
            while k < args.count {
                let a = args[k]
                if a == "-c" || (a.hasPrefix("-") && !a.hasPrefix("--") && a.contains("c") && a.count <= 5) {
                    if k + 1 < args.count { return evaluateText(args[k + 1], &s, depth: depth + 1) }
                    return nil
                }
                if !a.hasPrefix("-") { break }
                k += 1
            }
            return nil
        }
        if name == "git" { return evaluateGit(args, &s, argv: argv) }
        if rules.findNames.contains(name) { return evaluateFind(args, &s, argv: argv, depth: depth) }
        if rules.isInterpreter(name) { return evaluateInlineCode(args, &s, argv: argv, depth: depth) }
        if let w = rules.writers[name] { return evaluateWriter(w, args, &s, argv: argv) }
        return nil
    }

    func evaluateText(_ text: String, _ s: inout EvalState, depth: Int) -> PolicyDecision? {
        let commands: [SimpleCommand]
        do { commands = try ShellParser.parse(text) } catch {
            return deny("unparseable", "cannot parse nested shell text safely: \(error.description)", [text])
        }
        for c in commands { if let d = evaluate(c, &s, depth: depth) { return d } }
        return nil
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
            if a.hasPrefix("-") && a.count > 1 {
                if w.optionsWithValue.contains(where: { $0.count == 2 && a.hasPrefix($0) && !$0.hasPrefix("--") }) || a.contains("=") { k += 1; continue }
                k += 1; continue
            }
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
        var out: [String] = []
        var k = 0
        var endOfOptions = false
        while k < args.count {
            let a = args[k]
            if endOfOptions || !a.hasPrefix("-") || a == "-" { out.append(a); k += 1; continue }
            if a == "--" { endOfOptions = true; k += 1; continue }
            if optionsWithValue.contains(a) { k += 2; continue }
            k += 1
        }
        return out
    }

    func evaluateWriter(_ w: PolicyRules.Writer, _ args: [String], _ s: inout EvalState, argv: [String]) -> PolicyDecision? {
        if !w.whenOption.isEmpty {
            let on = args.contains { a in w.whenOption.contains { o in a == o || (a.hasPrefix(o) && o.count >= 2 && !o.hasPrefix("--")) || (o.hasPrefix("--") && a.hasPrefix(o + "=")) } }
            if !on { return nil }
        }
        var ops = operands(args, optionsWithValue: w.optionsWithValue + w.scriptOptions)
        let rule = "write-to-protected"
        switch w.targets {
        case .operands:
            for o in ops { if let v = oracle.writeViolation(resolve(o, s.cwd)) { return deny(rule, "\(w.name) writes \(o): \(v)", argv) } }
        case .key:
            for a in args where a.hasPrefix(w.key ?? "") {
                let o = String(a.dropFirst((w.key ?? "").count))
                if let v = oracle.writeViolation(resolve(o, s.cwd)) { return deny(rule, "\(w.name) \(a): \(v)", argv) }
            }
        case .operandsAfterScript:
            let hasScriptOption = args.contains { a in w.scriptOptions.contains { a == $0 || a.hasPrefix($0 + "=") } }
            if !hasScriptOption && !ops.isEmpty { ops.removeFirst() }
            for o in ops { if let v = oracle.writeViolation(resolve(o, s.cwd)) { return deny("in-place-edit", "\(w.name) edits \(o) in place: \(v)", argv) } }
        case .destination:
            var targetDir: String?
            for (k, a) in args.enumerated() {
                if (a == "-t" || a == "--target-directory"), k + 1 < args.count { targetDir = args[k + 1] }
                if a.hasPrefix("--target-directory=") { targetDir = String(a.dropFirst(19)) }
            }
            let sources: [String]
            let dest: String
            if let t = targetDir { dest = t; sources = ops } else {
                guard ops.count >= 2 || (w.name == "ln" && ops.count == 1) else { break }
                if ops.count == 1 { dest = "."; sources = ops } else { dest = ops.last!; sources = Array(ops.dropLast()) }
            }
            let d = resolve(dest, s.cwd)
            if let v = oracle.writeViolation(d) { return deny(rule, "\(w.name) writes into \(dest): \(v)", argv) }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: d, isDirectory: &isDir), isDir.boolValue {
                for src in sources {
                    let target = d + "/" + (src as NSString).lastPathComponent
                    if let v = oracle.writeViolation(PathResolution.resolve(target, relativeTo: "/")) { return deny(rule, "\(w.name) writes \(target): \(v)", argv) }
                }
            }
            if w.removes == .sources {
                for src in sources { if let v = oracle.removeViolation(resolve(src, s.cwd)) { return deny("remove-protected", "\(w.name) moves \(src) away: \(v)", argv) } }
            }
        case .none: break
        }
        if w.removes == .operands {
            for o in ops {
                let p = resolveForRemoval(o, s.cwd)
                if let v = oracle.removeViolation(p) { return deny("remove-protected", "\(w.name) removes \(o): \(v)", argv) }
            }
        }
        return nil
    }

    func evaluateGit(_ args: [String], _ s: inout EvalState, argv: [String]) -> PolicyDecision? {
        var k = 0
        var cwd = s.cwd
        while k < args.count, args[k].hasPrefix("-") {
            let a = args[k]
            if a == "-C", k + 1 < args.count { cwd = resolve(args[k + 1], cwd); k += 2; continue }
            if ["-c", "--git-dir", "--work-tree", "--namespace"].contains(a) { k += 2; continue }
            k += 1
        }
        guard k < args.count else { return nil }
        let sub = args[k]
        let rest = Array(args[(k + 1)...])
        if rules.gitDenyAlways.contains(sub) { return deny("git-revert", "git \(sub) can rewrite tracked files wholesale; the RUN phase must never use it", argv) }
        guard rules.gitPathScoped.contains(sub) else { return nil }
        let paths = operands(rest, optionsWithValue: ["-m", "-b", "-B", "--orphan", "-s", "--source", "--conflict", "-e", "--exclude"])
        if paths.isEmpty { return deny("git-revert", "git \(sub) without paths acts on the whole tree, which holds protected files", argv) }
        for p in paths {
            let abs = resolveForRemoval(p, cwd)
            if !FileManager.default.fileExists(atPath: abs) && sub != "rm" && sub != "mv" {
                return deny("git-revert", "git \(sub) \(p): '\(p)' is not a path in the working tree (a branch or commit would change the whole tree)", argv)
            }
            if let v = oracle.removeViolation(abs) { return deny("git-revert", "git \(sub) \(p): \(v)", argv) }
        }
        return nil
    }

    func evaluateFind(_ args: [String], _ s: inout EvalState, argv: [String], depth: Int) -> PolicyDecision? {
        var starts: [String] = []
        var k = 0
        while k < args.count, !args[k].hasPrefix("-"), args[k] != "(", args[k] != "!" { starts.append(args[k]); k += 1 }
        if starts.isEmpty { starts = ["."] }
        let resolved = starts.map { resolveForRemoval($0, s.cwd) }
        while k < args.count {
            let a = args[k]
            if rules.findDeleteActions.contains(a) {
                for (i, p) in resolved.enumerated() {
                    if let v = oracle.removeViolation(p) { return deny("remove-protected", "find \(starts[i]) \(a): \(v)", argv) }
                }
            }
            if rules.findExecActions.contains(a) {
                var cmd: [String] = []
                k += 1
                while k < args.count, args[k] != ";", args[k] != "+" { cmd.append(args[k]); k += 1 }
                for p in resolved {
                    let inner = cmd.map { $0.replacingOccurrences(of: "{}", with: p) }
                    var sub = s
                    if let d = evaluateArgv(inner, &sub, depth: depth + 1) {
                        return deny("find-exec", "find \(a) would run: \(d.reason)", argv)
                    }
                }
            }
            k += 1
        }
        return nil
    }

    func evaluateInlineCode(_ args: [String], _ s: inout EvalState, argv: [String], depth: Int) -> PolicyDecision? {
        var code: String?
        for (k, a) in args.enumerated() {
            if rules.codeOptions.contains(a), k + 1 < args.count { code = args[k + 1]; break }
            if let o = rules.codeOptions.first(where: { a.hasPrefix($0) && a.count > $0.count }) { code = String(a.dropFirst(o.count)); break }
            if !a.hasPrefix("-") { break }  // a script file: its contents are not policy's to read
        }
        guard let code else { return nil }
        if let call = rules.denyCalls.first(where: { code.contains($0) }) {
            return deny("inline-code-permission", "inline code calls \(call), which changes permissions, ownership or privileges", argv)
        }
        let literals = PythonLiterals.strings(in: code)
        if rules.shellCalls.contains(where: { code.contains($0) }) {
            for lit in literals {
                if let d = evaluateText(lit, &s, depth: depth + 1) { return deny("inline-code-shell", "inline code runs shell text: \(d.reason)", argv) }
            }
            let joined = literals.joined(separator: " ")
            if let d = evaluateText(joined, &s, depth: depth + 1) { return deny("inline-code-shell", "inline code runs a command: \(d.reason)", argv) }
        }
        let writesViaOpen = code.contains("open(") && literals.contains { l in
            l.count <= 4 && !l.isEmpty && l.allSatisfy({ "rwxabt+".contains($0) }) && l.contains(where: { "wxa+".contains($0) })
        }
        let pathCall = rules.pathCalls.first { c in c == "open(" ? writesViaOpen : code.contains(c) }
        if let call = pathCall {
            let removal = ["remove", "unlink", "rmdir", "rmtree", "rename", "replace", "move"].contains { call.contains($0) }
            for lit in literals where !lit.isEmpty && lit.count < 4096 && !lit.contains("\n") {
                let p = resolve(lit, s.cwd)
                if let v = removal && lit != "." && lit != "./" ? oracle.removeViolation(p) : oracle.writeViolation(p) { return deny("inline-code-write", "inline code calls \(call) and names \(lit): \(v)", argv) }
            }
        }
        return nil
    }

    func resolve(_ path: String, _ cwd: String) -> String {
        var p = path
        if let star = p.firstIndex(where: { "*?[".contains($0) }) {
            // A glob: judge by its fixed directory prefix plus a wildcard child.
            let prefix = String(p[..<star])
            p = (prefix.hasSuffix("/") || prefix.isEmpty) ? prefix + "__glob__" : prefix + "__glob__"
        }
        return PathResolution.resolve(p, relativeTo: cwd)
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
        PolicyDecision(allowed: false, rule: rule, reason: reason, command: argv.joined(separator: " "))
    }
}

enum PolicyRulesHelper {
    static func isAssignment(_ s: String) -> Bool { ShellParser.assignment(s) != nil }
}
