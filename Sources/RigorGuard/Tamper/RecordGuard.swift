import Foundation
import RigorBasics
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// In chmod-fallback mode a root child can write Rigor's records (`runs/`, `ledger.jsonl`,
/// `protocol-journal.jsonl`), which bubblewrap would mount read-only. This witness learns every
/// write Rigor makes to them during the phase (`RecordWitnesses`) and, at the end, checks that
/// the records hold exactly that: a record changed by someone else is restored from the bytes
/// Rigor wrote (ledger, journal, run.json and other small files) or reported as not restorable
/// (a large log, hashed when its run ended); anything else that appeared among them is moved
/// to quarantine whole. Files are hashed as streams; appends update a running hash.
public final class RecordGuard: RecordWitness, @unchecked Sendable {
    struct Expected {
        /// The content, while it is small enough to keep (restorable).
        var bytes: [UInt8]?
        /// Running hash of the content.
        var hasher: SHA256
        /// For a large file Rigor finished writing: its inode, size and change time, which no
        /// write can keep (a file is not read whole to check it).
        var stamp: String? = nil
        var digest: String { if let stamp { return stamp }; var h = hasher; return SHA256.hexEncoded(h.finalize()) }
    }
    /// Files larger than this are checked by their stamp, not their hash.
    static let hashLimit: Int64 = 1 << 20
    /// Largest content kept for restoring.
    static let keepLimit = 4 << 20
    /// Folders below the records' roots that are walked (runs/<id>/…, runs/.python/rigor/…).
    static let maxDepth = 4

    let set: ProtectedSet
    private let state = Mutex<(files: [String: Expected], folders: Set<String>)>(([:], []))

    /// Takes the records' current content as Rigor's (they were verified by the last session).
    init(set: ProtectedSet) {
        self.set = set
        var files: [String: Expected] = [:]
        var folders: Set<String> = []
        for root in recordRoots {
            Self.walk(root, depth: 0) { path, isDirectory in
                if isDirectory { folders.insert(path) }
                // The ledger and the journal are appended to: their content is kept to restore them.
                else if let e = Self.expectation(of: path, root == path ? .content(keep: Self.keepLimit) : .stampIfLarge) { files[path] = e }
                return true
            }
        }
        state.withLock { $0 = (files, folders) }
    }

    var recordRoots: [String] {
        ["runs", "ledger.jsonl", "protocol-journal.jsonl"].map { set.experimentResultsDir + "/" + $0 }
    }

    func isRecord(_ path: String) -> Bool { recordRoots.contains { PathResolution.isWithin(path, $0) } }

    /// Visits `path` and, for a folder, what is inside (to `maxDepth`), without following links;
    /// `visit` returns whether to descend into a folder.
    static func walk(_ path: String, depth: Int, _ visit: (String, Bool) -> Bool) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        let isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
        guard visit(path, isDirectory), isDirectory, depth < maxDepth, let dir = try? DirectoryHandle.open(path) else { return }
        for name in ManifestWalk.names(dir.fd) { walk(path + "/" + name, depth: depth + 1, visit) }
    }

    /// How a file is taken: its whole content hashed (bytes kept up to `keep`), or, when it is
    /// larger than `hashLimit`, only its stamp (`stampIfLarge`).
    enum Reading { case content(keep: Int), stampIfLarge }

    /// A regular file's expectation, read as a stream without following links or blocking on a
    /// FIFO; nil when it is not a regular file.
    static func expectation(of path: String, _ reading: Reading) -> Expected? {
        guard let f = (try? DirectoryHandle.openReading(atPath: path)) ?? nil else { return nil }
        defer { close(f) }
        var st = stat()
        guard fstat(f, &st) == 0 else { return nil }
        let keep: Int
        switch reading {
        case .stampIfLarge:
            if Int64(st.st_size) > hashLimit { return Expected(bytes: nil, hasher: SHA256(), stamp: stamp(st)) }
            keep = Int(hashLimit)
        case .content(let k): keep = k
        }
        var e = Expected(bytes: [], hasher: SHA256())
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(f, &buf, buf.count)
            if n == 0 { break }
            if n < 0 { if errno == EINTR { continue }; return nil }
            e.hasher.update(buf[0..<n])
            if var b = e.bytes {
                if b.count + n <= keep { b.append(contentsOf: buf[0..<n]); e.bytes = b } else { e.bytes = nil }
            }
        }
        return e
    }

    /// What is at `path` now, in the terms of `want` (a stamp, or a content hash).
    static func current(_ path: String, like want: Expected) -> String? {
        if want.stamp != nil {
            guard let f = (try? DirectoryHandle.openReading(atPath: path)) ?? nil else { return nil }
            defer { close(f) }
            var st = stat()
            return fstat(f, &st) == 0 ? stamp(st) : nil
        }
        return expectation(of: path, .content(keep: 0))?.digest
    }

    static func stamp(_ st: stat) -> String {
        "inode \(st.st_ino) size \(st.st_size) ctime \(st.st_ctim.tv_sec).\(st.st_ctim.tv_nsec)"
    }

    public func appended(_ path: String, _ bytes: [UInt8]) {
        guard isRecord(path) else { return }
        state.withLock { s in
            var e = s.files[path] ?? Expected(bytes: [], hasher: SHA256())
            e.hasher.update(bytes)
            if let b = e.bytes { e.bytes = b.count + bytes.count <= Self.keepLimit ? b + bytes : nil }
            s.files[path] = e
        }
    }

    public func replaced(_ path: String, _ bytes: [UInt8]) {
        guard isRecord(path) else { return }
        var h = SHA256()
        h.update(bytes)
        let e = Expected(bytes: bytes.count <= Self.keepLimit ? bytes : nil, hasher: h)
        state.withLock { $0.files[path] = e }
    }

    public func finished(_ path: String) {
        guard isRecord(path) else { return }
        let e = Self.expectation(of: path, .stampIfLarge)
        state.withLock { $0.files[path] = e }
    }

    public func created(_ directory: String) {
        guard isRecord(directory) else { return }
        state.withLock { _ = $0.folders.insert(directory) }
    }

    /// Compares the records with what Rigor wrote; restores, quarantines and reports.
    func verify(quarantine: (String) -> String?) -> [TamperEvent] {
        let (files, folders) = state.withLock { ($0.files, $0.folders) }
        var events: [TamperEvent] = []
        func rel(_ p: String) -> String { PathResolution.relative(p, to: set.workspace.root) }
        for (path, want) in files.sorted(by: { $0.key < $1.key }) {
            let now = Self.current(path, like: want)
            guard now != want.digest else { continue }
            var e = TamperEvent(path: rel(path), change: now == nil ? .deleted : .modified,
                                detail: "a record Rigor wrote was changed by someone else", restored: false, restoreDetail: "")
            if let bytes = want.bytes {
                do {
                    try DirectoryHandle.openCreating((path as NSString).deletingLastPathComponent)
                        .writeAtomically((path as NSString).lastPathComponent, bytes)
                    e.restored = true
                    e.restoreDetail = "rewritten with the bytes Rigor wrote"
                } catch { e.restoreDetail = "could not rewrite it: \(error)" }
            } else {
                e.restoreDetail = "not restorable (Rigor keeps only the hash or, for a large file, the fingerprint of this record); the run's record is not trustworthy"
            }
            events.append(e)
        }
        // Anything among the records that Rigor did not write: moved aside whole, not walked.
        for recordRoot in recordRoots {
            Self.walk(recordRoot, depth: 0) { path, isDirectory in
                if isDirectory ? folders.contains(path) : files[path] != nil { return true }
                var e = TamperEvent(path: rel(path), change: .added, detail: "appeared among Rigor's records; Rigor did not write it", restored: false, restoreDetail: "")
                if let err = quarantine(path) { e.restoreDetail = err } else { e.restored = true; e.restoreDetail = "moved to quarantine" }
                events.append(e)
                return false
            }
        }
        return events
    }
}
