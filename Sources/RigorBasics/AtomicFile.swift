import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a crash leaves either the old content or the new, never a mix:
/// a temp file in the same directory, fsync, rename over the target, fsync of the directory.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let temp = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw RigorFileError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        var ok = false
        defer { if !ok { unlink(temp) } }
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    close(fd)
                    throw RigorFileError.unwritable(path: path, reason: reason)
                }
                offset += n
            }
        }
        if fsync(fd) != 0 {
            let reason = String(cString: strerror(errno)); close(fd)
            throw RigorFileError.unwritable(path: path, reason: "fsync: \(reason)")
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            throw RigorFileError.unwritable(path: path, reason: "rename: \(String(cString: strerror(errno)))")
        }
        ok = true
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws {
        try write(Data(text.utf8), to: path, mode: mode)
    }

    /// Writes a JSON value as pretty, standard JSON (non-finite numbers as strings).
    public static func write(json: JSONValue, to path: String) throws {
        try write(json.serialized(pretty: true), to: path)
    }
}
