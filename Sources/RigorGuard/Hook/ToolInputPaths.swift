import Foundation
import RigorBasics
import RigorSpec

/// Finds every string in a tool's input that may name a path the tool writes, and every
/// command string it may run: walked recursively through objects and arrays.
enum ToolInputPaths {
    /// Key fragments that mark a path-like field (`file_path`, `source`, `destination`, `paths` …).
    static let pathKeyFragments = ["path", "file", "dir", "folder", "source", "src", "dest", "dst", "target", "output", "out", "new_name", "old_name", "location", "notebook", "filename"]
    /// Exact key names that are path-like on their own.
    static let pathKeys: Set<String> = ["from", "to", "name", "uri", "url", "root", "cwd", "where", "into"]
    /// Fields holding content, not paths: never read as paths.
    static let contentKeys: Set<String> = ["content", "contents", "new_string", "old_string", "new_source", "text", "body", "description", "prompt", "pattern", "query", "message", "data", "edits", "old_str", "new_str", "replacement", "code"]
    /// Fields holding shell text the tool runs.
    static let commandKeys: Set<String> = ["command", "cmd", "script", "shell", "bash"]

    struct Found: Equatable { var key: String; var value: String }

    /// Path-like strings (by key name or by looking like a path) and command strings.
    /// Below a content key (`edits: [{…}]`) only path-named keys count, not path-shaped values.
    static func scan(_ value: JSONValue, key: String = "", inContent: Bool = false, paths: inout [Found], commands: inout [Found], depth: Int = 0) {
        guard depth < 32 else { return }
        switch value {
        case .object(let o):
            for (k, v) in o.entries {
                let content = contentKeys.contains(k.lowercased())
                if content, case .string = v { continue }
                scan(v, key: k, inContent: inContent || content, paths: &paths, commands: &commands, depth: depth + 1)
            }
        case .array(let items):
            for v in items { scan(v, key: key, inContent: inContent, paths: &paths, commands: &commands, depth: depth + 1) }
        case .string(let s):
            let k = key.lowercased()
            if commandKeys.contains(k) { commands.append(Found(key: key, value: s)); return }
            if isPathKey(k) || (!inContent && !contentKeys.contains(k) && looksLikePath(s)) {
                var v = s
                if v.hasPrefix("file://") { v = String(v.dropFirst(7)) }
                paths.append(Found(key: key, value: v))
            }
        default: return
        }
    }

    static func isPathKey(_ k: String) -> Bool {
        pathKeys.contains(k) || pathKeyFragments.contains { k.contains($0) }
    }

    static func looksLikePath(_ s: String) -> Bool {
        guard !s.isEmpty, s.count < 4096, !s.contains("\n") else { return false }
        if s.hasPrefix("/") || s.hasPrefix("./") || s.hasPrefix("../") || s.hasPrefix("~/") || s.hasPrefix("file://") { return true }
        if s.contains(" ") { return false }
        return s.contains("/") || Workspace.readOwnedFiles.contains(s) || s.hasSuffix(".md") || s.hasSuffix(".json") || s.hasSuffix(".jsonl")
    }
}
