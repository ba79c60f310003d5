import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Minimal posix_spawn runner: the guard needs exit statuses, signal forwarding and, for the
/// probe, captured stderr — nothing more.
public enum ChildProcess {
    /// How a child ended: exit status, or 128 + signal number when killed by a signal.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    private static let forwardedPID = Atomic<Int32>(0)

    /// Runs argv with inherited stdio; SIGINT/SIGTERM/SIGHUP received meanwhile are forwarded.
    public static func runInheriting(_ argv: [String], environment: [String: String]? = nil) throws(GuardError) -> Int32 {
        let pid = try spawn(argv, environment: environment, stdoutFD: nil, stderrFD: nil)
        forwardedPID.store(pid, ordering: .sequentiallyConsistent)
        let handler: @convention(c) (Int32) -> Void = { sig in
            let p = ChildProcess.forwardedPID.load(ordering: .sequentiallyConsistent)
            if p > 0 { kill(p, sig) }
        }
        let old = [SIGINT, SIGTERM, SIGHUP].map { ($0, signal($0, handler)) }
        defer {
            for (s, h) in old { signal(s, h) }
            forwardedPID.store(0, ordering: .sequentiallyConsistent)
        }
        return waitFor(pid)
    }

    /// Runs argv with stdout/stderr captured (bounded to 1 MiB each), killed after the timeout.
    public static func runCapturing(_ argv: [String], environment: [String: String]? = nil, timeoutSeconds: Double = 60) -> Result {
        let outPath = NSTemporaryDirectory() + "/rigor-child-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let outFD = open(outPath + ".out", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let errFD = open(outPath + ".err", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer {
            close(outFD); close(errFD)
            unlink(outPath + ".out"); unlink(outPath + ".err")
        }
        let pid: pid_t
        do { pid = try spawn(argv, environment: environment, stdoutFD: outFD, stderrFD: errFD) } catch {
            return Result(status: 127, stdout: "", stderr: error.description)
        }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            if Date() > deadline { kill(pid, SIGKILL); _ = waitpid(pid, &status, 0); return Result(status: 124, stdout: "", stderr: "timed out after \(timeoutSeconds) s") }
            usleep(5_000)
        }
        func slurp(_ fd: Int32) -> String {
            lseek(fd, 0, SEEK_SET)
            var data = [UInt8](repeating: 0, count: 1 << 20)
            let n = read(fd, &data, data.count)
            return n > 0 ? String(decoding: data[0..<n], as: UTF8.self) : ""
        }
        return Result(status: decode(status), stdout: slurp(outFD), stderr: slurp(errFD))
    }

    static func spawn(_ argv: [String], environment: [String: String]?, stdoutFD: Int32?, stderrFD: Int32?) throws(GuardError) -> pid_t {
        guard let exe = argv.first else { throw .spawnFailed(command: "(empty)", reason: "no command given") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let o = stdoutFD { posix_spawn_file_actions_adddup2(&actions, o, 1) }
        if let e = stderrFD { posix_spawn_file_actions_adddup2(&actions, e, 2) }
        if stdoutFD != nil { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) }; for p in cEnv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, exe, &actions, &attr, &cArgs, &cEnv)
        guard rc == 0 else { throw .spawnFailed(command: exe, reason: String(cString: strerror(rc))) }
        return pid
    }

    static func waitFor(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 { if errno != EINTR { return 127 } }
        return decode(status)
    }

    static func decode(_ status: Int32) -> Int32 {
        let sig = status & 0x7f
        if sig == 0 { return (status >> 8) & 0xff }
        return 128 + sig
    }
}
