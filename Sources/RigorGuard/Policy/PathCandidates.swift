import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The paths a shell word may stand for: brace expansion (`{a,b}`, `{1..3}`), then each
/// glob matched against the filesystem like the shell would, plus the glob's fixed
/// directory prefix with a wildcard child (so a pattern that matches nothing yet, or a file
/// created later, is still judged by where it points).
enum PathCandidates {
    static func expand(_ word: String, cwd: String) -> [String] {
        var out: [String] = []
        for w in braces(word, limit: 64) {
            guard w.contains(where: { "*?[".contains($0) }) else { out.append(w); continue }
            out += glob(w, cwd: cwd)
            if let star = w.firstIndex(where: { "*?[".contains($0) }) { out.append(String(w[..<star]) + "__glob__") }
        }
        return out.isEmpty ? [word] : out
    }

    /// Bash-style brace expansion (comma lists and numeric/letter ranges), bounded.
    static func braces(_ s: String, limit: Int) -> [String] {
        let c = Array(s)
        var level = 0
        var open: Int?
        var commas: [Int] = []
        for (k, ch) in c.enumerated() {
            if ch == "{" { if level == 0 { open = k; commas = [] }; level += 1 }
            if ch == ",", level == 1 { commas.append(k) }
            if ch == "}", level > 0 {
                level -= 1
                guard level == 0, let o = open else { continue }
                let prefix = String(c[..<o]), suffix = String(c[(k + 1)...])
                var alts: [String] = []
                if !commas.isEmpty {
                    var start = o + 1
                    for cm in commas + [k] { alts.append(String(c[start..<cm])); start = cm + 1 }
                } else {
                    let body = String(c[(o + 1)..<k])
                    let ends = body.components(separatedBy: "..")
                    if ends.count == 2, let a = Int(ends[0]), let b = Int(ends[1]), abs(b - a) < limit {
                        alts = stride(from: a, through: b, by: a <= b ? 1 : -1).map(String.init)
                    } else if ends.count == 2, ends[0].count == 1, ends[1].count == 1, let a = ends[0].unicodeScalars.first?.value, let b = ends[1].unicodeScalars.first?.value, a <= b, b - a < 64 {
                        alts = (a...b).compactMap { Unicode.Scalar($0).map { String(Character($0)) } }
                    } else { open = nil; continue }
                }
                var out: [String] = []
                for a in alts { for tail in braces(a + suffix, limit: limit) { out.append(prefix + tail); if out.count >= limit { return out } } }
                return out
            }
        }
        return [s]
    }

    /// glob(3) matches, absolute.
    static func glob(_ pattern: String, cwd: String) -> [String] {
        let abs = pattern.hasPrefix("/") ? pattern : cwd + "/" + pattern
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(abs, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for k in 0..<Int(g.gl_pathc) { if let p = g.gl_pathv[k] { out.append(String(cString: p)) }; if out.count >= 256 { break } }
        return out
    }
}
