import Foundation
import RigorSpec

/// Reads the inline program of a non-Python language (`perl -e`, `node -e`, `ruby -e`,
/// `php -r`, awk) for shell calls and writes. Coarser than `PythonCode`: string literals
/// are the only paths it can see, so a write with no path-like literal counts as computed.
struct ScriptCode {
    let language: PolicyRules.Scripting

    func effects(of code: String, operands: [String]) -> [CodeEffect] {
        language.names.contains("awk") ? awkEffects(code) : genericEffects(code, operands: operands)
    }

    private func genericEffects(_ code: String, operands: [String]) -> [CodeEffect] {
        let literals = PythonLiterals.strings(in: code) + Self.backtickStrings(code)
        var out: [CodeEffect] = []
        if let call = language.shellCalls.first(where: { Self.mentions(code, $0) }) {
            let shellish = literals.filter { !$0.isEmpty }
            if shellish.isEmpty { out.append(.computedCommand(call: call)) }
            for l in shellish { out.append(.shell(l, call: call)) }
        }
        if let call = language.writeCalls.first(where: { Self.mentions(code, $0) }) {
            var pendingRead = false
            var sawPath = false
            for raw in literals {
                let mode = String(raw.prefix { "+<>|&= ".contains($0) })
                let path = String(raw.dropFirst(mode.count)).trimmingCharacters(in: .whitespaces)
                if path.isEmpty || ["r", "rb", "w", "wb", "a", "ab", "r+", "w+", "a+", "utf8", "utf-8"].contains(path) {
                    pendingRead = mode.trimmingCharacters(in: .whitespaces) == "<" || path == "r" || path == "rb"
                    continue
                }
                guard Self.looksLikePath(path) else { continue }
                sawPath = true
                if pendingRead || mode.trimmingCharacters(in: .whitespaces) == "<" { pendingRead = false; continue }
                out.append(.write(path: path, call: call))
            }
            for o in operands { out.append(.write(path: o, call: call + " (on its file operand)")) }
            if !sawPath && operands.isEmpty { out.append(.computedPath(call: call)) }
        }
        return out
    }

    /// awk: `print > FILE`, `print >> FILE`, `print | CMD`, `CMD | getline`, `system(CMD)`.
    private func awkEffects(_ code: String) -> [CodeEffect] {
        let c = Array(code)
        var masked = c
        var i = 0
        while i < c.count {
            if c[i] == "\"" {
                let end = PythonCode.skipString(c, i)
                for k in (i + 1)..<max(i + 1, end - 1) { masked[k] = "_" }
                i = end; continue
            }
            i += 1
        }
        let m = String(masked)
        var out: [CodeEffect] = []
        func expression(after k: Int) -> String? {
            var j = k
            while j < c.count, c[j] == " " { j += 1 }
            guard j < c.count, c[j] == "\"" else { return nil }
            let end = PythonCode.skipString(c, j)
            var after = end
            while after < c.count, c[after] == " " { after += 1 }
            // A concatenation ("dir/" $1) is computed.
            if after < c.count, !";}\n)|".contains(c[after]) { return nil }
            return PythonLiterals.strings(in: String(c[j..<end])).first
        }
        let nsm = m as NSString
        if let re = try? NSRegularExpression(pattern: #"\bprintf?\b[^;{}\n]*?(>>|>|\|)"#) {
            for r in re.matches(in: m, range: NSRange(location: 0, length: nsm.length)) {
                let op = nsm.substring(with: r.range(at: 1))
                let after = r.range(at: 1).location + r.range(at: 1).length
                let v = expression(after: after)
                if op == "|" { out.append(v.map { .shell($0, call: "awk print |") } ?? .computedCommand(call: "awk print |")) } else { out.append(v.map { .write(path: $0, call: "awk print \(op)") } ?? .computedPath(call: "awk print \(op)")) }
            }
        }
        if let re = try? NSRegularExpression(pattern: #"\bsystem\s*\("#) {
            for r in re.matches(in: m, range: NSRange(location: 0, length: nsm.length)) {
                let open = r.range.location + r.range.length - 1
                let (args, _) = PythonCode.arguments(c, open)
                if let a = args.first, let lit = PythonCode.literal(a.trimmingCharacters(in: .whitespaces)) { out.append(.shell(lit, call: "awk system")) } else { out.append(.computedCommand(call: "awk system")) }
            }
        }
        if let re = try? NSRegularExpression(pattern: #"(\S+)\s*\|\s*getline"#) {
            for r in re.matches(in: m, range: NSRange(location: 0, length: nsm.length)) {
                let start = r.range(at: 1).location
                if c[start] == "\"", let lit = PythonLiterals.strings(in: String(c[start...])).first { out.append(.shell(lit, call: "awk | getline")) } else { out.append(.computedCommand(call: "awk | getline")) }
            }
        }
        return out
    }

    /// Whether a call name occurs: names as whole words, symbols as substrings.
    static func mentions(_ code: String, _ token: String) -> Bool {
        guard token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return code.contains(token) }
        var search = code.startIndex
        while let r = code.range(of: token, range: search..<code.endIndex) {
            let before = r.lowerBound == code.startIndex ? " " : code[code.index(before: r.lowerBound)]
            let after = r.upperBound == code.endIndex ? " " : code[r.upperBound]
            let word: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" }
            if !word(before), !word(after) { return true }
            search = r.upperBound
        }
        return false
    }

    static func looksLikePath(_ s: String) -> Bool {
        guard !s.contains("\n"), s.count < 4096, !s.contains(" ") || s.contains("/") else { return false }
        return s.contains("/") || s.contains(".") || Workspace.readOwnedFiles.contains(s)
    }

    static func backtickStrings(_ code: String) -> [String] {
        let parts = code.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return [] }
        return stride(from: 1, to: parts.count - 1, by: 2).map { String(parts[$0]) }
    }
}
