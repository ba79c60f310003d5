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
/// Rigor wrote (ledger, journal, run.json) or reported as not restorable (a run's logs, hashed
/// when the run ended); anything else that appeared among them is moved to quarantine.
public final class RecordGuard: RecordWitness, @unchecked Sendable {
    struct Expected {
        var bytes: [UInt8]?
        var sha: String?
    }
    let set: ProtectedSet
    private let state = Mutex<(files: [String: Expected], folders: Set<String>)>(([:], []))

    /// Takes the records' current content as Rigor's (they were verified by the last session).
    init(set: ProtectedSet) {
        self.set = set
        var files: [String: Expected] = [:]
        var folders: Set<String> = []
        for root in recordRoots {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir) else { continue }
            if !isDir.boolValue { files[root] = Self.expectation(of: root, keep: true); continue }
            folders.insert(root)
            for rel in (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? [] {
                let p = root + "/" + rel
                var d: ObjCBool = false
                guard FileManager.default.fileExists(atPath: p, isDirectory: &d) else { continue }
                if d.boolValue { folders.insert(p) } else { files[p] = Self.expectation(of: p, keep: nil) }
            }
        }
        state.withLock { $0 = (files, folders) }
    }

    var recordRoots: [String] {
        ["runs", "ledger.jsonl", "protocol-journal.jsonl"].map { set.experimentResultsDir + "/" + $0 }
    }

    func isRecord(_ path: String) -> Bool { recordRoots.contains { PathResolution.isWithin(path, $0) } }

    /// A regular file's bytes, read without following links or blocking on a FIFO; nil otherwise.
    static func contents(_ path: String) -> Data? {
        let dir = (path as NSString).deletingLastPathComponent, name = (path as NSString).lastPathComponent
        guard let bytes = (try? DirectoryHandle.open(dir).read(name, limit: 1 << 32)) ?? nil else { return nil }
        return Data(bytes)
    }

    /// The file's hash, and its bytes when `keep` (nil: when it is at most 1 MiB, as run.json is).
    static func expectation(of path: String, keep: Bool?) -> Expected {
        guard let data = Self.contents(path) else { return Expected(bytes: nil, sha: nil) }
        let bytes = Array(data)
        return Expected(bytes: (keep ?? (bytes.count <= 1 << 20)) ? bytes : nil, sha: SHA256.hex(bytes))
    }

    public func appended(_ path: String, _ bytes: [UInt8]) {
        guard isRecord(path) else { return }
        state.withLock { s in
            var e = s.files[path] ?? Expected(bytes: [], sha: nil)
            let all = (e.bytes ?? []) + bytes
            e.bytes = all
            e.sha = SHA256.hex(all)
            s.files[path] = e
        }
    }

    public func replaced(_ path: String, _ bytes: [UInt8]) {
        guard isRecord(path) else { return }
        state.withLock { $0.files[path] = Expected(bytes: bytes.count <= 4 << 20 ? bytes : nil, sha: SHA256.hex(bytes)) }
    }

    public func finished(_ path: String) {
        guard isRecord(path) else { return }
        let e = Self.expectation(of: path, keep: nil)
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
        let root = set.workspace.root
        func rel(_ p: String) -> String { PathResolution.relative(p, to: root) }
        for (path, want) in files.sorted(by: { $0.key < $1.key }) {
            guard let wantSHA = want.sha else { continue }
            let now = Self.contents(path).map { SHA256.hex(Array($0)) }
            guard now != wantSHA else { continue }
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
                e.restoreDetail = "not restorable (Rigor keeps only its hash); the run's record is not trustworthy"
            }
            events.append(e)
        }
        // Anything among the records that Rigor did not write.
        for recordRoot in recordRoots {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: recordRoot, isDirectory: &isDir), isDir.boolValue else { continue }
            let found = ((FileManager.default.enumerator(atPath: recordRoot)?.allObjects as? [String]) ?? []).sorted()
            var moved: [String] = []
            for r in found {
                let p = recordRoot + "/" + r
                if moved.contains(where: { PathResolution.isWithin(p, $0) }) { continue }
                var d: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: p, isDirectory: &d)
                let known = d.boolValue ? folders.contains(p) : files[p] != nil
                guard !known else { continue }
                var e = TamperEvent(path: rel(p), change: .added, detail: "appeared among Rigor's records; Rigor did not write it", restored: false, restoreDetail: "")
                if let err = quarantine(p) { e.restoreDetail = err } else { e.restored = true; e.restoreDetail = "moved to quarantine" }
                moved.append(p)
                events.append(e)
            }
        }
        return events
    }
}
