import Foundation
import RigorBasics
import RigorGuard
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The builtin agent's file tools. They run in Rigor's own process, outside the sandbox, so
/// they reach the workspace only: every path is resolved as the hook resolves it (relative to
/// the workspace, `..` and symlinks resolved), must land inside the workspace, and a write to
/// a protected path is refused with the reason. Files are read without following a link at
/// the last step and only when regular (a FIFO cannot hang Rigor); writes are atomic and
/// replace a link rather than follow it.
struct WorkspaceFiles: Sendable {
    /// The workspace root, symlinks resolved.
    let root: String
    let oracle: any ProtectionOracle
    /// Folders never read or written (Rigor's trusted store, when it lies inside the workspace).
    let hidden: [String]

    static let readLimit = 8 << 20
    static let walkLimit = 50_000

    /// Why a call failed: refused by Rigor (a protected path, outside the workspace) or an error.
    enum Failure: Error {
        case refused(String)
        case failed(String)
    }

    func resolve(_ raw: String) throws(Failure) -> String {
        guard !raw.isEmpty else { throw .failed("the path is empty") }
        guard !raw.contains("\0") else { throw .failed("the path holds a NUL byte") }
        let p = PathResolution.resolve(raw, relativeTo: root)
        guard PathResolution.isWithin(p, root) else {
            throw .refused("\(raw) resolves to \(p), outside the workspace \(root): the file tools reach the workspace only")
        }
        if let h = hidden.first(where: { PathResolution.isWithin(p, $0) }) { throw .refused("\(raw) is inside Rigor's trusted store (\(h))") }
        return p
    }

    func display(_ p: String) -> String { p == root ? "." : PathResolution.relative(p, to: root) }

    func readRegular(_ p: String, limit: Int = readLimit) throws(Failure) -> [UInt8] {
        do {
            let dir = try DirectoryHandle.open((p as NSString).deletingLastPathComponent)
            guard let bytes = try dir.read((p as NSString).lastPathComponent, limit: limit) else { throw Failure.failed("\(display(p)): no such file") }
            return bytes
        } catch let f as Failure { throw f } catch let e as RigorFileError {
            throw .failed(e.description)
        } catch { throw .failed("\(display(p)): \(error)") }
    }

    func read(path: String, offset: Int?, limit: Int?) throws(Failure) -> String {
        let p = try resolve(path)
        let bytes = try readRegular(p)
        if bytes.prefix(8192).contains(0) { throw .failed("\(display(p)) is a binary file (\(bytes.count) bytes)") }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let total = lines.count - (bytes.last == 10 ? 1 : 0)
        let first = max(1, offset ?? 1), count = max(1, min(limit ?? 2000, 10_000))
        guard total > 0 else { return "(\(display(p)) is empty)" }
        guard first <= total else { throw .failed("\(display(p)) has \(total) lines; offset \(first) is past the end") }
        let last = min(total, first + count - 1)
        var out = ""
        for i in first...last {
            var line = String(lines[i - 1])
            if line.count > 2000 { line = String(line.prefix(2000)) + " [… line cut at 2000 characters]" }
            out += String(repeating: " ", count: max(0, 6 - String(i).count)) + "\(i)\t" + line + "\n"
        }
        if last < total { out += "[lines \(first)–\(last) of \(total); pass offset \(last + 1) to read on]\n" }
        return out
    }

    func write(path: String, content: String) throws(Failure) -> String {
        let p = try checkedForWriting(path)
        try writeBytes(Array(content.utf8), to: p)
        return "wrote \(display(p)) (\(content.utf8.count) bytes)"
    }

    func edit(path: String, old: String, new: String, all: Bool) throws(Failure) -> String {
        let p = try checkedForWriting(path)
        guard !old.isEmpty else { throw .failed("old_string is empty") }
        guard old != new else { throw .failed("old_string and new_string are the same") }
        let text = String(decoding: try readRegular(p), as: UTF8.self)
        let count = text.components(separatedBy: old).count - 1
        if count == 0 { throw .failed("old_string was not found in \(display(p)); read the file and copy the text exactly") }
        if count > 1 && !all {
            throw .failed("old_string occurs \(count) times in \(display(p)); include more surrounding text to make it unique, or pass replace_all: true")
        }
        let updated: String
        if all { updated = text.replacingOccurrences(of: old, with: new) } else {
            let r = text.range(of: old)!
            updated = text.replacingCharacters(in: r, with: new)
        }
        try writeBytes(Array(updated.utf8), to: p)
        return "edited \(display(p)) (\(count) replacement\(count == 1 ? "" : "s"))"
    }

    func checkedForWriting(_ path: String) throws(Failure) -> String {
        let p = try resolve(path)
        if let why = oracle.writeViolation(p) { throw .refused("\(path): \(why). It is read-only for the RUN phase.") }
        return p
    }

    func writeBytes(_ bytes: [UInt8], to p: String) throws(Failure) {
        let folder = (p as NSString).deletingLastPathComponent
        do {
            try DirectoryHandle.openCreating(folder).writeAtomically((p as NSString).lastPathComponent, bytes)
        } catch { throw .failed(error.description) }
    }

    func list(path: String?) throws(Failure) -> String {
        let p = try resolve(path ?? ".")
        var names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: p) } catch { throw .failed("\(display(p)): not a folder that can be listed") }
        names.sort()
        let shown = names.prefix(1000).map { name -> String in
            var st = stat()
            let isDir = lstat(p + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            return name + (isDir ? "/" : "")
        }
        var out = shown.joined(separator: "\n")
        if names.count > shown.count { out += "\n[\(names.count - shown.count) more not listed]" }
        return out.isEmpty ? "(\(display(p)) is empty)" : out
    }

    /// Regular files under `start` (relative paths, sorted), links not followed, `.git` skipped.
    func walk(_ start: String) -> (files: [String], truncated: Bool) {
        var files: [String] = []
        var queue = [start]
        var visited = 0
        while let dir = queue.popLast() {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for name in names where name != ".git" {
                visited += 1
                if visited > Self.walkLimit { return (files.sorted(), true) }
                let full = dir + "/" + name
                if hidden.contains(where: { PathResolution.isWithin(full, $0) }) { continue }
                var st = stat()
                guard lstat(full, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: queue.append(full)
                case S_IFREG: files.append(display(full))
                default: continue
                }
            }
        }
        return (files.sorted(), false)
    }

    func glob(pattern: String) throws(Failure) -> String {
        guard let matcher = GlobPattern(pattern) else { throw .failed("glob pattern '\(pattern)' cannot be read") }
        let (files, truncated) = walk(root)
        let hits = files.filter { matcher.matches($0) }
        var out = hits.prefix(1000).joined(separator: "\n")
        if hits.count > 1000 { out += "\n[\(hits.count - 1000) more matches not listed]" }
        if truncated { out += "\n[the workspace holds more than \(Self.walkLimit) entries; the search stopped there]" }
        return hits.isEmpty ? "no files match \(pattern)" : out
    }

    func grep(pattern: String, path: String?, glob: String?) throws(Failure) -> String {
        let regex: NSRegularExpression
        do { regex = try NSRegularExpression(pattern: pattern) } catch { throw .failed("'\(pattern)' is not a valid regular expression") }
        let filter = try glob.map { g throws(Failure) -> GlobPattern in
            guard let m = GlobPattern(g) else { throw .failed("glob pattern '\(g)' cannot be read") }
            return m
        }
        let p = try resolve(path ?? ".")
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else { throw .failed("\(path ?? "."): no such file or folder") }
        let candidates = isDir.boolValue ? walk(p).files : [display(p)]
        var out: [String] = []
        var matches = 0
        for file in candidates {
            if let filter, !filter.matches((file as NSString).lastPathComponent) && !filter.matches(file) { continue }
            guard let bytes = try? readRegular(root + "/" + file, limit: 4 << 20), !bytes.prefix(8192).contains(0) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let s = String(line)
                guard regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil else { continue }
                matches += 1
                if matches <= 200 { out.append("\(file):\(i + 1):" + (s.count > 300 ? String(s.prefix(300)) + "…" : s)) }
            }
        }
        if matches > 200 { out.append("[\(matches - 200) more matching lines not shown]") }
        return out.isEmpty ? "no matches for \(pattern)" : out.joined(separator: "\n")
    }
}

/// A glob pattern over relative paths: `*` and `?` within one name, `**` across folders,
/// `[…]` classes.
struct GlobPattern {
    let regex: NSRegularExpression

    init?(_ pattern: String) {
        var r = "^"
        var chars = Array(pattern)
        if chars.starts(with: [".", "/"]) { chars.removeFirst(2) }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "*" {
                if i + 1 < chars.count && chars[i + 1] == "*" {
                    let slash = i + 2 < chars.count && chars[i + 2] == "/"
                    r += slash ? "(?:.*/)?" : ".*"
                    i += slash ? 3 : 2
                    continue
                }
                r += "[^/]*"
            } else if c == "?" {
                r += "[^/]"
            } else if c == "[" {
                if let end = chars[(i + 1)...].firstIndex(of: "]") {
                    var cls = String(chars[(i + 1)..<end])
                    if cls.hasPrefix("!") { cls = "^" + cls.dropFirst() }
                    r += "[" + cls.replacingOccurrences(of: "\\", with: "\\\\") + "]"
                    i = end + 1
                    continue
                }
                r += "\\["
            } else {
                r += NSRegularExpression.escapedPattern(for: String(c))
            }
            i += 1
        }
        guard let regex = try? NSRegularExpression(pattern: r + "$") else { return nil }
        self.regex = regex
    }

    func matches(_ path: String) -> Bool {
        regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
    }
}
