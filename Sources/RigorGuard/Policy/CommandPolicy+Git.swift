import Foundation

/// git, and patches (`git apply`, `git am`, `patch`): the files a patch names must be writable.
extension CommandPolicy {
    func evaluateGit(_ args: [String], _ s: inout EvalState, argv: [String], depth: Int) -> PolicyDecision? {
        var k = 0
        var cwd = s.cwd
        var aliases: [String: String] = [:]
        while k < args.count, args[k].hasPrefix("-") {
            let a = args[k]
            if a == "-C", k + 1 < args.count { cwd = cwd.map { resolve(args[k + 1], $0) }; k += 2; continue }
            if a == "-c", k + 1 < args.count {
                let kv = args[k + 1]
                let key = String(kv.prefix { $0 != "=" }), value = kv.contains("=") ? String(kv.drop { $0 != "=" }.dropFirst()) : ""
                if let d = evaluateGitConfig(key, value, &s, argv: argv, depth: depth) { return d }
                if key.lowercased().hasPrefix("alias.") { aliases[String(key.dropFirst(6))] = value }
                k += 2; continue
            }
            if ["--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"].contains(a) { k += 2; continue }
            k += 1
        }
        guard k < args.count else { return nil }
        var sub = args[k]
        var rest = Array(args[(k + 1)...])
        if let expansion = aliases[sub] {
            let parts = expansion.split(separator: " ").map(String.init)
            guard let first = parts.first else { return nil }
            sub = first; rest = Array(parts.dropFirst()) + rest
        }
        if sub == "config" {
            let ops = rest.filter { !$0.hasPrefix("-") }
            if ops.count >= 2, let d = evaluateGitConfig(ops[0], ops[1], &s, argv: argv, depth: depth) { return d }
            return nil
        }
        if rules.gitDenyAlways.contains(sub) { return deny("git-revert", "git \(sub) can rewrite tracked files wholesale; the RUN phase must never use it", argv) }
        if rules.gitPatchInput.contains(sub), !rest.contains(where: { ["--check", "--stat", "--numstat", "--summary"].contains($0) }) || rest.contains("--apply") {
            var inner = s; inner.cwd = cwd
            return evaluatePatchInput(tool: "git \(sub)", files: rest.filter { !$0.hasPrefix("-") }, strip: nil, dir: nil, inner, argv: argv)
        }
        guard rules.gitPathScoped.contains(sub) else { return nil }
        // Index-only forms never touch the working tree: `restore --staged`, `reset` (mixed/soft).
        if sub == "restore", rest.contains(where: { $0 == "--staged" || $0 == "-S" }), !rest.contains(where: { $0 == "--worktree" || $0 == "-W" }) { return nil }
        if sub == "reset", !rest.contains(where: { ["--hard", "--merge", "--keep", "-p", "--patch"].contains($0) }) { return nil }
        let paths = operands(rest, optionsWithValue: ["-m", "-b", "-B", "--orphan", "-s", "--source", "--conflict", "-e", "--exclude"])
        if paths.isEmpty { return deny("git-revert", "git \(sub) without paths acts on the whole tree, which holds protected files", argv) }
        guard let base = cwd else { return deny("cannot-analyse", "cannot analyse: git \(sub) after a cd to a computed directory", argv) }
        for p in paths {
            let abs = resolveForRemoval(p, base)
            if !FileManager.default.fileExists(atPath: abs) && sub != "rm" && sub != "mv" {
                return deny("git-revert", "git \(sub) \(p): '\(p)' is not a path in the working tree (a branch or commit would change the whole tree)", argv)
            }
            if let v = oracle.removeViolation(abs) { return deny("git-revert", "git \(sub) \(p): \(v)", argv) }
        }
        return nil
    }

    /// `-c KEY=VALUE` or `git config KEY VALUE`: a value that is a command is judged as shell text.
    func evaluateGitConfig(_ key: String, _ value: String, _ s: inout EvalState, argv: [String], depth: Int) -> PolicyDecision? {
        let k = key.lowercased()
        var command: String?
        if k.hasPrefix("alias."), value.hasPrefix("!") { command = String(value.dropFirst()) }
        if rules.gitCommandConfig.contains(where: { $0.hasSuffix(".") ? k.hasPrefix($0) : k == $0 }) { command = value }
        guard let text = command else { return nil }
        if text.contains("$(…)") { return deny("cannot-analyse", "cannot analyse: git configuration \(key) runs computed text", argv) }
        if let d = evaluateText(text, &s, depth: depth + 1) {
            return deny("git-config-command", "git configuration \(key) runs a command: \(d.reason)", argv)
        }
        return nil
    }

    /// `patch [FILE [PATCHFILE]]`, `-i PATCHFILE`, `-d DIR`, `-pN`, or the patch on standard input.
    func evaluatePatchTool(_ args: [String], _ ops: [String], _ scan: OptionScan, _ s: EvalState, argv: [String]) -> PolicyDecision? {
        if let first = ops.first, let v = writeViolation(first, s) { return deny("write-to-protected", "patch writes \(first): \(v)", argv) }
        if !ops.isEmpty { return nil }
        var inner = s
        if let d = scan.values(of: ["-d", "--directory"], in: args).last { inner.cwd = s.cwd.map { resolve(d, $0) } }
        let strip = scan.values(of: ["-p", "--strip"], in: args).last.flatMap { Int($0) }
        let input = scan.values(of: ["-i", "--input"], in: args)
        return evaluatePatchInput(tool: "patch", files: input, strip: strip, dir: nil, inner, argv: argv)
    }

    func evaluatePatchInput(tool: String, files: [String], strip: Int?, dir: String?, _ s: EvalState, argv: [String]) -> PolicyDecision? {
        var texts: [String] = []
        if files.isEmpty {
            switch s.stdin {
            case .text(let t): texts.append(t)
            case .file(let f):
                if let made = writtenEarlier(f, s) { return deny("cannot-analyse", "cannot analyse: \(tool) reads a patch from \(made), which an earlier command of the same text writes; the policy cannot see which files it changes", argv) }
                texts.append(contentsOrEmpty(f, s))
            case .computed(let p): return deny("cannot-analyse", "cannot analyse: \(tool) reads a patch piped from '\(p)'; the policy cannot see which files it changes", argv)
            case .none: return deny("cannot-analyse", "cannot analyse: \(tool) reads a patch from the terminal", argv)
            }
        }
        for f in files {
            if let made = writtenEarlier(f, s) {
                return deny("cannot-analyse", "cannot analyse: \(tool) patch file \(made) is written by an earlier command of the same text; the policy cannot see which files it changes", argv)
            }
            let path = s.cwd.map { PathResolution.resolve(f, relativeTo: $0) } ?? f
            guard let t = try? String(contentsOfFile: path, encoding: .utf8) else {
                return deny("cannot-analyse", "cannot analyse: \(tool) patch file \(f) cannot be read now (made by an earlier command?); the policy cannot see which files it changes", argv)
            }
            texts.append(t)
        }
        for t in texts {
            for target in Self.patchTargets(t) {
                let candidates = strip.map { [Self.strip(target, $0)] } ?? (0...3).map { Self.strip(target, $0) }
                for c in candidates where !c.isEmpty {
                    if let v = writeViolation(c, s) { return deny("patch-protected", "\(tool) changes \(c): \(v)", argv) }
                }
            }
        }
        return nil
    }

    /// `f` resolved, when a redirection earlier in the text writes it.
    private func writtenEarlier(_ f: String, _ s: EvalState) -> String? {
        guard let cwd = s.cwd else { return nil }
        let path = resolve(f, cwd, links: s.links)
        return s.written.contains(path) ? f : nil
    }

    private func contentsOrEmpty(_ f: String, _ s: EvalState) -> String {
        let path = s.cwd.map { PathResolution.resolve(f, relativeTo: $0) } ?? f
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// Every path a unified or git diff names (`--- a/x`, `+++ b/x`, `diff --git a/x b/y`, renames).
    static func patchTargets(_ text: String) -> [String] {
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let l = String(line)
            for prefix in ["+++ ", "--- ", "rename to ", "rename from ", "copy to ", "*** "] where l.hasPrefix(prefix) {
                let p = String(l.dropFirst(prefix.count)).split(separator: "\t").first.map(String.init) ?? ""
                if p != "/dev/null", !p.isEmpty { out.append(p.trimmingCharacters(in: .whitespaces)) }
            }
            if l.hasPrefix("diff --git ") { out += l.dropFirst(11).split(separator: " ").map(String.init) }
        }
        return out
    }

    static func strip(_ path: String, _ n: Int) -> String {
        let parts = path.split(separator: "/")
        return parts.count > n ? parts.dropFirst(n).joined(separator: "/") : ""
    }
}
