import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One experiment's guard state in the trusted store: the authenticated manifest, the
/// snapshot blobs, the tamper record. The workspace keeps copies in `results/<exp>/.rigor/`
/// for people to read; verification trusts only the store, and reports a copy that differs.
public struct GuardState: Sendable {
    public let store: TrustedStore
    public let set: ProtectedSet
    let dir: DirectoryHandle

    public static let manifestName = "guard-manifest.json"
    public static let tamperLogName = "tamper.jsonl"

    public init(set: ProtectedSet, store: TrustedStore = .current()) throws(GuardError) {
        self.store = store
        self.set = set
        dir = try store.experimentDirectory(workspaceRoot: set.workspace.root, experiment: set.experimentID)
    }

    /// The trusted manifest's path (for messages).
    public var manifestPath: String { dir.path + "/" + Self.manifestName }

    /// Takes the manifest of the protected set, copies its files into the store's snapshot,
    /// and writes the manifest, authenticated, to the store (and a copy to the workspace).
    public func record(mode: GuardMode) throws(GuardError) -> Manifest {
        var manifest = try Manifest.take(set, mode: mode)
        try Snapshot.take(&manifest, set: set, into: snapshotDirectory())
        try write(manifest)
        return manifest
    }

    func snapshotDirectory() throws(GuardError) -> DirectoryHandle {
        do { return try dir.subdirectory("snapshot", create: true, mode: 0o700) } catch { throw .io(path: dir.path + "/snapshot", reason: error.description) }
    }

    /// The signed document: `{"hmac": …, "manifest": {…}}` with the manifest's canonical bytes.
    func signedBytes(_ manifest: Manifest) throws(GuardError) -> [UInt8] {
        let body = try Self.canonical(manifest)
        let mac = HMACSHA256.mac(key: try store.key(), message: body)
        let text = "{\"hmac\": \"\(HMACSHA256.hex(mac))\",\n \"manifest\": " + String(decoding: body, as: UTF8.self) + "}\n"
        return Array(text.utf8)
    }

    static func canonical(_ manifest: Manifest) throws(GuardError) -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        do { return Array(try enc.encode(manifest)) } catch { throw .io(path: "(manifest)", reason: "cannot encode: \(error)") }
    }

    func write(_ manifest: Manifest) throws(GuardError) {
        let bytes = try signedBytes(manifest)
        do { try dir.writeAtomically(Self.manifestName, bytes, mode: 0o600) } catch { throw .io(path: manifestPath, reason: error.description) }
        try writeWorkspaceCopy(bytes)
    }

    /// Writes `results/<exp>/.rigor/guard-manifest.json` (a copy for people; never trusted).
    func writeWorkspaceCopy(_ bytes: [UInt8]) throws(GuardError) {
        do {
            try DirectoryHandle.openCreating(set.stateDir).writeAtomically(Self.manifestName, bytes)
        } catch { throw .io(path: Manifest.path(for: set), reason: error.description) }
    }

    /// Whether a trusted manifest exists.
    public var hasManifest: Bool { (try? dir.openReading(Self.manifestName)).flatMap { $0 }.map { close($0); return true } ?? false }

    /// Reads and authenticates the trusted manifest.
    public func manifest() throws(GuardError) -> Manifest {
        let bytes: [UInt8]
        do {
            guard let b = try dir.read(Self.manifestName, limit: 256 << 20) else { throw GuardError.manifestMissing(path: manifestPath) }
            bytes = b
        } catch let e as GuardError { throw e } catch { throw .guardStateTampered(path: manifestPath, reason: "\(error)") }
        let body = try authenticatedBody(bytes)
        do { return try JSONDecoder().decode(Manifest.self, from: Data(body)) } catch {
            throw .guardStateTampered(path: manifestPath, reason: "authenticated but undecodable: \(error)")
        }
    }

    /// The manifest body of a signed document, when its HMAC matches Rigor's key.
    func authenticatedBody(_ bytes: [UInt8]) throws(GuardError) -> [UInt8] {
        guard let doc = try? JSONReader.parse(bytes: bytes), let mac = doc.value["hmac"]?.stringValue,
              let macBytes = Self.hexBytes(mac) else {
            throw .guardStateTampered(path: manifestPath, reason: "not a signed manifest")
        }
        // The manifest body is the bytes between `"manifest": ` and the final `}`.
        guard let start = Self.find(Array("\"manifest\": ".utf8), in: bytes), let end = bytes.lastIndex(of: UInt8(ascii: "}")), end > start else {
            throw .guardStateTampered(path: manifestPath, reason: "not a signed manifest")
        }
        let body = Array(bytes[(start + 12)..<end])
        guard HMACSHA256.equal(HMACSHA256.mac(key: try store.key(), message: body), macBytes) else {
            throw .guardStateTampered(path: manifestPath, reason: "the manifest's HMAC does not match (changed or substituted)")
        }
        return body
    }

    /// Compares the workspace copy with the trusted manifest; a difference is a tamper event,
    /// repaired by writing the copy again when `restore`.
    func checkWorkspaceCopy(_ manifest: Manifest, restore: Bool) -> TamperEvent? {
        guard let trusted = try? signedBytes(manifest) else { return nil }
        let copy = (try? DirectoryHandle.open(set.stateDir).read(Self.manifestName, limit: 256 << 20)) ?? nil
        guard copy != trusted else { return nil }
        // A copy signed with Rigor's key was written by Rigor: by the session of a run that
        // `rigor run`'s broker started during this one. It is put back without an event.
        if let copy, (try? authenticatedBody(copy)) != nil {
            if restore { try? writeWorkspaceCopy(trusted) }
            return nil
        }
        let rel = PathResolution.relative(Manifest.path(for: set), to: set.workspace.root)
        var e = TamperEvent(path: rel, change: copy == nil ? .deleted : .modified,
                            detail: "the workspace copy of the guard manifest differs from Rigor's trusted copy", restored: false, restoreDetail: "")
        if !restore { e.restoreDetail = "not restored (verify --no-restore)"; return e }
        do { try writeWorkspaceCopy(trusted); e.restored = true; e.restoreDetail = "rewritten from the trusted copy" } catch {
            e.restoreDetail = "could not rewrite it: \(error)"
        }
        return e
    }

    /// The snapshot copy of a file whose SHA-256 is `sha`, read from the trusted store and
    /// checked against that hash; nil when missing or altered.
    func blob(_ sha: String) -> [UInt8]? {
        guard let snap = try? snapshotDirectory(), let bytes = (try? snap.read(sha, limit: Int.max)) ?? nil,
              SHA256.hex(bytes) == sha else { return nil }
        return bytes
    }

    /// Appends events to the store's tamper record (must succeed) and to the workspace copy
    /// `results/<exp>/.rigor/tamper.jsonl` (best effort), O_APPEND and fsync'd.
    func recordEvents(_ lines: [[UInt8]]) throws(GuardError) {
        guard !lines.isEmpty else { return }
        let bytes = lines.flatMap { $0 }
        func append(to handle: DirectoryHandle) throws(RigorFileError) {
            let f = try handle.openAppending(Self.tamperLogName)
            defer { close(f) }
            try DirectoryHandle.writeAll(f, bytes, path: handle.path + "/" + Self.tamperLogName)
            fsync(f)
        }
        do { try append(to: dir) } catch { throw .io(path: dir.path + "/" + Self.tamperLogName, reason: error.description) }
        if let copy = try? DirectoryHandle.openCreating(set.stateDir) { try? append(to: copy) }
    }

    static func hexBytes(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count == 64 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: 64, by: 2) {
            guard let b = UInt8(String(decoding: u[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
        }
        return out
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<i + needle.count]) == needle { return i }
        return nil
    }
}
