import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open directory that Rigor writes its records in (run folders, logs, ledger, journal,
/// guard state). Opened component by component with O_NOFOLLOW from `/`, so no symlink a
/// sandboxed child planted along the way is followed; every file inside is then created or
/// opened relative to this descriptor, again with O_NOFOLLOW, never through a path string a
/// child could have replaced in between.
public final class DirectoryHandle: @unchecked Sendable {
    public let fd: Int32
    /// The absolute path this handle was opened at (for messages).
    public let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Opens an existing directory. The symlinks of its parent path are resolved once
    /// (`realpath`), the folder itself must not be a symlink, and the walk from `/` refuses any
    /// component that is (by then) a symlink.
    public static func open(_ path: String) throws(RigorFileError) -> DirectoryHandle {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var trimmed = absolute
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let last = (trimmed as NSString).lastPathComponent
        let parent = (trimmed as NSString).deletingLastPathComponent
        guard let real = realpath(parent.isEmpty ? "/" : parent, nil) else {
            throw .unwritable(path: path, reason: "cannot resolve the directory: \(String(cString: strerror(errno)))")
        }
        var resolved = String(cString: real)
        free(real)
        if trimmed != "/" && last != "." && last != ".." { resolved = (resolved == "/" ? "" : resolved) + "/" + last }
        else if let r = realpath(trimmed, nil) { resolved = String(cString: r); free(r) }
        var fd = Foundation.open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .unwritable(path: path, reason: "cannot open /") }
        for component in resolved.split(separator: "/") {
            let next = openat(fd, String(component), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let why = errno
            close(fd)
            guard next >= 0 else {
                throw .unwritable(path: path, reason: why == ELOOP || why == ENOTDIR
                    ? "\(component) is a symlink or not a directory (Rigor never follows links where it keeps records)"
                    : "cannot open \(component): \(String(cString: strerror(why)))")
            }
            fd = next
        }
        return DirectoryHandle(fd: fd, path: resolved)
    }

    /// Opens `path`, creating missing directories (each created with mkdirat, none followed).
    public static func openCreating(_ path: String, mode: mode_t = 0o755) throws(RigorFileError) -> DirectoryHandle {
        var existing = path
        var missing: [String] = []
        while !FileManager.default.fileExists(atPath: existing) && existing != "/" && !existing.isEmpty {
            missing.insert((existing as NSString).lastPathComponent, at: 0)
            existing = (existing as NSString).deletingLastPathComponent
        }
        var dir = try open(existing.isEmpty ? "." : existing)
        for name in missing { dir = try dir.subdirectory(name, create: true, mode: mode) }
        return dir
    }

    static func checkName(_ name: String, in path: String) throws(RigorFileError) {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw .unwritable(path: path + "/" + name, reason: "not a plain file name")
        }
    }

    /// A child directory. `create`: made when missing; `exclusive`: it must not exist yet.
    public func subdirectory(_ name: String, create: Bool = false, exclusive: Bool = false, mode: mode_t = 0o755) throws(RigorFileError) -> DirectoryHandle {
        try Self.checkName(name, in: path)
        let full = path + "/" + name
        if create || exclusive {
            if mkdirat(fd, name, mode) == 0 { RecordWitnesses.created(full) } else {
                let why = errno
                if why != EEXIST || exclusive {
                    throw .unwritable(path: full, reason: why == EEXIST
                        ? "already exists (a fresh folder was expected; something else created it)"
                        : String(cString: strerror(why)))
                }
            }
        }
        let sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard sub >= 0 else {
            let why = errno
            throw .unwritable(path: full, reason: why == ELOOP || why == ENOTDIR
                ? "is a symlink or not a directory (Rigor never follows links where it keeps records)"
                : String(cString: strerror(why)))
        }
        return DirectoryHandle(fd: sub, path: full)
    }

    /// Creates a new file (it must not exist) and returns its write descriptor.
    public func createFile(_ name: String, mode: mode_t = 0o644) throws(RigorFileError) -> Int32 {
        try Self.checkName(name, in: path)
        let f = openat(fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard f >= 0 else {
            let why = errno
            throw .unwritable(path: path + "/" + name, reason: why == EEXIST ? "already exists (expected a new file)" : String(cString: strerror(why)))
        }
        return f
    }

    /// Opens a regular file for appending (created when missing and `create`), refusing
    /// symlinks and files with more than one hard link.
    public func openAppending(_ name: String, create: Bool = true, mode: mode_t = 0o644) throws(RigorFileError) -> Int32 {
        try openRegular(name, flags: O_RDWR | O_APPEND | (create ? O_CREAT : 0), mode: mode)
    }

    /// Opens a regular file with `flags` (O_NOFOLLOW and O_CLOEXEC added), refusing symlinks
    /// and files with more than one hard link.
    public func openRegular(_ name: String, flags: Int32, mode: mode_t = 0o644) throws(RigorFileError) -> Int32 {
        try Self.checkName(name, in: path)
        let f = openat(fd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode)
        guard f >= 0 else {
            let why = errno
            throw .unwritable(path: path + "/" + name, reason: why == ELOOP ? "is a symlink (Rigor never follows links where it keeps records)" : String(cString: strerror(why)))
        }
        do { try Self.requireSingleRegularFile(f, path: path + "/" + name) } catch { close(f); throw error }
        _ = fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK)
        return f
    }

    /// Opens a regular file for reading, refusing symlinks; nil when it does not exist. Opened
    /// non-blocking first, so a FIFO planted at the name cannot hang Rigor, then checked.
    public func openReading(_ name: String) throws(RigorFileError) -> Int32? {
        try Self.checkName(name, in: path)
        let f = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard f >= 0 else {
            if errno == ENOENT { return nil }
            throw .unreadable(path: path + "/" + name, reason: errno == ELOOP ? "is a symlink" : String(cString: strerror(errno)))
        }
        var st = stat()
        guard fstat(f, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(f)
            throw .unreadable(path: path + "/" + name, reason: "not a regular file")
        }
        _ = fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK)
        return f
    }

    /// `openReading` for a path: its folder opened as by `open`, then the file without following links.
    public static func openReading(atPath path: String) throws(RigorFileError) -> Int32? {
        try open((path as NSString).deletingLastPathComponent).openReading((path as NSString).lastPathComponent)
    }

    /// Reads a whole regular file (no symlinks), up to `limit` bytes; nil when it does not exist.
    public func read(_ name: String, limit: Int) throws(RigorFileError) -> [UInt8]? {
        guard let f = try openReading(name) else { return nil }
        defer { close(f) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Foundation.read(f, &chunk, chunk.count)
            if n < 0 { if errno == EINTR { continue }; throw .unreadable(path: path + "/" + name, reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
            if data.count > limit { throw .tooLarge(path: path + "/" + name, bytes: data.count, limit: limit) }
        }
        return data
    }

    /// Writes a file atomically: a new temp file here, fsync, renameat over `name`, fsync of
    /// the directory. A symlink at `name` is replaced, never followed.
    public func writeAtomically(_ name: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(RigorFileError) {
        try Self.checkName(name, in: path)
        let temp = ".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let f = openat(fd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard f >= 0 else { throw .unwritable(path: path + "/" + name, reason: String(cString: strerror(errno))) }
        var ok = false
        defer { if !ok { unlinkat(fd, temp, 0) } }
        do {
            try Self.writeAll(f, bytes, path: path + "/" + name)
        } catch { close(f); throw error }
        if fsync(f) != 0 { let why = String(cString: strerror(errno)); close(f); throw .unwritable(path: path + "/" + name, reason: "fsync: \(why)") }
        _ = fchmod(f, mode)
        close(f)
        guard renameat(fd, temp, fd, name) == 0 else {
            throw .unwritable(path: path + "/" + name, reason: "rename: \(String(cString: strerror(errno)))")
        }
        ok = true
        _ = fsync(fd)
        RecordWitnesses.replaced(path + "/" + name, bytes)
    }

    /// Writes every byte to `fd`, retrying partial writes.
    public static func writeAll(_ f: Int32, _ bytes: [UInt8], path: String) throws(RigorFileError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.write(f, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unwritable(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    /// Fails unless `f` is a regular file with exactly one link (a hard link planted at a
    /// record's name would make Rigor write into another file).
    static func requireSingleRegularFile(_ f: Int32, path: String) throws(RigorFileError) {
        var st = stat()
        guard fstat(f, &st) == 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .unwritable(path: path, reason: "not a regular file") }
        guard st.st_nlink == 1 else { throw .unwritable(path: path, reason: "has \(st.st_nlink) hard links (expected 1; refusing to write through a planted link)") }
    }
}
