import Foundation
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

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out.w, 1)
        posix_spawn_file_actions_adddup2(&actions, err.w, 2)
        if let ev { posix_spawn_file_actions_adddup2(&actions, ev.w, childEventsFD) }
        var argv = argv
        withUnsafeMutablePointer(to: &actions) { ptr in
            let raw = UnsafeMutableRawPointer(ptr)
            _ = GlibcExtras.addClosefromFunction?(raw, ev == nil ? 3 : childEventsFD + 1)
            if let addChdir = GlibcExtras.addChdirFunction {
                _ = addChdir(raw, cwd)
            } else {
                // No addchdir_np: let a shell change directory, then exec the command.
                argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd] + argv
            }
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
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let envList = environment.map { "\($0.key)=\($0.value)" }.sorted()
        var pid: pid_t = 0
        let rc = withCStrings(argv) { cargv in
            withCStrings(envList) { cenv in
                posix_spawn(&pid, argv[0], &actions, &attr, cargv, cenv)
            }
        }
        close(out.w); close(err.w); if let ev { close(ev.w) }
        guard rc == 0 else {
            close(out.r); close(err.r); if let ev { close(ev.r) }
            throw .spawnFailed("\(argv[0]): \(String(cString: strerror(rc)))")
        }
        for fd in [out.r, err.r] + (ev.map { [$0.r] } ?? []) {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        return ChildProcess(pid: pid, stdoutFD: out.r, stderrFD: err.r, eventsFD: ev?.r)
    }

    /// Finds an executable the way execvp would, but on the child's PATH.
    static func resolveExecutable(_ name: String, path: String?, cwd: String) -> String? {
        if name.contains("/") {
            let full = name.hasPrefix("/") ? name : cwd + "/" + name
            return access(full, X_OK) == 0 ? name : nil
        }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !dir.isEmpty {
            let full = String(dir) + "/" + name
            var st = stat()
            if stat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(full, X_OK) == 0 { return full }
        }
        return nil
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return body(pointers)
}

/// Monotonic seconds (CLOCK_MONOTONIC).
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

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
