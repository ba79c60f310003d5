import Foundation

/// Inline programs (`python3 -c`, `python3 -` with a here-document, `perl -e`, `node -e`,
/// awk …) and Rigor's own CLI.
extension CommandPolicy {
    func evaluatePython(_ args: [String], _ s: inout EvalState, argv: [String], depth: Int) -> PolicyDecision? {
        var code: String?
        var k = 0
        var fromStdin = true
        while k < args.count {
            let a = args[k]
            if rules.codeOptions.contains(a), k + 1 < args.count { code = args[k + 1]; k += 2; fromStdin = false; break }
            if let o = rules.codeOptions.first(where: { a.hasPrefix($0) && a.count > $0.count && !a.hasPrefix("--") }) { code = String(a.dropFirst(o.count)); k += 1; fromStdin = false; break }
            if a == "-m" { return nil }  // a module: not policy's to read
            if a == "-" { k += 1; break }
            if ["-W", "-X", "-Q"].contains(a) { k += 2; continue }
            if !a.hasPrefix("-") { return nil }  // a script file: its contents are not policy's to read
            k += 1
        }
        let operands = Array(args[min(k, args.count)...])
        if let code { return judgePython(code, operands: operands, &s, argv: argv, depth: depth) }
        guard fromStdin, rules.stdinCode else { return nil }
        return evaluateStdinProgram(language: argv.first ?? "python", &s, argv: argv, depth: depth) { text, st in
            judgePython(text, operands: operands, &st, argv: argv, depth: depth)
        }
    }

    func judgePython(_ code: String, operands: [String], _ s: inout EvalState, argv: [String], depth: Int) -> PolicyDecision? {
        let normalised = PythonCode.normaliseImports(code)
        if let call = rules.denyCalls.first(where: { normalised.contains($0) }) {
            return deny("inline-code-permission", "inline code calls \(call), which changes permissions, ownership or privileges", argv)
        }
        var reader = PythonCode(rules: rules, argv: ["-c"] + operands)
        return judge(reader.effects(of: code), &s, argv: argv, depth: depth) { inner, st in
            judgePython(inner, operands: operands, &st, argv: argv, depth: depth + 1)
        }
    }

    /// perl/node/ruby/php/lua/awk programs given inline.
    func evaluateScript(_ lang: PolicyRules.Scripting, _ args: [String], _ s: inout EvalState, argv: [String], depth: Int) -> PolicyDecision? {
        var codes: [String] = []
        var k = 0
        var programFile = false
        var inPlace = false
        var operands: [String] = []
        let awk = lang.programOperand
        while k < args.count {
            let a = args[k]
            if a == "--" { operands += args[(k + 1)...]; break }
            if lang.codeOptions.contains(a), k + 1 < args.count { codes.append(args[k + 1]); k += 2; continue }
            if let o = lang.codeOptions.first(where: { $0.count == 2 && a.hasPrefix($0) && a.count > 2 }) { codes.append(String(a.dropFirst(o.count))); k += 1; continue }
            if let o = lang.codeOptions.first(where: { $0.hasPrefix("--") && a.hasPrefix($0 + "=") }) { codes.append(String(a.dropFirst(o.count + 1))); k += 1; continue }
            if !lang.inPlace.isEmpty, a == "-i" || a == "--include", k + 1 < args.count, lang.inPlace.contains(args[k + 1]) { inPlace = true; k += 2; continue }
            if !lang.inPlace.isEmpty, a.hasPrefix("--include="), lang.inPlace.contains(String(a.dropFirst(10))) { inPlace = true; k += 1; continue }
            if lang.fileOptions.contains(a) { programFile = true; k += 2; continue }
            if awk, ["-F", "-v", "-i", "--include", "-l", "--load"].contains(a) { k += 2; continue }
            if a.hasPrefix("-") && a.count > 1 {
                // perl's combined flags (-ne, -pe, -wle): an `e`/`E` at the end takes the next word as code.
                if !awk, !a.hasPrefix("--"), let last = a.last, lang.codeOptions.contains("-" + String(last)), k + 1 < args.count {
                    codes.append(args[k + 1]); k += 2; continue
                }
                k += 1; continue
            }
            operands.append(a); k += 1
        }
        if awk, codes.isEmpty, !programFile, !operands.isEmpty { codes.append(operands.removeFirst()) }
        if inPlace {
            for o in operands { if let v = writeViolation(o, s) { return deny("in-place-edit", "\(argv.first ?? "awk") -i inplace edits \(o): \(v)", argv) } }
        }
        let reader = ScriptCode(language: lang)
        if codes.isEmpty {
            guard !programFile, operands.isEmpty || awk == false && operands == ["-"] else { return nil }
            return evaluateStdinProgram(language: argv.first ?? "interpreter", &s, argv: argv, depth: depth) { text, st in
                judge(reader.effects(of: text, operands: []), &st, argv: argv, depth: depth) { _, _ in nil }
            }
        }
        for code in codes {
            if let d = judge(reader.effects(of: code, operands: operands), &s, argv: argv, depth: depth, nested: { _, _ in nil }) { return d }
        }
        return nil
    }

    /// Turns what inline code does into a decision.
    func judge(_ effects: [CodeEffect], _ s: inout EvalState, argv: [String], depth: Int,
               nested: (String, inout EvalState) -> PolicyDecision?) -> PolicyDecision? {
        for e in effects {
            switch e {
            case .write(let p, let call):
                if let v = writeViolation(p, s) { return deny("inline-code-write", "inline code calls \(call) and writes \(p): \(v)", argv) }
            case .remove(let p, let call):
                if p != ".", p != "./", let v = removeViolation(p, s) { return deny("inline-code-write", "inline code calls \(call) and removes \(p): \(v)", argv) }
            case .computedPath(let call):
                return deny("cannot-analyse", "cannot analyse: inline code calls \(call) on a path computed at run time; write to a literal path outside the protected set", argv)
            case .shell(let text, let call):
                if let d = evaluateText(text, &s, depth: depth + 1) { return deny("inline-code-shell", "inline code runs shell text through \(call): \(d.reason)", argv) }
            case .argv(let words, let call):
                if let d = evaluateArgv(words, &s, depth: depth + 1) { return deny("inline-code-shell", "inline code runs a command through \(call): \(d.reason)", argv) }
            case .computedCommand(let call):
                return deny("cannot-analyse", "cannot analyse: inline code runs a command computed at run time through \(call)", argv)
            case .code(let text):
                if let d = nested(text, &s) { return d }
            case .computedCode(let call):
                return deny("cannot-analyse", "cannot analyse: inline code runs code computed at run time through \(call)", argv)
            }
        }
        return nil
    }

    /// `rigor exec … -- CMD` runs CMD (judged as a command); the guard's own re-baseline and
    /// verification are the harness's.
    func evaluateRigor(_ args: [String], _ s: inout EvalState, argv: [String], depth: Int) -> PolicyDecision? {
        let words = args.filter { !$0.hasPrefix("-") }
        for h in rules.rigor.harnessOnly {
            let parts = h.split(separator: " ").map(String.init)
            if Array(words.prefix(parts.count)) == parts { return deny("rigor-harness-only", "rigor \(h): \(rules.rigor.reason)", argv) }
        }
        for l in rules.rigor.launchers {
            let parts = l.split(separator: " ").map(String.init)
            guard Array(words.prefix(parts.count)) == parts else { continue }
            guard let sep = args.firstIndex(of: "--") else { return nil }
            return evaluateArgv(Array(args[(sep + 1)...]), &s, depth: depth + 1)
        }
        return nil
    }
}
