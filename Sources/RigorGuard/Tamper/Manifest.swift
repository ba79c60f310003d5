import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What sits at one protected path: enough to tell any change and to restore it.
public struct ManifestEntry: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case file, directory, symlink, absent, other
        /// For sentences: "a file", "something else (a FIFO, socket or device, or unreadable)".
        public var described: String {
            switch self {
            case .file: return "a file"
            case .directory: return "a directory"
            case .symlink: return "a symlink"
            case .absent: return "nothing"
            case .other: return "something else (a FIFO, socket or device, or unreadable)"
            }
        }
    }
    /// Path relative to the workspace root (absolute when outside it).
    public var path: String
    public var kind: Kind
    public var size: Int64
    /// Permission bits (e.g. 0o644 as 420).
    public var mode: UInt32
    /// SHA-256 of a file's bytes (nil for other kinds).
    public var sha256: String?
    /// A symlink's target.
    public var linkTarget: String?
    /// Whether the snapshot holds this file's bytes (false: over the size limits).
    public var snapshotted: Bool?
}

/// (path, kind, size, mode, SHA-256) of everything in a protected set, taken before a phase.
public struct Manifest: Sendable, Codable, Equatable {
    public var workspaceRoot: String
    public var experiment: String
    public var createdAt: String
    public var guardMode: GuardMode
    public var entries: [ManifestEntry]

    /// `results/<exp>/.rigor/guard-manifest.json`: the workspace copy (the trusted one is in
    /// the `TrustedStore`, see `GuardState`).
    public static func path(for set: ProtectedSet) -> String { set.stateDir + "/guard-manifest.json" }

    /// Walks the protected set (never following symlinks, skipping writable carve-outs and
    /// Rigor's own state dir) and hashes every file.
    public static func take(_ set: ProtectedSet, mode: GuardMode) throws(GuardError) -> Manifest {
        var byPath: [String: ManifestEntry] = [:]
        for e in set.protected where !PathResolution.isWithin(e.path, set.stateDir) && !e.isRecord {
            try walk(e.path, set: set, into: &byPath)
        }
        let entries = byPath.values.sorted { $0.path < $1.path }
        return Manifest(workspaceRoot: set.workspace.root, experiment: set.experimentID,
                        createdAt: Timestamp.now(), guardMode: mode, entries: entries)
    }

    static func walk(_ abs: String, set: ProtectedSet, into out: inout [String: ManifestEntry]) throws(GuardError) {
        let rel = PathResolution.relative(abs, to: set.workspace.root)
        guard out[rel] == nil else { return }
        guard let entry = set.protectingEntry(of: abs), !entry.isRecord, !PathResolution.isWithin(abs, set.stateDir) else { return }
        var st = stat()
        guard lstat(abs, &st) == 0 else {
            if errno == ENOENT || errno == ENOTDIR {
                out[rel] = ManifestEntry(path: rel, kind: .absent, size: 0, mode: 0)
                return
            }
            throw .io(path: abs, reason: "cannot stat: \(String(cString: strerror(errno)))")
        }
        let mode = UInt32(st.st_mode) & 0o7777
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            // A file that cannot be hashed now (swapped for a FIFO or a link since lstat) is recorded
            // as "other": a change to report and repair, never a reason to stop verifying.
            guard let sha = try? SHA256.hex(fileAt: abs, followLinks: false) else {
                out[rel] = ManifestEntry(path: rel, kind: .other, size: 0, mode: mode)
                return
            }
            out[rel] = ManifestEntry(path: rel, kind: .file, size: Int64(st.st_size), mode: mode, sha256: sha)
        case S_IFDIR:
            out[rel] = ManifestEntry(path: rel, kind: .directory, size: 0, mode: mode)
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: abs) } catch {
                throw .io(path: abs, reason: "cannot list: \(error)")
            }
            for n in names.sorted() { try walk(abs + "/" + n, set: set, into: &out) }
        case S_IFLNK:
            out[rel] = ManifestEntry(path: rel, kind: .symlink, size: Int64(st.st_size), mode: mode,
                                     linkTarget: PathResolution.readLink(abs))
        default:
            out[rel] = ManifestEntry(path: rel, kind: .other, size: 0, mode: mode)
        }
    }

    /// Absolute path of an entry.
    public func absolute(_ entry: ManifestEntry) -> String {
        entry.path.hasPrefix("/") ? entry.path : (entry.path == "." ? workspaceRoot : workspaceRoot + "/" + entry.path)
    }
}

/// UTC timestamps in ISO 8601 (seconds).
enum Timestamp {
    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }
}
