import Foundation
import RigorBasics
import RigorSpec

/// The git repository around a working directory, read from its files (HEAD, refs,
/// packed-refs) without running git: the repository's config, hooks and attributes are
/// written by the sandboxed child and must never configure a program Rigor runs.
struct GitRepository {
    let workTree: String
    let gitDir: String

    /// git flags that turn off every program the repository's config could name.
    static let hardening = ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.pager=cat",
                            "-c", "diff.external=", "-c", "core.sshCommand=false", "-c", "protocol.allow=never",
                            "-c", "safe.directory=*", "--no-pager"]
    /// Environment for git probes: no system or global config, no prompts, no optional locks.
    static let environment = ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_TERMINAL_PROMPT": "0",
                              "GIT_OPTIONAL_LOCKS": "0", "GIT_ATTR_NOSYSTEM": "1"]

    /// Walks up from `directory` to the first folder holding `.git` (a folder, or a file with `gitdir:`).
    static func find(from directory: String) -> GitRepository? {
        var dir = Workspace.absolute(directory)
        while true {
            let dotGit = dir + "/.git"
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dotGit, isDirectory: &isDir) {
                if isDir.boolValue { return GitRepository(workTree: dir, gitDir: dotGit) }
                if let text = small(dotGit), text.hasPrefix("gitdir:") {
                    let target = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
                    return GitRepository(workTree: dir, gitDir: target.hasPrefix("/") ? target : dir + "/" + target)
                }
                return nil
            }
            if dir == "/" || dir.isEmpty { return nil }
            dir = (dir as NSString).deletingLastPathComponent
        }
    }

    /// HEAD's commit id (40 or 64 hex digits), or nil (unborn branch, unreadable, malformed).
    func headCommit() -> String? {
        guard let head = Self.small(gitDir + "/HEAD")?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        if Self.isObjectID(head) { return head }
        guard head.hasPrefix("ref: ") else { return nil }
        let ref = String(head.dropFirst(5))
        guard ref.hasPrefix("refs/"), !ref.contains("..") else { return nil }
        // A worktree keeps HEAD in its own git dir and refs in the common dir.
        let common = Self.small(gitDir + "/commondir").map { c -> String in
            let t = c.trimmingCharacters(in: .whitespacesAndNewlines)
            return t.hasPrefix("/") ? t : gitDir + "/" + t
        } ?? gitDir
        for dir in [gitDir, common] {
            if let loose = Self.small(dir + "/" + ref)?.trimmingCharacters(in: .whitespacesAndNewlines), Self.isObjectID(loose) { return loose }
        }
        for line in (Self.small(common + "/packed-refs", limit: 16 << 20) ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[1] == ref, Self.isObjectID(String(parts[0])) { return String(parts[0]) }
        }
        return nil
    }

    static func isObjectID(_ s: String) -> Bool {
        (s.utf8.count == 40 || s.utf8.count == 64) && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// A small regular file's text (symlinks are not followed), or nil.
    static func small(_ path: String, limit: Int = 4096) -> String? {
        let dir = (path as NSString).deletingLastPathComponent, name = (path as NSString).lastPathComponent
        guard let bytes = try? DirectoryHandle.open(dir).read(name, limit: limit) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
