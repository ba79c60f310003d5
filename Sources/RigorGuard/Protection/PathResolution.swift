import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns any path a tool or command names into the absolute path the kernel would reach.
public enum PathResolution {
    /// Absolute, `.`/`..` removed lexically, then symlinks resolved on the longest existing prefix
    /// (so `results/../experiments/x.md`, `link-to-spec` and `newdir/../experiments/y` all land
    /// where a write would). `~` expands to HOME. A final-component symlink is followed too.
    public static func resolve(_ path: String, relativeTo cwd: String) -> String {
        var p = path
        if p == "~" || p.hasPrefix("~/") {
            p = (ProcessInfo.processInfo.environment["HOME"] ?? "/root") + p.dropFirst()
        }
        if !p.hasPrefix("/") { p = cwd + "/" + p }
        return realpathOfLongestPrefix(throughProc(lexical(p), cwd: cwd))
    }

    /// `/proc/<pid>/root/X` reaches `/X` and `/proc/self/cwd/X` reaches `<cwd>/X` (of the process
    /// that would write): treated as such, whatever process the pid names.
    static func throughProc(_ path: String, cwd: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 3, parts[0] == "proc" else { return path }
        let rest = parts.dropFirst(3).joined(separator: "/")
        switch parts[2] {
        case "root": return "/" + rest
        case "cwd" where parts[1] == "self" || parts[1] == "thread-self": return lexical(cwd + "/" + rest)
        default: return path
        }
    }

    /// Lexical normalisation of an absolute path: collapses `//`, `.`, and `..` (never above `/`).
    public static func lexical(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// realpath(3) of the deepest existing ancestor, with the missing tail appended.
    static func realpathOfLongestPrefix(_ absolute: String, depth: Int = 0) -> String {
        var head = absolute
        var tail: [String] = []
        while true {
            if let real = realpath(head) {
                let joined = tail.isEmpty ? real : (real == "/" ? "" : real) + "/" + tail.reversed().joined(separator: "/")
                // A dangling symlink in the tail: follow its target (bounded).
                if !tail.isEmpty, depth < 16, let target = readLink(joined) {
                    let next = target.hasPrefix("/") ? target : (joined as NSString).deletingLastPathComponent + "/" + target
                    return realpathOfLongestPrefix(lexical(next), depth: depth + 1)
                }
                return joined
            }
            if head == "/" || head.isEmpty { return absolute }
            let ns = head as NSString
            tail.append(ns.lastPathComponent)
            head = ns.deletingLastPathComponent
        }
    }

    static func realpath(_ p: String) -> String? {
        #if canImport(Glibc)
        guard let r = Glibc.realpath(p, nil) else { return nil }
        #else
        guard let r = Darwin.realpath(p, nil) else { return nil }
        #endif
        defer { free(r) }
        return String(cString: r)
    }

    static func readLink(_ p: String) -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink(p, &buf, buf.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `path` is `ancestor` or lies beneath it.
    public static func isWithin(_ path: String, _ ancestor: String) -> Bool {
        if ancestor == "/" { return true }
        return path == ancestor || path.hasPrefix(ancestor + "/")
    }

    /// Path of `path` relative to `base` when inside it, else the absolute path.
    public static func relative(_ path: String, to base: String) -> String {
        if path == base { return "." }
        if path.hasPrefix(base + "/") { return String(path.dropFirst(base.count + 1)) }
        return path
    }
}
