import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies of protected files, content-addressed under `results/<exp>/.rigor/snapshot/<sha256>`.
///
/// Bounded by `GuardConfig.snapshotLimitBytes` (total) and `snapshotFileLimitBytes` (per file);
/// files over the bounds are still hashed (tamper is detected) but cannot be restored.
public enum Snapshot {
    public static func directory(for set: ProtectedSet) -> String { set.stateDir + "/snapshot" }

    /// Copies every manifest file into the snapshot (skipping blobs already there) and marks
    /// each entry `snapshotted`.
    public static func take(_ manifest: inout Manifest, set: ProtectedSet) throws(GuardError) {
        let dir = directory(for: set)
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw .io(path: dir, reason: "cannot create snapshot dir: \(error)")
        }
        var total = 0
        for i in manifest.entries.indices where manifest.entries[i].kind == .file {
            let e = manifest.entries[i]
            guard let sha = e.sha256 else { continue }
            let blob = dir + "/" + sha
            if e.size > Int64(set.config.snapshotFileLimitBytes) || total + Int(e.size) > set.config.snapshotLimitBytes {
                manifest.entries[i].snapshotted = FileManager.default.fileExists(atPath: blob)
                continue
            }
            if !FileManager.default.fileExists(atPath: blob) {
                try copyFile(from: manifest.absolute(e), to: blob, mode: 0o400)
                // The copy must be what was hashed.
                if (try? SHA256.hex(fileAt: blob)) != sha {
                    unlink(blob)
                    manifest.entries[i].snapshotted = false
                    continue
                }
            }
            total += Int(e.size)
            manifest.entries[i].snapshotted = true
        }
    }

    /// Byte copy through a temp file in the destination's directory, then rename.
    static func copyFile(from src: String, to dst: String, mode: mode_t) throws(GuardError) {
        let temp = (dst as NSString).deletingLastPathComponent + "/.rigor-tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let inFD = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard inFD >= 0 else { throw .io(path: src, reason: "cannot open for copy: \(String(cString: strerror(errno)))") }
        defer { close(inFD) }
        let outFD = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard outFD >= 0 else { throw .io(path: temp, reason: "cannot create: \(String(cString: strerror(errno)))") }
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(inFD, &buf, buf.count)
            if n == 0 { break }
            if n < 0 { if errno == EINTR { continue }; close(outFD); unlink(temp); throw .io(path: src, reason: "read failed") }
            var off = 0
            while off < n {
                let w = buf.withUnsafeBytes { write(outFD, $0.baseAddress! + off, n - off) }
                if w < 0 { if errno == EINTR { continue }; close(outFD); unlink(temp); throw .io(path: temp, reason: "write failed: \(String(cString: strerror(errno)))") }
                off += w
            }
        }
        fsync(outFD)
        fchmod(outFD, mode)
        close(outFD)
        guard rename(temp, dst) == 0 else {
            let why = String(cString: strerror(errno)); unlink(temp)
            throw .io(path: dst, reason: "cannot rename into place: \(why)")
        }
    }
}

extension Manifest {
    /// Takes the manifest of the protected set, snapshots its files, and stores the manifest
    /// in the experiment's guard state dir (`Manifest.path(for:)`).
    public static func record(_ set: ProtectedSet, mode: GuardMode) throws(GuardError) -> Manifest {
        var manifest = try Manifest.take(set, mode: mode)
        try Snapshot.take(&manifest, set: set)
        try manifest.write(to: Manifest.path(for: set))
        return manifest
    }
}
