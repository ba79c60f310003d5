import Foundation
import RigorBasics
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The agent's process tree while it works: started in a process group of its own, its stdout
/// read line by line, its stderr kept, stopped at the time budget or on Ctrl-C (TERM to every
/// process of the tree, a grace period, then KILL).
public final class AgentProcess: Sendable {
    /// Why the agent ended.
    public enum Ending: Sendable, Equatable {
        case exited(status: Int32)
        case timeBudget(seconds: Double)
        case interrupted
    }

    private let spec: LaunchSpec
    private let stopRequest = Mutex<Ending?>(nil)

    public init(argv: [String], environment: [String: String], workingDirectory: String) {
        var spec = LaunchSpec(argv: argv, environment: environment)
        spec.workingDirectory = workingDirectory
        self.spec = spec
    }

    /// Asks the agent to stop (Ctrl-C on Rigor); `run` then stops its tree.
    public func interrupt() { stopRequest.withLock { if $0 == nil { $0 = .interrupted } } }

    /// Starts the agent, reads its output until it ends or the deadline passes, then stops what
    /// is left; `line` gets each stdout line, `errorBytes` each chunk of stderr. Blocks the
    /// calling thread, which must live as long as the agent: the sandbox ends its tree when the
    /// thread that started it ends (bubblewrap's --die-with-parent), so this runs on a thread
    /// of its own, never on a pool thread that may be retired while idle.
    public func run(deadline: Double, budgetSeconds: Double, grace: Double,
                    line: ([UInt8]) -> Void, errorBytes: ([UInt8]) -> Void) throws(LaunchError) -> Ending {
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard GlibcExtras.pipeCloexec(&out) == 0, GlibcExtras.pipeCloexec(&err) == 0 else {
            throw LaunchError(command: spec.argv.first ?? "", reason: "pipe: \(String(cString: strerror(errno)))")
        }
        var launch = spec
        launch.stdout = .descriptor(out[1])
        launch.stderr = .descriptor(err[1])
        let pid: pid_t
        do { pid = try ProcessLauncher.spawn(launch) } catch {
            close(out[0]); close(out[1]); close(err[0]); close(err[1])
            throw error
        }
        close(out[1]); close(err[1])
        let stdout = out[0], stderr = err[0]
        var open = [stdout, stderr]
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var ending: Ending?
        var stopAt: Double?
        while !open.isEmpty {
            if ending == nil {
                if Monotonic.seconds() >= deadline { ending = .timeBudget(seconds: budgetSeconds) }
                else if let requested = stopRequest.withLock({ $0 }) { ending = requested }
                if ending != nil {
                    ProcessTree.signal(root: pid, SIGTERM)
                    stopAt = Monotonic.seconds() + grace
                }
            } else if let t = stopAt, Monotonic.seconds() >= t {
                ProcessTree.signal(root: pid, SIGKILL)
                stopAt = nil
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let rc = poll(&fds, nfds_t(fds.count), 200)
            if rc < 0 && errno != EINTR { break }
            for p in fds where p.revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, 65536) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { open.removeAll { $0 == p.fd }; close(p.fd); continue }
                let chunk = Array(buffer[0..<n])
                if p.fd == stderr { errorBytes(chunk); continue }
                pending += chunk
                while let nl = pending.firstIndex(of: 10) {
                    line(Array(pending[..<nl]))
                    pending.removeSubrange(...nl)
                }
                if pending.count > 64 << 20 { line(pending); pending = [] }
            }
        }
        if !pending.isEmpty { line(pending) }
        // Output closed: the agent ended, or left children holding nothing; the tree goes now.
        if ending != nil { ProcessTree.signal(root: pid, SIGKILL) }
        let status = ProcessLauncher.exitStatus(ProcessLauncher.wait(pid))
        return ending ?? .exited(status: status)
    }
}

/// A process and its descendants, found through /proc.
public enum ProcessTree {
    /// The descendants of `root` (children first), from each process's parent in /proc.
    public static func descendants(of root: pid_t) -> [pid_t] {
        var children: [pid_t: [pid_t]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(pid) }
        }
        var out: [pid_t] = []
        var queue = [root]
        while let p = queue.first {
            queue.removeFirst()
            for c in children[p] ?? [] where !out.contains(c) { out.append(c); queue.append(c) }
        }
        return out
    }

    /// Sends `sig` to `root`'s process group and to every descendant (those in sessions of their own too).
    public static func signal(root: pid_t, _ sig: Int32) {
        let tree = descendants(of: root)
        _ = kill(-root, sig)
        _ = kill(root, sig)
        for p in tree.reversed() { _ = kill(p, sig) }
    }
}
