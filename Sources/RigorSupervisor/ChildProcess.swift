import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child started with posix_spawn in its own process group, with pipes for its output.
struct ChildProcess {
    let pid: pid_t
    /// Read ends (non-blocking, close-on-exec) of the child's stdout, stderr and event channel.
    let stdoutFD: Int32
    let stderrFD: Int32
    let eventsFD: Int32?

    /// The fd number the event channel has inside the child (RIGOR_EVENTS_FD).
    static let childEventsFD: Int32 = 3

    /// Starts `argv` (argv[0] already resolved to a path) in `cwd` with `environment`.
    /// The child gets stdin=/dev/null, its own process group (pgid = pid), default signal
    /// dispositions, and no inherited fds except 0, 1, 2 and (when `eventChannel`) 3.
    static func spawn(argv: [String], cwd: String, environment: [String: String], eventChannel: Bool) throws(SupervisorError) -> ChildProcess {
        var fds: [Int32] = []
        func closeAll() { for fd in fds { close(fd) } }
        func makePipe() throws(SupervisorError) -> (r: Int32, w: Int32) {
            var p: [Int32] = [-1, -1]
            guard GlibcExtras.pipeCloexec(&p) == 0 else {
                let why = String(cString: strerror(errno)); closeAll()
                throw .spawnFailed("pipe: \(why)")
            }
            fds.append(p[0]); fds.append(p[1])
            return (p[0], p[1])
        }
        let out = try makePipe()
        let err = try makePipe()
        let ev: (r: Int32, w: Int32)? = eventChannel ? try makePipe() : nil
        if let ev { _ = fcntl(ev.w, 1031 /* F_SETPIPE_SZ */, 1 << 20) }

        var spec = LaunchSpec(argv: argv, environment: environment)
        spec.workingDirectory = cwd
        spec.stdout = .descriptor(out.w)
        spec.stderr = .descriptor(err.w)
        if let ev { spec.passDescriptors = [(ev.w, childEventsFD)] }
        let pid: pid_t
        do { pid = try ProcessLauncher.spawn(spec) } catch {
            close(out.w); close(err.w); if let ev { close(ev.w) }
            close(out.r); close(err.r); if let ev { close(ev.r) }
            throw .spawnFailed("\(argv.first ?? "?"): \(error.reason)")
        }
        close(out.w); close(err.w); if let ev { close(ev.w) }
        for fd in [out.r, err.r] + (ev.map { [$0.r] } ?? []) {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        return ChildProcess(pid: pid, stdoutFD: out.r, stderrFD: err.r, eventsFD: ev?.r)
    }

    /// Finds the program of a sandboxed run's command on the child's PATH.
    static func resolveExecutable(_ name: String, path: String?, cwd: String) -> String? {
        ExecutableSearch.resolve(name, path: path, cwd: cwd)
    }
}

/// Monotonic seconds (CLOCK_MONOTONIC).
func monotonicSeconds() -> Double { Monotonic.seconds() }

/// Unix time in seconds with sub-second precision.
func unixSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// ISO 8601 UTC timestamp with milliseconds.
func isoTimestamp(_ unix: Double = unixSeconds()) -> String {
    var t = time_t(unix)
    var tmv = tm()
    gmtime_r(&t, &tmv)
    let ms = Int((unix - Double(Int(unix))) * 1000)
    return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tmv.tm_year + 1900, tmv.tm_mon + 1, tmv.tm_mday,
                  tmv.tm_hour, tmv.tm_min, tmv.tm_sec, ms)
}
