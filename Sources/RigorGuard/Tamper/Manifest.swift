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

    /// Walks the protected set (never following symlinks, skipping writable carve-outs, Rigor's
    /// records and its state dir) and hashes every file. The walk goes through directory
    /// descriptors (`openat`, `fstatat`), so depth never makes a path too long; an entry that
    /// cannot be read is recorded as "other" (a change to report and repair), never an error
    /// that stops verification. With a `baseline`, a folder that was not a folder there (a tree
    /// the child added) is recorded but not descended into: it is moved aside whole.
    public static func take(_ set: ProtectedSet, mode: GuardMode, baseline: Manifest? = nil) throws(GuardError) -> Manifest {
        var byPath: [String: ManifestEntry] = [:]
        var knownDirectories: Set<String>?
        if let baseline { knownDirectories = Set(baseline.entries.filter { $0.kind == .directory }.map(\.path)) }
        for e in set.protected where !PathResolution.isWithin(e.path, set.stateDir) && !e.isRecord {
            ManifestWalk(set: set, knownDirectories: knownDirectories).walk(top: e.path, into: &byPath)
        }
        let entries = byPath.values.sorted { $0.path < $1.path }
        return Manifest(workspaceRoot: set.workspace.root, experiment: set.experimentID,
                        createdAt: Timestamp.now(), guardMode: mode, entries: entries)
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
