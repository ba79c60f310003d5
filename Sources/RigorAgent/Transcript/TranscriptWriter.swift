import Foundation
import RigorBasics
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends transcript entries to `transcript.jsonl` as they happen (a crash keeps what came
/// before), with every known secret value redacted; synced to disk when closed.
public final class TranscriptWriter: Sendable {
    private struct State { var fd: Int32; var sequence: Int }
    private let state: Mutex<State>
    private let redactor: Redactor
    public let path: String

    public init(path: String, redactor: Redactor) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw RigorFileError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        self.path = path
        self.redactor = redactor
        state = Mutex(State(fd: fd, sequence: 0))
    }

    public func append(_ entry: TranscriptEntry) {
        state.withLock { s in
            s.sequence += 1
            let line = redactor.redact(entry.json(sequence: s.sequence, time: ISOTimestamp.now()).serialized(pretty: false)) + "\n"
            let bytes = Array(line.utf8)
            _ = bytes.withUnsafeBytes { write(s.fd, $0.baseAddress, $0.count) }
        }
    }

    public func close() {
        state.withLock { s in
            guard s.fd >= 0 else { return }
            fsync(s.fd)
            Glibc.close(s.fd)
            s.fd = -1
        }
    }
}

/// Appends the agent's raw output (stdout lines, stderr chunks) to a record file as it comes,
/// redacted, so a long session is never held in memory; synced when closed.
public final class OutputRecord: Sendable {
    private let fd: Mutex<Int32>
    private let redactor: Redactor

    public init(path: String, redactor: Redactor) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw RigorFileError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        self.fd = Mutex(fd)
        self.redactor = redactor
    }

    public func append(_ bytes: [UInt8]) {
        let out = redactor.redact(bytes)
        fd.withLock { f in
            guard f >= 0 else { return }
            var offset = 0
            while offset < out.count {
                let n = out[offset...].withUnsafeBytes { write(f, $0.baseAddress, $0.count) }
                if n < 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }

    public func close() {
        fd.withLock { f in
            guard f >= 0 else { return }
            fsync(f)
            Glibc.close(f)
            f = -1
        }
    }
}
