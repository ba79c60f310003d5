import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One walk of a protected path for the manifest, through directory descriptors.
struct ManifestWalk {
    let set: ProtectedSet
    /// Folders of the baseline manifest (relative paths); nil: descend into every folder.
    let knownDirectories: Set<String>?
    /// Deeper than this, entries are recorded as "other" and not descended into.
    static let maxDepth = 128

    func walk(top abs: String, into out: inout [String: ManifestEntry]) {
        let parentPath = (abs as NSString).deletingLastPathComponent
        let name = (abs as NSString).lastPathComponent
        let rel = PathResolution.relative(abs, to: set.workspace.root)
        guard out[rel] == nil, included(abs) else { return }
        guard let parent = try? DirectoryHandle.open(parentPath) else {
            // The parent is gone, or is a link now: nothing is where the path was.
            out[rel] = ManifestEntry(path: rel, kind: .absent, size: 0, mode: 0)
            return
        }
        visit(parent: parent.fd, name: name, abs: abs, rel: rel, depth: 0, into: &out)
    }

    private func included(_ abs: String) -> Bool {
        guard let entry = set.protectingEntry(of: abs), !entry.isRecord else { return false }
        return !PathResolution.isWithin(abs, set.stateDir)
    }

    private func visit(parent: Int32, name: String, abs: String, rel: String, depth: Int, into out: inout [String: ManifestEntry]) {
        var st = stat()
        guard fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
            out[rel] = errno == ENOENT || errno == ENOTDIR
                ? ManifestEntry(path: rel, kind: .absent, size: 0, mode: 0)
                : ManifestEntry(path: rel, kind: .other, size: 0, mode: 0)
            return
        }
        let mode = UInt32(st.st_mode) & 0o7777
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            guard let sha = Self.hash(parent: parent, name: name) else {
                out[rel] = ManifestEntry(path: rel, kind: .other, size: 0, mode: mode)
                return
            }
            out[rel] = ManifestEntry(path: rel, kind: .file, size: Int64(st.st_size), mode: mode, sha256: sha)
        case S_IFDIR:
            out[rel] = ManifestEntry(path: rel, kind: .directory, size: 0, mode: mode)
            if let known = knownDirectories, !known.contains(rel) { return }  // added: moved aside whole
            guard depth < Self.maxDepth else { out[rel]?.kind = .other; return }
            let dir = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard dir >= 0 else { out[rel]?.kind = .other; return }
            defer { close(dir) }
            for child in Self.names(dir) {
                let childAbs = abs + "/" + child
                let childRel = rel == "." ? child : rel + "/" + child
                guard out[childRel] == nil, included(childAbs) else { continue }
                visit(parent: dir, name: child, abs: childAbs, rel: childRel, depth: depth + 1, into: &out)
            }
        case S_IFLNK:
            var buf = [CChar](repeating: 0, count: 4097)
            let n = readlinkat(parent, name, &buf, 4096)
            let target = n >= 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
            out[rel] = ManifestEntry(path: rel, kind: .symlink, size: Int64(st.st_size), mode: mode, linkTarget: target)
        default:
            out[rel] = ManifestEntry(path: rel, kind: .other, size: 0, mode: mode)
        }
    }

    /// Names in a directory (sorted), read from a duplicate of its descriptor.
    static func names(_ dir: Int32) -> [String] {
        let copy = dup(dir)
        guard copy >= 0, let stream = fdopendir(copy) else { if copy >= 0 { close(copy) }; return [] }
        defer { closedir(stream) }
        var out: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out.sorted()
    }

    /// SHA-256 of a regular file opened without following links or blocking; nil otherwise.
    static func hash(parent: Int32, name: String) -> String? {
        let f = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard f >= 0 else { return nil }
        defer { close(f) }
        var st = stat()
        guard fstat(f, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return SHA256.hex(readingToEnd: f)
    }
}
