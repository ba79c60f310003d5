import Foundation
import RigorBasics

/// Runs commands with the protected set mounted read-only by the kernel (bubblewrap).
///
/// Layout inside: the whole filesystem read-only as the child sees it, `/dev` and a fresh
/// `/proc` (own PID namespace), then writable binds (workspace, own results, temp dirs, user
/// additions) and read-only binds over every existing protected path, applied shallow to deep
/// so the longest path wins, exactly as `ProtectedSet.protectingEntry` decides. All
/// capabilities are dropped (a root child cannot remount), `--new-session` detaches it from
/// the terminal, `--die-with-parent` ends the tree with Rigor.
public struct Sandbox: LaunchWrapper {
    public let set: ProtectedSet
    public let bwrapPath: String
    /// Temp dirs kept writable (they are not part of the workspace).
    public static let systemWritable = ["/tmp", "/var/tmp", "/dev/shm"]

    public init(set: ProtectedSet, bwrapPath: String) {
        self.set = set
        self.bwrapPath = bwrapPath
    }

    public var summary: String {
        "bubblewrap: \(set.protected.filter(\.exists).count) read-only paths, \(writablePaths.count) writable"
    }

    var writablePaths: [String] {
        var home: [String] = []
        if let h = ProcessInfo.processInfo.environment["HOME"], FileManager.default.fileExists(atPath: h) {
            home = [PathResolution.resolve(h, relativeTo: "/")]
        }
        let all = Self.systemWritable.map { PathResolution.resolve($0, relativeTo: "/") } + home + set.writable
        var seen = Set<String>()
        return all.filter { FileManager.default.fileExists(atPath: $0) && seen.insert($0).inserted }
    }

    /// The bwrap arguments before `--` (exposed for tests and `rigor guard show`).
    public func bwrapArguments(workingDirectory: String) -> [String] {
        var args = ["--die-with-parent", "--unshare-pid", "--new-session", "--cap-drop", "ALL",
                    "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        var binds: [(path: String, writable: Bool)] = writablePaths.map { ($0, true) }
        binds += set.protected.filter(\.exists).map { ($0.path, false) }
        // Shallow first; at equal depth writable first so a protected path of the same depth wins.
        binds.sort { a, b in
            let da = a.path.split(separator: "/").count, db = b.path.split(separator: "/").count
            return da != db ? da < db : (a.writable && !b.writable)
        }
        // A protected HOME/tmp ancestor (e.g. workspace under /tmp) stays correct: deeper binds come later.
        for b in binds { args += [b.writable ? "--bind" : "--ro-bind", b.path, b.path] }
        args += ["--chdir", workingDirectory]
        args += ["--setenv", "RIGOR_GUARD_MODE", GuardMode.bubblewrap.rawValue]
        return args
    }

    public func wrap(_ argv: [String], workingDirectory: String) throws -> [String] {
        [bwrapPath] + bwrapArguments(workingDirectory: PathResolution.resolve(workingDirectory, relativeTo: "/")) + ["--"] + argv
    }
}
