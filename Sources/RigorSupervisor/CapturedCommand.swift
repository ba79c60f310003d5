import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a short helper command (git, nvidia-smi, python -c …) and captures its stdout,
/// bounded in size and time. Used for provenance; never for the supervised command itself.
enum CapturedCommand {
    struct Output { var status: Int32?; var stdout: [UInt8]; var timedOut: Bool }

    /// Output of `argv` run in `cwd`, or nil when it cannot be started. Output past `limit`
    /// bytes is discarded (and drained); the group is killed after `timeout` seconds.
    static func run(_ argv: [String], cwd: String, environment: [String: String],
                    limit: Int = 1 << 20, timeout: Double = 10, sink: ((UnsafeRawBufferPointer) -> Void)? = nil) -> Output? {
        guard let exe = ChildProcess.resolveExecutable(argv[0], path: environment["PATH"], cwd: cwd) else { return nil }
        var resolved = argv
        resolved[0] = exe
        guard let child = try? ChildProcess.spawn(argv: resolved, cwd: cwd, environment: environment, eventChannel: false) else { return nil }
        var output: [UInt8] = []
        var open: [Int32] = [child.stdoutFD, child.stderrFD]
        let deadline = monotonicSeconds() + timeout
        var timedOut = false
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 1)
        defer { buffer.deallocate() }
        while !open.isEmpty {
            let left = deadline - monotonicSeconds()
            if left <= 0 { timedOut = true; kill(-child.pid, SIGKILL); break }
            var pfds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let n = poll(&pfds, nfds_t(pfds.count), Int32(min(left, 1) * 1000) + 1)
            if n < 0 && errno != EINTR { break }
            for p in pfds where p.revents != 0 {
                let r = read(p.fd, buffer.baseAddress, buffer.count)
                if r > 0 {
                    if p.fd == child.stdoutFD {
                        if let sink { sink(UnsafeRawBufferPointer(rebasing: buffer[0..<r])) }
                        else if output.count < limit {
                            output.append(contentsOf: buffer[0..<min(r, limit - output.count)])
                        }
                    }
                } else if r == 0 || (errno != EAGAIN && errno != EINTR) {
                    close(p.fd); open.removeAll { $0 == p.fd }
                }
            }
        }
        for fd in open { close(fd) }
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        return Output(status: exited ? (status >> 8) & 0xff : nil, stdout: output, timedOut: timedOut)
    }

    /// The trimmed stdout of a command that exited 0, else nil.
    static func text(_ argv: [String], cwd: String, environment: [String: String], timeout: Double = 10) -> String? {
        guard let out = run(argv, cwd: cwd, environment: environment, timeout: timeout), out.status == 0 else { return nil }
        return String(decoding: out.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
