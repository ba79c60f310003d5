import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The experiment's lock: `flock` on `.protocol.lock` in the results dir, holding the owner's pid.
/// The kernel drops the lock when its holder dies, so a stale lock file is simply taken over.
public final class ExperimentLock: Sendable {
    public static let fileName = ".protocol.lock"
    public let path: String
    private let fd: Int32

    /// Takes the lock or throws `.locked` with the holder's pid.
    /// `rigor run`'s lock, held for the whole RUN phase (the protocol engine's stays free for
    /// the runs its broker starts).
    public static let runFileName = ".run.lock"

    public init(resultsDir: String, fileName: String = ExperimentLock.fileName) throws(ProtocolError) {
        path = resultsDir + "/" + fileName
        let descriptor: Int32
        do { descriptor = try DirectoryHandle.open(resultsDir).openRegular(fileName, flags: O_RDWR | O_CREAT) } catch {
            throw .io(path: path, reason: error.description)
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(descriptor)
            if busy { throw .locked(path: path, holderPID: ExperimentLock.holder(path: path)) }
            throw .io(path: path, reason: "flock: \(reason)")
        }
        let text = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        _ = fsync(descriptor)
        fd = descriptor
    }

    deinit { close(fd) }

    /// The pid written in the lock file, if any.
    public static func holder(path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
