import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells whether this process runs where the guarded party runs: inside a Rigor sandbox, or
/// (chmod fallback, no sandbox) as a descendant of a Rigor process holding a guard session.
/// Both signs are things a sandboxed child cannot forge: the trusted store is an empty
/// read-only mount inside every sandbox, and a process cannot change its ancestry to leave a
/// session's tree (Rigor is a child subreaper, so even a double-forked orphan stays below it).
/// Environment variables are never consulted, except a broker grant, which counts only when
/// it matches the token its session wrote to the trusted store (`BrokerGrant`).
public enum SandboxDetection {
    /// Why this process counts as inside, or nil when it runs outside.
    public static func insideReason(store: TrustedStore = .current()) -> String? {
        // Pid 1 of a bubblewrap sandbox's PID namespace is bubblewrap itself.
        if let pid1 = try? String(contentsOfFile: "/proc/1/comm", encoding: .utf8), pid1.trimmingCharacters(in: .whitespacesAndNewlines) == "bwrap" {
            return "pid 1 here is bubblewrap: this process runs inside a sandbox"
        }
        do { _ = try store.open() } catch {
            return "Rigor's trusted state (\(store.root)) is not writable here, as inside a Rigor sandbox"
        }
        // /proc/self, not getppid(): inside a PID namespace of the fallback (`unshare --pid`,
        // which keeps the host's /proc) getppid() stops at the namespace, /proc does not.
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self")).flatMap { pid_t($0) } ?? getpid()
        var pid = ProcessInfoReader.parent(of: me) ?? getppid()
        var seen = 0
        while pid > 1 && seen < 256 {
            // A run that `rigor run`'s broker started holds that session's grant (BrokerGrant).
            if SessionMarkers.isLive(pid: pid, store: store) && !BrokerGrant.isGranted(by: pid, store: store) {
                return "an ancestor process (pid \(pid)) holds a Rigor guard session"
            }
            guard let parent = ProcessInfoReader.parent(of: pid) else { break }
            pid = parent
            seen += 1
        }
        return nil
    }

    /// Throws `.insideSandbox` when inside: for every command that changes guard state.
    public static func requireOutside(_ command: String, store: TrustedStore = .current()) throws(GuardError) {
        if insideReason(store: store) != nil { throw .insideSandbox(command: command) }
    }
}

/// Markers of open guard sessions: `<pid>` holding the process's start time (so a reused pid
/// is not mistaken for the session's holder), in a folder that depends only on the user, never
/// on the environment (a child could point RIGOR_STATE_DIR elsewhere): `/run/rigor/sessions` for
/// root, `/tmp/rigor-<uid>/sessions` (0700, owned by the user) otherwise.
enum SessionMarkers {
    static var root: String { getuid() == 0 ? "/run/rigor" : "/tmp/rigor-\(getuid())" }

    static func directory(_ store: TrustedStore) throws(GuardError) -> DirectoryHandle {
        do {
            let dir = try DirectoryHandle.openCreating(root + "/sessions", mode: 0o700)
            var st = stat()
            guard fstat(dir.fd, &st) == 0, st.st_uid == getuid() else {
                throw GuardError.stateUnavailable(path: dir.path, reason: "not owned by this user")
            }
            return dir
        } catch let e as GuardError { throw e } catch {
            throw .stateUnavailable(path: root, reason: "\(error)")
        }
    }

    static func add(store: TrustedStore) throws(GuardError) {
        let dir = try directory(store)
        // Markers of sessions that died without ending (kill -9) are removed as they are found.
        for name in ManifestWalk.names(dir.fd) {
            if let pid = pid_t(name), !isLive(pid: pid, store: store) { unlinkat(dir.fd, name, 0) }
        }
        let start = ProcessInfoReader.startTime(of: getpid()) ?? "0"
        do { try dir.writeAtomically(String(getpid()), Array(start.utf8), mode: 0o600) } catch {
            throw .io(path: dir.path + "/\(getpid())", reason: error.description)
        }
    }

    static func remove(store: TrustedStore) {
        guard let dir = try? directory(store) else { return }
        unlinkat(dir.fd, String(getpid()), 0)
    }

    static func isLive(pid: pid_t, store: TrustedStore) -> Bool {
        guard let dir = try? directory(store), let bytes = (try? dir.read(String(pid), limit: 64)) ?? nil else { return false }
        return String(decoding: bytes, as: UTF8.self) == ProcessInfoReader.startTime(of: pid)
    }
}

/// Fields of /proc/<pid>/stat.
enum ProcessInfoReader {
    static func fields(_ pid: pid_t) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }
    /// The parent pid (field 4).
    static func parent(of pid: pid_t) -> pid_t? { fields(pid).flatMap { $0.count > 1 ? pid_t($0[1]) : nil } }
    /// The start time in clock ticks since boot (field 22).
    static func startTime(of pid: pid_t) -> String? { fields(pid).flatMap { $0.count > 19 ? String($0[19]) : nil } }
}
