import Foundation
import RigorBasics
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rigor guard exec`'s child: started through `ProcessLauncher` (every descriptor but 0–2
/// closed, default signal dispositions), with the terminal's stdio, and SIGINT/SIGTERM/SIGHUP
/// received meanwhile forwarded to it.
public enum ChildProcess {
    private static let forwardedPID = Atomic<Int32>(0)

    /// Runs argv (argv[0] resolved on PATH when not absolute) with inherited stdio and returns
    /// its exit status, or 128 + signal number when it was killed by a signal.
    public static func runInheriting(_ argv: [String], environment: [String: String]? = nil, ownGroup: Bool = false) throws(GuardError) -> Int32 {
        let env = environment ?? ProcessInfo.processInfo.environment
        guard let first = argv.first, let exe = first.hasPrefix("/") ? first : ExecutableSearch.resolve(first, path: env["PATH"], cwd: FileManager.default.currentDirectoryPath) else {
            throw .spawnFailed(command: argv.first ?? "(empty)", reason: "not found on PATH")
        }
        var spec = LaunchSpec(argv: [exe] + argv.dropFirst(), environment: env)
        spec.workingDirectory = FileManager.default.currentDirectoryPath
        spec.stdin = .inherit
        // By default it stays in the terminal's process group (an interactive shell needs it) and
        // the wrapper (bubblewrap, setsid + unshare) gives it a session of its own.
        spec.newProcessGroup = ownGroup
        let pid: pid_t
        do { pid = try ProcessLauncher.spawn(spec) } catch { throw .spawnFailed(command: error.command, reason: error.reason) }
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
        return ProcessLauncher.exitStatus(ProcessLauncher.wait(pid))
    }
}
