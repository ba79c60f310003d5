import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files a run created or changed in its results folder (docs/run-record.md `outputFiles`):
/// the folder is listed before the run starts and after it ends, without following links, and
/// every regular file that is new or changed is recorded with its size and SHA-256. Rigor's own
/// records (runs/, the ledger, the journal, .rigor/, rigor/, the frozen spec) are left out.
struct OutputFiles {
    struct Stamp: Equatable { var size: Int64; var mtime: Int64; var inode: UInt64 }
    static let skipped: Set<String> = ["runs", "ledger.jsonl", "protocol-journal.jsonl", ".protocol.lock", ".rigor", "rigor", "spec.md"]
    static let maxEntries = 20_000
    static let maxDepth = 32
    /// Larger files (checkpoints, datasets) are recorded with their size only: hashing them after
    /// every run would cost more than the run record is worth.
    static let maxHashedBytes: Int64 = 64 << 20
    /// At most this much is hashed after one run, whatever the files (a run cannot make Rigor
    /// spend unbounded time on what it wrote).
    static let maxHashedBytesPerRun: Int64 = 1 << 30

    /// Regular files under `root` (relative path → stamp), at most `maxEntries`.
    static func list(_ root: String) -> [String: Stamp] {
        var out: [String: Stamp] = [:]
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return out }
        walk(fd, prefix: "", depth: 0, into: &out)
        return out
    }

    private static func walk(_ dirFD: Int32, prefix: String, depth: Int, into out: inout [String: Stamp]) {
        guard let dir = fdopendir(dirFD) else { close(dirFD); return }
        defer { closedir(dir) }
        while let entry = readdir(dir), out.count < maxEntries {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." || (prefix.isEmpty && skipped.contains(name)) { continue }
            var st = stat()
            guard fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            let path = prefix.isEmpty ? name : prefix + "/" + name
            switch st.st_mode & S_IFMT {
            case S_IFREG:
                out[path] = Stamp(size: Int64(st.st_size), mtime: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                                  inode: UInt64(st.st_ino))
            case S_IFDIR where depth < maxDepth:
                let child = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if child >= 0 { walk(child, prefix: path, depth: depth + 1, into: &out) }
            default: continue
            }
        }
    }

    /// The files new or changed since `before`, with size and SHA-256, sorted by path.
    static func changed(_ root: String, since before: [String: Stamp]) -> [OutputFile] {
        let after = list(root)
        var files: [OutputFile] = []
        var hashed: Int64 = 0
        for (path, stamp) in after.sorted(by: { $0.key < $1.key }) where before[path] != stamp {
            if stamp.size > maxHashedBytes || hashed + stamp.size > maxHashedBytesPerRun {
                files.append(OutputFile(path: path, size: stamp.size, sha256: nil))
                continue
            }
            hashed += stamp.size
            let fd = open(root + "/" + path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { continue }
            let digest = SHA256.hex(readingToEnd: fd)
            close(fd)
            files.append(OutputFile(path: path, size: stamp.size, sha256: digest))
        }
        return files
    }
}

/// A file a run created or changed in its results folder.
public struct OutputFile: Sendable, Codable, Equatable {
    /// Relative to the results folder.
    public var path: String
    public var size: Int64
    /// Nil for files over 64 MiB, past 1 GiB hashed for the run, or that could not be read.
    public var sha256: String?
}
