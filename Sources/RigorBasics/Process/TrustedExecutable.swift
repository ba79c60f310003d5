import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Programs Rigor runs itself, outside any sandbox (bwrap, git, unshare, nvidia-smi), come
/// only from the system's own directories, never from the inherited PATH: a PATH entry can
/// live under `$HOME` or the workspace, which a sandboxed child may write.
public enum TrustedExecutable {
    /// The only directories searched, in order.
    public static let systemDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// The absolute path of `name` in the system directories when the file and every directory
    /// above it are owned by root (or this user) and not writable by group or others.
    public static func resolve(_ name: String) -> String? {
        guard !name.contains("/") else { return isTrusted(name) ? name : nil }
        for dir in systemDirectories {
            let path = dir + "/" + name
            if isTrusted(path) { return path }
        }
        return nil
    }

    /// Whether the file at `path` (symlinks resolved) is an executable regular file in one of the
    /// system directories (or below /usr/lib, /usr/libexec) that only root (or this user) can replace.
    public static func isTrusted(_ path: String) -> Bool {
        guard let real = realpath(path, nil) else { return false }
        defer { free(real) }
        let resolved = String(cString: real)
        let systemRoots = systemDirectories + ["/usr/lib", "/usr/libexec", "/lib"]
        guard systemRoots.contains(where: { resolved.hasPrefix($0 + "/") }) else { return false }
        var st = stat()
        guard stat(resolved, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(resolved, X_OK) == 0,
              ownerIsTrusted(st) else { return false }
        var dir = (resolved as NSString).deletingLastPathComponent
        while true {
            var d = stat()
            guard stat(dir, &d) == 0, ownerIsTrusted(d) else { return false }
            if dir == "/" || dir.isEmpty { return true }
            dir = (dir as NSString).deletingLastPathComponent
        }
    }

    private static func ownerIsTrusted(_ st: stat) -> Bool {
        (st.st_uid == 0 || st.st_uid == getuid()) && (st.st_mode & 0o022) == 0
    }

    /// A minimal environment for programs Rigor runs outside the sandbox: system PATH, a
    /// locale, no HOME-based configuration (`HOME=/nonexistent`), no XDG or tool variables.
    public static func scrubbedEnvironment(adding extra: [String: String] = [:]) -> [String: String] {
        var env = ["PATH": systemDirectories.joined(separator: ":"), "HOME": "/nonexistent", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        for (k, v) in extra { env[k] = v }
        return env
    }
}

/// Finds the program of a command the way execvp would, on the child's PATH. For the command
/// of a sandboxed run only: it runs inside the sandbox, where PATH entries are harmless.
public enum ExecutableSearch {
    public static func resolve(_ name: String, path: String?, cwd: String) -> String? {
        if name.contains("/") {
            let full = name.hasPrefix("/") ? name : cwd + "/" + name
            var st = stat()
            return stat(full, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && access(full, X_OK) == 0 ? full : nil
        }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !dir.isEmpty {
            let full = (dir.hasPrefix("/") ? String(dir) : cwd + "/" + dir) + "/" + name
            var st = stat()
            if stat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(full, X_OK) == 0 { return full }
        }
        return nil
    }
}
