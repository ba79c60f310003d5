import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies of protected files, content-addressed (`snapshot/<sha256>`) in the experiment's
/// folder of the trusted store, out of every sandbox's reach.
///
/// Bounded by `GuardConfig.snapshotLimitBytes` (total) and `snapshotFileLimitBytes` (per file);
/// files over the bounds are still hashed (tamper is detected) but cannot be restored.
public enum Snapshot {
    /// Copies every manifest file into the snapshot (skipping blobs already there) and marks
    /// each entry `snapshotted`. A copy whose hash is not the manifest's is dropped.
    static func take(_ manifest: inout Manifest, set: ProtectedSet, into dir: DirectoryHandle) throws(GuardError) {
        var total = 0
        for i in manifest.entries.indices where manifest.entries[i].kind == .file {
            let e = manifest.entries[i]
            guard let sha = e.sha256 else { continue }
            let present = ((try? dir.openReading(sha)) ?? nil).map { close($0); return true } ?? false
            if e.size > Int64(set.config.snapshotFileLimitBytes) || total + Int(e.size) > set.config.snapshotLimitBytes {
                manifest.entries[i].snapshotted = present
                continue
            }
            if !present {
                let fd = open(manifest.absolute(e), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
                guard fd >= 0 else { manifest.entries[i].snapshotted = false; continue }
                let bytes = readAll(fd)
                close(fd)
                guard let bytes, SHA256.hex(bytes) == sha else { manifest.entries[i].snapshotted = false; continue }
                do { try dir.writeAtomically(sha, bytes, mode: 0o400) } catch {
                    throw .io(path: dir.path + "/" + sha, reason: error.description)
                }
            }
            total += Int(e.size)
            manifest.entries[i].snapshotted = true
        }
    }

    static func readAll(_ fd: Int32) -> [UInt8]? {
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fd, &buf, buf.count)
            if n == 0 { return data }
            if n < 0 { if errno == EINTR { continue }; return nil }
            data.append(contentsOf: buf[0..<n])
        }
    }
}
