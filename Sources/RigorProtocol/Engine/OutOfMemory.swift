import Foundation
import RigorBasics
import RigorSupervisor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a run ended out of memory: killed by SIGKILL that Rigor did not send (the kernel's
/// OOM killer), or its stderr ends with an allocator's or framework's out-of-memory error.
enum OutOfMemory {
    static let markers = ["out of memory", "memoryerror", "outofmemoryerror", "cannot allocate memory", "std::bad_alloc"]
    static let tailBytes = 64 * 1024

    static func detect(_ record: RunRecord, resultsDir: String) -> Bool {
        guard record.status == .failed || record.status == .signaled else { return false }
        if record.status == .signaled && record.signal == SIGKILL { return true }
        let tail = String(decoding: lastBytes(of: resultsDir + "/runs/" + record.runID + "/stderr.log"), as: UTF8.self).lowercased()
        return markers.contains { tail.contains($0) }
    }

    /// The last `tailBytes` of a regular file, opened without following links and without blocking.
    static func lastBytes(of path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return [] }
        let size = Int(st.st_size)
        let count = min(size, tailBytes)
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(size - count)) }
        return n > 0 ? Array(buffer.prefix(n)) : []
    }
}
