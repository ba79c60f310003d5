/// Pulls string literals out of Python source (single, double and triple quotes; escapes kept
/// simple). Enough to see which paths and shell strings inline code names.
enum PythonLiterals {
    static func strings(in code: String) -> [String] {
        let c = Array(code)
        var out: [String] = []
        var i = 0
        while i < c.count {
            let ch = c[i]
            if ch == "#" { while i < c.count && c[i] != "\n" { i += 1 }; continue }
            guard ch == "'" || ch == "\"" else { i += 1; continue }
            let triple = i + 2 < c.count && c[i + 1] == ch && c[i + 2] == ch
            let q = triple ? 3 : 1
            i += q
            var s = ""
            while i < c.count {
                if c[i] == "\\", i + 1 < c.count { s.append(c[i + 1]); i += 2; continue }
                if c[i] == ch && (!triple || (i + 2 < c.count && c[i + 1] == ch && c[i + 2] == ch)) { i += q; break }
                s.append(c[i]); i += 1
            }
            out.append(s)
        }
        return out
    }
}
