import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a short helper command (the bubblewrap probe, git and Python probes, nvidia-smi) and
/// captures its output, bounded in size and time; the whole group is killed at the timeout.
/// Never used for a supervised run. `argv[0]` must already be an absolute, trusted path.
public enum CapturedCommand {
    public struct Output: Sendable {
        /// Exit status; nil when killed by a signal (or at the timeout).
        public var status: Int32?
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        public var timedOut: Bool
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Output of `argv`, or nil when it cannot be started. Output past `limit` bytes is
    /// discarded (and drained). `sink`, when given, receives stdout instead of the buffer.
    /// `cancelled` is asked about once a second: true ends the command as at the timeout.
    public static func run(_ argv: [String], cwd: String = "/", environment: [String: String],
                           limit: Int = 1 << 20, timeout: Double = 10, cancelled: (() -> Bool)? = nil,
                           sink: ((UnsafeRawBufferPointer) -> Void)? = nil) -> Output? {
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard GlibcExtras.pipeCloexec(&out) == 0 else { return nil }
        guard GlibcExtras.pipeCloexec(&err) == 0 else { close(out[0]); close(out[1]); return nil }
        var spec = LaunchSpec(argv: argv, environment: environment)
        spec.workingDirectory = cwd
        spec.stdout = .descriptor(out[1])
        spec.stderr = .descriptor(err[1])
        let pid: pid_t
        do { pid = try ProcessLauncher.spawn(spec) } catch {
            for fd in out + err { close(fd) }
            return nil
        }
        close(out[1]); close(err[1])
        var buffers: [Int32: [UInt8]] = [out[0]: [], err[0]: []]
        var open: [Int32] = [out[0], err[0]]
        let deadline = Monotonic.seconds() + timeout
        var timedOut = false
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 1)
        defer { chunk.deallocate() }
        while !open.isEmpty {
            let left = deadline - Monotonic.seconds()
            if left <= 0 || cancelled?() == true { timedOut = true; kill(-pid, SIGKILL); break }
            var pfds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let n = poll(&pfds, nfds_t(pfds.count), Int32(min(left, 1) * 1000) + 1)
            if n < 0 && errno != EINTR { break }
            for p in pfds where p.revents != 0 {
                let r = read(p.fd, chunk.baseAddress, chunk.count)
                if r > 0 {
                    if p.fd == out[0], let sink { sink(UnsafeRawBufferPointer(rebasing: chunk[0..<r])) }
                    else if let have = buffers[p.fd]?.count, have < limit {
                        buffers[p.fd]?.append(contentsOf: chunk[0..<min(r, limit - have)])
                    }
                } else if r == 0 || (errno != EAGAIN && errno != EINTR) {
                    close(p.fd); open.removeAll { $0 == p.fd }
                }
            }
        }
        for fd in open { close(fd) }
        // Children of the helper that outlive it die with its group.
        kill(-pid, SIGKILL)
        let status = ProcessLauncher.wait(pid)
        let exited = (status & 0x7f) == 0
        return Output(status: exited && !timedOut ? (status >> 8) & 0xff : nil, stdout: buffers[out[0]] ?? [],
                      stderr: buffers[err[0]] ?? [], timedOut: timedOut)
    }

    /// The trimmed stdout of a command that exited 0, else nil.
    public static func text(_ argv: [String], cwd: String = "/", environment: [String: String], timeout: Double = 10) -> String? {
        guard let out = run(argv, cwd: cwd, environment: environment, timeout: timeout), out.status == 0 else { return nil }
        return String(decoding: out.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// CLOCK_MONOTONIC seconds.
public enum Monotonic {
    public static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
