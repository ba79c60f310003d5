import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts one protected path back as the trusted manifest says it was.
///
/// Every step goes through directory descriptors opened without following links from the
/// workspace root, so a symlink planted in the path is never written through. Content comes
/// only from the trusted snapshot, checked against the authenticated manifest's hash. A file
/// is restored atomically: the snapshot bytes go to a temp file beside it (fsync), the
/// current bytes are linked into quarantine, and a rename puts the copy in place; if any step
/// before the rename fails, the current file stays where it is and the failure is reported.
struct Restorer {
    let state: GuardState
    let quarantineStamp: String
    var set: ProtectedSet { state.set }

    func restore(_ e: TamperEvent, expected: ManifestEntry?) -> (Bool, String) {
        let parent: DirectoryHandle, name: String
        do { (parent, name) = try parentDirectory(of: e.path) } catch { return (false, "cannot reach its folder without following links: \(error)") }
        guard let want = expected, want.kind != .absent else {
            if let err = moveAside(name, in: parent, relative: e.path) { return (false, err) }
            return (true, "moved to \(PathResolution.relative(quarantinePath, to: set.workspace.root))")
        }
        if e.change == .modeChanged {
            let f = openat(parent.fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard f >= 0 else { return (false, "cannot open it: \(String(cString: strerror(errno)))") }
            defer { close(f) }
            return fchmod(f, mode_t(want.mode)) == 0 ? (true, "mode set back to \(TamperCheck.octal(want.mode))")
                : (false, "chmod failed: \(String(cString: strerror(errno)))")
        }
        if e.change == .typeChanged || (e.change == .modified && want.kind == .symlink) {
            if let err = moveAside(name, in: parent, relative: e.path) { return (false, err) }
        }
        switch want.kind {
        case .directory:
            if mkdirat(parent.fd, name, mode_t(want.mode)) != 0 && errno != EEXIST {
                return (false, "cannot recreate directory: \(String(cString: strerror(errno)))")
            }
            return (true, "directory recreated")
        case .symlink:
            guard let target = want.linkTarget else { return (false, "symlink target unknown") }
            return symlinkat(target, parent.fd, name) == 0 ? (true, "symlink recreated") : (false, "cannot recreate symlink: \(String(cString: strerror(errno)))")
        case .file:
            guard want.snapshotted == true, let sha = want.sha256 else {
                return (false, "not restorable: the file was over the snapshot size limits")
            }
            guard let bytes = state.blob(sha) else { return (false, "not restorable: the trusted snapshot copy is missing or altered") }
            return restoreFile(name, in: parent, bytes: bytes, mode: mode_t(want.mode), keepCurrent: e.change == .modified, relative: e.path)
        case .absent, .other:
            return (false, "cannot restore a \(want.kind.rawValue)")
        }
    }

    /// Atomic: temp + fsync, current bytes linked into quarantine, rename over.
    func restoreFile(_ name: String, in parent: DirectoryHandle, bytes: [UInt8], mode: mode_t, keepCurrent: Bool, relative: String) -> (Bool, String) {
        let temp = ".\(name).rigor-restore-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let f = openat(parent.fd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard f >= 0 else { return (false, "restore failed, the current file is left in place: cannot create a temp file: \(String(cString: strerror(errno)))") }
        var ok = false
        defer { if !ok { unlinkat(parent.fd, temp, 0) } }
        do { try DirectoryHandle.writeAll(f, bytes, path: parent.path + "/" + temp) } catch {
            close(f)
            return (false, "restore failed, the current file is left in place: \(error.description)")
        }
        guard fsync(f) == 0 else { let why = String(cString: strerror(errno)); close(f); return (false, "restore failed, the current file is left in place: fsync: \(why)") }
        _ = fchmod(f, mode)
        close(f)
        if keepCurrent, let err = linkAside(name, in: parent, relative: relative) {
            return (false, "restore failed, the current file is left in place: \(err)")
        }
        guard renameat(parent.fd, temp, parent.fd, name) == 0 else {
            return (false, "restore failed, the current file is left in place: rename: \(String(cString: strerror(errno)))")
        }
        ok = true
        _ = fsync(parent.fd)
        return (true, "restored from the snapshot")
    }

    var quarantinePath: String { state.set.stateDir + "/quarantine/" + quarantineStamp }

    func quarantine() throws(RigorFileError) -> DirectoryHandle { try DirectoryHandle.openCreating(quarantinePath) }

    func quarantineName(_ relative: String, in q: DirectoryHandle) -> String {
        let base = relative.replacingOccurrences(of: "/", with: "__")
        var candidate = base
        var n = 1
        var st = stat()
        while fstatat(q.fd, candidate, &st, AT_SYMLINK_NOFOLLOW) == 0 { n += 1; candidate = base + ".\(n)" }
        return candidate
    }

    /// Moves whatever is at `name` into quarantine (never deleted); nil on success.
    func moveAside(_ name: String, in parent: DirectoryHandle, relative: String) -> String? {
        var st = stat()
        guard fstatat(parent.fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        let q: DirectoryHandle
        do { q = try quarantine() } catch { return "could not create the quarantine folder: \(error.description)" }
        let dest = quarantineName(relative, in: q)
        if renameat(parent.fd, name, q.fd, dest) != 0 { return "could not move aside to \(q.path)/\(dest): \(String(cString: strerror(errno)))" }
        return nil
    }

    /// Keeps the current bytes of a modified file in quarantine (a hard link, else a copy).
    func linkAside(_ name: String, in parent: DirectoryHandle, relative: String) -> String? {
        let q: DirectoryHandle
        do { q = try quarantine() } catch { return "could not create the quarantine folder: \(error.description)" }
        let dest = quarantineName(relative, in: q)
        if linkat(parent.fd, name, q.fd, dest, 0) == 0 { return nil }
        do {
            guard let bytes = try parent.read(name, limit: Int.max) else { return nil }
            try q.writeAtomically(dest, bytes)
            return nil
        } catch { return "could not keep the tampered bytes in quarantine: \(error.description)" }
    }

    /// The folder holding `relative` (relative to the workspace root, or absolute), opened
    /// component by component without following links; missing folders are created.
    func parentDirectory(of relative: String) throws(RigorFileError) -> (DirectoryHandle, String) {
        let absolute = relative.hasPrefix("/") ? relative : nil
        var components = (absolute ?? relative).split(separator: "/").map(String.init)
        guard let name = components.popLast() else { throw .unwritable(path: relative, reason: "empty path") }
        var dir = try DirectoryHandle.open(absolute == nil ? set.workspace.root : "/")
        for c in components { dir = try dir.subdirectory(c, create: true) }
        return (dir, name)
    }
}
