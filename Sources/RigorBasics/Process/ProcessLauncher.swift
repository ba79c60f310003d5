import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a child's standard stream is connected to.
public enum ChildStream: Sendable, Equatable {
    /// /dev/null (read-only for stdin, write-only for output).
    case null
    /// The same descriptor as this process.
    case inherit
    /// A descriptor of this process, duplicated into the child.
    case descriptor(Int32)
}

/// Everything about how one child process starts. The defaults are the safe ones: stdin from
/// /dev/null, its own process group, every descriptor but 0–2 (and `passDescriptors`) closed,
/// default signal dispositions, `/` as working directory.
public struct LaunchSpec: Sendable {
    /// argv; `argv[0]` must be an absolute path (resolve it with `TrustedExecutable` for programs
    /// Rigor runs outside the sandbox, or `ExecutableSearch` for the command of a sandboxed run).
    public var argv: [String]
    /// The complete environment (nothing is inherited implicitly).
    public var environment: [String: String]
    public var workingDirectory: String = "/"
    public var stdin: ChildStream = .null
    public var stdout: ChildStream = .inherit
    public var stderr: ChildStream = .inherit
    /// Descriptors of this process to pass on, as (descriptor here, number in the child).
    /// Child numbers must be 3 or more and consecutive from 3; everything above is closed.
    public var passDescriptors: [(parent: Int32, child: Int32)] = []
    /// Start the child in a new process group (pgid = pid), so the whole group can be signalled.
    public var newProcessGroup = true

    public init(argv: [String], environment: [String: String]) {
        self.argv = argv
        self.environment = environment
    }
}

/// Why a child could not be started.
public struct LaunchError: Error, Sendable, CustomStringConvertible {
    public var command: String
    public var reason: String
    public var description: String { "cannot start \(command): \(reason)" }
    public init(command: String, reason: String) { self.command = command; self.reason = reason }
}

/// The one way Rigor starts a process (posix_spawn). Every child is tracked until it is
/// reaped (`ProcessLauncher.reaped`), so a sweep can tell Rigor's own live children from
/// stray processes a run left behind (`StrayProcesses`).
public enum ProcessLauncher {
    private static let live = Mutex<Set<pid_t>>([])

    /// Starts the child and returns its pid (also its process group id by default).
    public static func spawn(_ spec: LaunchSpec) throws(LaunchError) -> pid_t {
        guard let exe = spec.argv.first, exe.hasPrefix("/") else {
            throw LaunchError(command: spec.argv.first ?? "(empty)", reason: "not an absolute path (resolve it first)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        func connect(_ stream: ChildStream, to fd: Int32, readOnly: Bool) {
            switch stream {
            case .inherit: break
            case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", readOnly ? O_RDONLY : O_WRONLY, 0)
            case .descriptor(let d): posix_spawn_file_actions_adddup2(&actions, d, fd)
            }
        }
        connect(spec.stdin, to: 0, readOnly: true)
        connect(spec.stdout, to: 1, readOnly: false)
        connect(spec.stderr, to: 2, readOnly: false)
        for pass in spec.passDescriptors { posix_spawn_file_actions_adddup2(&actions, pass.parent, pass.child) }
        let firstClosed = (spec.passDescriptors.map(\.child).max() ?? 2) + 1
        var argv = spec.argv
        var closedByAction = false
        withUnsafeMutablePointer(to: &actions) { ptr in
            let raw = UnsafeMutableRawPointer(ptr)
            if let closefrom = GlibcExtras.addClosefromFunction { closedByAction = closefrom(raw, firstClosed) == 0 }
            if let addChdir = GlibcExtras.addChdirFunction {
                _ = addChdir(raw, spec.workingDirectory)
            } else {
                argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", spec.workingDirectory] + argv
            }
        }
        if !closedByAction {
            // No closefrom action (old libc): close what is open here, descriptor by descriptor.
            let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
            for fd in open where fd >= firstClosed { posix_spawn_file_actions_addclose(&actions, fd) }
        }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &empty)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if spec.newProcessGroup {
            posix_spawnattr_setpgroup(&attr, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attr, Int16(flags))

        let envList = spec.environment.map { "\($0.key)=\($0.value)" }.sorted()
        var pid: pid_t = 0
        let rc = live.withLock { set -> Int32 in
            let rc = withCStrings(argv) { cargv in
                withCStrings(envList) { cenv in posix_spawn(&pid, argv[0], &actions, &attr, cargv, cenv) }
            }
            if rc == 0 { set.insert(pid) }
            return rc
        }
        guard rc == 0 else { throw LaunchError(command: exe, reason: String(cString: strerror(rc))) }
        return pid
    }

    /// Waits for the child to end (retrying on EINTR) and returns its raw wait status.
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { status = 127 << 8; break }
        }
        reaped(pid)
        return status
    }

    /// Marks a child as reaped (call after a successful waitpid on it).
    public static func reaped(_ pid: pid_t) { _ = live.withLock { $0.remove(pid) } }

    /// Rigor's own children that have not been reaped yet.
    public static var liveChildren: Set<pid_t> { live.withLock { $0 } }

    /// Exit status, or 128 + signal number when the child was killed by a signal.
    public static func exitStatus(_ status: Int32) -> Int32 {
        let sig = status & 0x7f
        return sig == 0 ? (status >> 8) & 0xff : 128 + sig
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
public func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return body(pointers)
}
