import Foundation

/// Commands that write, remove, link or extract the paths they are given.
extension CommandPolicy {
    func optionScan(_ w: PolicyRules.Writer) -> OptionScan {
        OptionScan(withValue: w.optionsWithValue + w.scriptOptions + w.outputOptions, attached: w.attachedValue,
                   digits: w.digitValue, endsCluster: w.whenOption.filter { $0.count == 2 })
    }

    func evaluateWriter(_ w: PolicyRules.Writer, _ args: [String], _ s: inout EvalState, argv: [String]) -> PolicyDecision? {
        let scan = optionScan(w)
        let rule = "write-to-protected"
        for o in scan.values(of: w.outputOptions, in: args) {
            if let v = writeViolation(o, s) { return deny(rule, "\(w.name) writes its output to \(o): \(v)", argv) }
        }
        if !w.fileURLWritesWhen.isEmpty, scan.has(w.fileURLWritesWhen, in: args) {
            for a in args where a.hasPrefix("file://") {
                let path = String(a.dropFirst(7))
                if let v = writeViolation(path, s) { return deny(rule, "\(w.name) uploads into \(a): \(v)", argv) }
            }
        }
        if !w.whenOption.isEmpty, !scan.has(w.whenOption, in: args) { return nil }
        var ops = scan.operands(args)
        switch w.targets {
        case .operands:
            for o in ops { if let v = writeViolation(o, s) { return deny(rule, "\(w.name) writes \(o): \(v)", argv) } }
        case .key:
            for a in args where a.hasPrefix(w.key ?? "") {
                let o = String(a.dropFirst((w.key ?? "").count))
                if let v = writeViolation(o, s) { return deny(rule, "\(w.name) \(a): \(v)", argv) }
            }
        case .operandsAfterScript:
            let hasScriptOption = scan.has(w.scriptOptions, in: args)
            if !hasScriptOption && !ops.isEmpty { ops.removeFirst() }
            for o in ops { if let v = writeViolation(o, s) { return deny("in-place-edit", "\(w.name) edits \(o) in place: \(v)", argv) } }
        case .destination:
            if let d = evaluateDestination(w, args, ops, scan, &s, argv: argv) { return d }
        case .patch:
            if let d = evaluatePatchTool(args, ops, scan, s, argv: argv) { return d }
        case .none: break
        }
        if w.removes == .operands {
            for o in ops { if let v = removeViolation(o, s) { return deny("remove-protected", "\(w.name) removes \(o): \(v)", argv) } }
        }
        return nil
    }

    private func evaluateDestination(_ w: PolicyRules.Writer, _ args: [String], _ ops: [String], _ scan: OptionScan,
                                     _ s: inout EvalState, argv: [String]) -> PolicyDecision? {
        let rule = "write-to-protected"
        let targetDir = scan.values(of: ["-t", "--target-directory"], in: args).last
        let sources: [String]
        let dest: String
        if let t = targetDir { dest = t; sources = ops } else {
            guard let last = ops.last, ops.count >= 2 || (w.name == "ln" && ops.count == 1) else { return nil }
            if ops.count == 1 { dest = "."; sources = ops } else { dest = last; sources = Array(ops.dropLast()) }
        }
        if let v = writeViolation(dest, s) { return deny(rule, "\(w.name) writes into \(dest): \(v)", argv) }
        guard let cwd = s.cwd ?? (dest.hasPrefix("/") ? "/" : nil) else { return nil }
        let d = resolve(dest, cwd, links: s.links)
        var isDir: ObjCBool = false
        let intoDir = FileManager.default.fileExists(atPath: d, isDirectory: &isDir) && isDir.boolValue
        if intoDir {
            for src in sources {
                let target = d + "/" + (src as NSString).lastPathComponent
                if let v = oracle.writeViolation(PathResolution.resolve(target, relativeTo: "/")) { return deny(rule, "\(w.name) writes \(target): \(v)", argv) }
            }
        }
        let hardLinks = (!w.hardLinkWhen.isEmpty && scan.has(w.hardLinkWhen, in: args)) || (w.hardLinkUnless.map { !scan.has($0, in: args) } ?? false)
        if hardLinks {
            for src in sources {
                if let v = writeViolation(src, s) {
                    return deny("link-to-protected", "\(w.name) makes a hard link to \(src): writes through the link would change it (\(v))", argv)
                }
            }
        }
        if !w.symlinkWhen.isEmpty, scan.has(w.symlinkWhen, in: args) {
            for src in sources {
                let linkPath = intoDir ? d + "/" + (src as NSString).lastPathComponent : PathResolution.lexical(dest.hasPrefix("/") ? dest : cwd + "/" + dest)
                let base = intoDir ? d : (linkPath as NSString).deletingLastPathComponent
                s.links[linkPath] = PathResolution.lexical(src.hasPrefix("/") ? src : (w.name == "ln" ? base : cwd) + "/" + src)
            }
        }
        if w.removes == .sources {
            for src in sources { if let v = removeViolation(src, s) { return deny("remove-protected", "\(w.name) moves \(src) away: \(v)", argv) } }
        }
        return nil
    }

    /// tar -x, unzip …: the archive's names are unknown, so the folder they land in must not be
    /// (or hold) protected paths.
    func evaluateExtractor(_ e: PolicyRules.Extractor, _ args: [String], _ s: EvalState, argv: [String]) -> PolicyDecision? {
        var words = args
        if e.name == "tar" || e.name == "bsdtar" || e.name == "ar", let f = words.first, !f.hasPrefix("-") { words[0] = "-" + f }
        let scan = OptionScan(withValue: e.optionsWithValue + e.dirOptions)
        if !e.whenOption.isEmpty {
            let bare = e.whenOption.filter { !$0.hasPrefix("-") }
            let on = scan.has(e.whenOption.filter { $0.hasPrefix("-") }, in: words) || (args.first.map { bare.contains($0) } ?? false)
            if !on { return nil }
        }
        let dirs = scan.values(of: e.dirOptions, in: words)
        var dir = dirs.last ?? "."
        if e.name == "7z", let o = args.first(where: { $0.hasPrefix("-o") && $0.count > 2 }) { dir = String(o.dropFirst(2)) }
        if let v = removeViolation(dir, s) {
            return deny("extract-into-protected", "\(e.name) extracts names the policy cannot see (archive contents are not in the text) into \(dir), which is or holds protected paths (\(v)); extract into a fresh folder such as data/", argv)
        }
        return nil
    }

    func evaluateFind(_ args: [String], _ s: inout EvalState, argv: [String], depth: Int) -> PolicyDecision? {
        var starts: [String] = []
        var k = 0
        while k < args.count, !args[k].hasPrefix("-"), args[k] != "(", args[k] != "!" { starts.append(args[k]); k += 1 }
        if starts.isEmpty { starts = ["."] }
        while k < args.count {
            let a = args[k]
            if rules.findDeleteActions.contains(a) {
                for p in starts { if let v = removeViolation(p, s) { return deny("remove-protected", "find \(p) \(a): \(v)", argv) } }
            }
            if rules.findOutputActions.contains(a), k + 1 < args.count {
                if let v = writeViolation(args[k + 1], s) { return deny("write-to-protected", "find \(a) \(args[k + 1]) writes a protected path: \(v)", argv) }
            }
            if rules.findExecActions.contains(a) {
                var cmd: [String] = []
                k += 1
                while k < args.count, args[k] != ";", args[k] != "+" { cmd.append(args[k]); k += 1 }
                let cwd = s.cwd ?? "/"
                for p in starts {
                    let abs = resolveForRemoval(p, cwd)
                    let inner = cmd.map { $0.replacingOccurrences(of: "{}", with: abs) }
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
}
