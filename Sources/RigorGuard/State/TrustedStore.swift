import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rigor's own state, outside every workspace and hidden from every sandbox: the trusted copy
/// of each experiment's guard manifest, its snapshot blobs, the key that authenticates
/// manifests, and the markers of open guard sessions.
///
/// Location: `RIGOR_STATE_DIR`, else `/var/lib/rigor` for root, else
/// `$XDG_STATE_HOME/rigor` (default `~/.local/state/rigor`). Created 0700. Inside a sandbox the
/// folder is replaced by an empty read-only tmpfs, so a sandboxed child can neither read the
/// key nor change anything here; finding it unwritable is how Rigor knows it runs inside one.
public struct TrustedStore: Sendable {
    public static let variable = "RIGOR_STATE_DIR"
    /// The store's root folder (absolute, symlinks resolved when it exists).
    public let root: String

    public init(root: String) { self.root = root }

    /// The store this process uses.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> TrustedStore {
        if let v = environment[variable], !v.isEmpty { return TrustedStore(root: PathResolution.resolve(v, relativeTo: FileManager.default.currentDirectoryPath)) }
        if getuid() == 0 { return TrustedStore(root: "/var/lib/rigor") }
        if let x = environment["XDG_STATE_HOME"], x.hasPrefix("/") { return TrustedStore(root: x + "/rigor") }
        return TrustedStore(root: (environment["HOME"] ?? "/nonexistent") + "/.local/state/rigor")
    }

    /// The marker file written once when the store is created.
    static let markerName = "rigor-store.json"

    /// Opens the store for writing, creating it (0700) on first use. Fails inside a sandbox,
    /// where the store is an empty read-only mount.
    public func open() throws(GuardError) -> DirectoryHandle {
        let dir: DirectoryHandle
        do {
            dir = try DirectoryHandle.openCreating(root, mode: 0o700)
        } catch {
            throw .stateUnavailable(path: root, reason: error.description)
        }
        do {
            if try dir.read(Self.markerName, limit: 4096) == nil {
                try dir.writeAtomically(Self.markerName, Array("{\"created_by_pid\": \(getpid())}\n".utf8), mode: 0o600)
            }
            let probe = ".write-check-\(getpid())"
            let f = try dir.createFile(probe, mode: 0o600)
            close(f)
            unlinkat(dir.fd, probe, 0)
        } catch {
            throw .stateUnavailable(path: root, reason: error.description)
        }
        _ = fchmod(dir.fd, 0o700)
        return dir
    }

    /// The folder for one experiment of one workspace.
    public func experimentDirectory(workspaceRoot: String, experiment: String) throws(GuardError) -> DirectoryHandle {
        let key = SHA256.hex(Array((workspaceRoot + "\u{0}" + experiment).utf8)).prefix(16)
        let name = String(experiment.prefix(64).map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }) + "-" + key
        do {
            return try open().subdirectory("experiments", create: true, mode: 0o700).subdirectory(name, create: true, mode: 0o700)
        } catch let e as GuardError { throw e } catch {
            throw .stateUnavailable(path: root, reason: "\(error)")
        }
    }

    /// The 32-byte key that authenticates manifests (created on first use, 0600).
    public func key() throws(GuardError) -> [UInt8] {
        do {
            let dir = try open()
            if let k = try dir.read("manifest.key", limit: 64), k.count == 32 { return k }
            var bytes = [UInt8](repeating: 0, count: 32)
            let f = Foundation.open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            guard f >= 0, Foundation.read(f, &bytes, 32) == 32 else { if f >= 0 { close(f) }; throw GuardError.stateUnavailable(path: root, reason: "cannot read /dev/urandom") }
            close(f)
            try dir.writeAtomically("manifest.key", bytes, mode: 0o600)
            return bytes
        } catch let e as GuardError { throw e } catch {
            throw .stateUnavailable(path: root, reason: "\(error)")
        }
    }

    /// Whether `path` lies inside the store.
    public func contains(_ path: String) -> Bool { PathResolution.isWithin(path, root) }
}
