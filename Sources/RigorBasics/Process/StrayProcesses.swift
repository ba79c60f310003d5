import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Processes a run left behind. Rigor's command-line process makes itself a child subreaper,
/// so a process that leaves its run's process group (setsid, double fork) is re-parented to
/// Rigor instead of init; after each run a sweep kills every child of Rigor's that it did not
/// start itself. (Inside bubblewrap or `unshare --pid` the PID namespace already ends them.)
public enum StrayProcesses {
    /// Makes this process the reaper of its orphaned descendants (Linux; no-op elsewhere).
    @discardableResult
    public static func becomeSubreaper() -> Bool {
        GlibcExtras.prctlFunction?(36 /* PR_SET_CHILD_SUBREAPER */, 1, 0, 0, 0) == 0
    }

    /// Whether this process is a child subreaper.
    public static var isSubreaper: Bool {
        guard let prctl = GlibcExtras.prctlFunction else { return false }
        var flag: Int32 = 0
        let rc = withUnsafeMutablePointer(to: &flag) { prctl(37 /* PR_GET_CHILD_SUBREAPER */, UInt(bitPattern: $0), 0, 0, 0) }
        return rc == 0 && flag != 0
    }

    /// Children of this process that Rigor did not start (adopted orphans).
    public static func adopted() -> [pid_t] {
        let me = getpid()
        var children: [(pid: pid_t, zombie: Bool)] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(name), pid != me else { continue }
            guard let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, pid_t(fields[1]) == me else { continue }
            children.append((pid, fields[0] == "Z"))
        }
        // Rigor's own children, read after the scan: one started while the scan ran is in it by
        // now (the launcher records a child before its spawn call returns the lock).
        let mine = ProcessLauncher.liveChildren
        var found: [pid_t] = []
        for child in children where !mine.contains(child.pid) {
            if child.zombie {
                // Already dead (e.g. bubblewrap's own init, re-parented here): reap, do not count.
                var status: Int32 = 0
                _ = waitpid(child.pid, &status, WNOHANG)
                continue
            }
            found.append(child.pid)
        }
        return found.sorted()
    }

    /// Kills (SIGKILL) and reaps every adopted orphan, repeatedly, since their own children are
    /// adopted in turn when they die. Returns how many were killed. Only meaningful in a
    /// subreaper; elsewhere orphans go to init and none are found.
    @discardableResult
    public static func sweep(rounds: Int = 50) -> Int {
        guard isSubreaper else { return 0 }
        var killed = 0
        for _ in 0..<rounds {
            let strays = adopted()
            if strays.isEmpty { break }
            for pid in strays {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                killed += 1
            }
        }
        return killed
    }
}
