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
    /// Most bytes `read_file` returns at once (the rest: read on with offset).
    static let readOutputLimit = 256 << 10
    /// How long one grep may search (a pattern can take exponential time on some lines).
    var grepSeconds = 20.0

    /// The first `bytes` bytes of `s`, with an ellipsis when cut (a character cut in two
    /// becomes U+FFFD).
    static func prefix(_ s: String, bytes: Int) -> String {
        guard s.utf8.count > bytes else { return s }
        return String(decoding: Array(s.utf8.prefix(bytes)), as: UTF8.self) + "…"
    }
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

    /// The folder of the resolved path `p`, opened without following links (each component
    /// with O_NOFOLLOW). Refused when it is no longer the folder `p` was checked against: a
    /// link put in place of a folder since then would have moved it.
    func openFolder(of p: String, creating: Bool) throws(Failure) -> DirectoryHandle {
        let folder = (p as NSString).deletingLastPathComponent
        let dir: DirectoryHandle
        do { dir = creating ? try DirectoryHandle.openCreating(folder) : try DirectoryHandle.open(folder) } catch { throw .failed(error.description) }
        guard dir.path == folder else {
            throw .refused("\(display(p)): its folder changed while the tool used it (a link was put in place of a folder); nothing was read or written")
        }
        return dir
    }

    func readRegular(_ p: String, limit: Int = readLimit) throws(Failure) -> [UInt8] {
        let dir = try openFolder(of: p, creating: false)
        do {
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
        var shownLast = last
        for i in first...last {
            var line = String(lines[i - 1])
            if line.utf8.count > 2000 { line = Self.prefix(line, bytes: 2000) + " [line cut at 2000 bytes]" }
            out += String(repeating: " ", count: max(0, 6 - String(i).count)) + "\(i)\t" + line + "\n"
            if out.utf8.count > Self.readOutputLimit { shownLast = i; break }
        }
        if shownLast < total { out += "[lines \(first)–\(shownLast) of \(total); pass offset \(shownLast + 1) to read on]\n" }
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
        var count = 0
        var from = text.startIndex
        while let r = text.range(of: old, range: from..<text.endIndex) {
            count += 1
            from = r.upperBound
            if count > 1 && !all { break }
        }
        let grows = count * (new.utf8.count - old.utf8.count)
        if text.utf8.count + grows > Self.readLimit {
            throw .failed("the edit would make \(display(p)) larger than \(Self.readLimit >> 20) MB; write a smaller change")
        }
        if count == 0 { throw .failed("old_string was not found in \(display(p)); read the file and copy the text exactly") }
        if count > 1 && !all {
            throw .failed("old_string occurs more than once in \(display(p)); include more surrounding text to make it unique, or pass replace_all: true")
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
        var isDir: ObjCBool = false
        if p == root || (FileManager.default.fileExists(atPath: p, isDirectory: &isDir) && isDir.boolValue) {
            throw .failed("\(path) is a folder, not a file")
        }
        return p
    }

    func writeBytes(_ bytes: [UInt8], to p: String) throws(Failure) {
        let folder = (p as NSString).deletingLastPathComponent
        let dir = try openFolder(of: p, creating: true)
        do { try dir.writeAtomically((p as NSString).lastPathComponent, bytes) } catch { throw .failed("\(display(folder)): \(error)") }
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
        // A pattern can take exponential time on some lines: the search stops at its own limit.
        let deadline = Monotonic.seconds() + grepSeconds
        var timedOut = false
        search: for file in candidates {
            if let filter, !filter.matches((file as NSString).lastPathComponent) && !filter.matches(file) { continue }
            guard let bytes = try? readRegular(root + "/" + file, limit: 4 << 20), !bytes.prefix(8192).contains(0) else { continue }
            var number = 0
            for line in bytes.split(separator: 10, omittingEmptySubsequences: false) {
                number += 1
                // Lines are matched on their first 4 KB only.
                let s = String(decoding: line.prefix(4096), as: UTF8.self)
                var found = false
                regex.enumerateMatches(in: s, options: [.reportProgress], range: NSRange(s.startIndex..., in: s)) { match, _, stop in
                    if match != nil { found = true; stop.pointee = true } else if Monotonic.seconds() > deadline { timedOut = true; stop.pointee = true }
                }
                if timedOut { break search }
                guard found else { continue }
                matches += 1
                if matches <= 200 { out.append("\(file):\(number):" + Self.prefix(s, bytes: 300)) }
            }
        }
        if matches > 200 { out.append("[\(matches - 200) more matching lines not shown]") }
        if timedOut { out.append("[the search stopped after \(NumberText.short(grepSeconds)) s: the pattern is too slow on this text; make it more specific]") }
        return out.isEmpty ? "no matches for \(pattern)" : out.joined(separator: "\n")
    }
}

/// A glob pattern over relative paths: `*` and `?` within one name, `**` across folders
/// (`**/` also matches no folder), `[…]` classes (`[!…]` negated). Matched by dynamic
/// programming over (pattern, path) positions: time grows with their product, never
/// exponentially, whatever the pattern.
struct GlobPattern {
    enum Token: Equatable {
        case literal(UInt8)
        case one
        case star
        case globstar
        case globstarSlash
        case set([UInt8], negated: Bool)
    }
    let tokens: [Token]

    init?(_ pattern: String) {
        var p = Array(pattern.utf8)
        if p.starts(with: Array("./".utf8)) { p.removeFirst(2) }
        guard p.count <= 4096 else { return nil }
        var out: [Token] = []
        var i = 0
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "*") {
                if i + 1 < p.count && p[i + 1] == UInt8(ascii: "*") {
                    let slash = i + 2 < p.count && p[i + 2] == UInt8(ascii: "/")
                    out.append(slash ? .globstarSlash : .globstar)
                    i += slash ? 3 : 2
                    while !slash && i < p.count && p[i] == UInt8(ascii: "*") { i += 1 }
                    continue
                }
                out.append(.star)
            } else if c == UInt8(ascii: "?") {
                out.append(.one)
            } else if c == UInt8(ascii: "["), let end = p[(i + 1)...].firstIndex(of: UInt8(ascii: "]")), end > i + 1 {
                var members = Array(p[(i + 1)..<end])
                let negated = members.first == UInt8(ascii: "!") || members.first == UInt8(ascii: "^")
                if negated { members.removeFirst() }
                var expanded: [UInt8] = []
                var k = 0
                while k < members.count {
                    if k + 2 < members.count && members[k + 1] == UInt8(ascii: "-") && members[k] <= members[k + 2] {
                        expanded += Array(members[k]...members[k + 2]); k += 3
                    } else { expanded.append(members[k]); k += 1 }
                }
                out.append(.set(expanded, negated: negated))
                i = end + 1
                continue
            } else {
                out.append(.literal(c))
            }
            i += 1
        }
        tokens = out
    }

    func matches(_ path: String) -> Bool {
        let s = Array(path.utf8)
        let slash = UInt8(ascii: "/")
        // reach[j]: the pattern so far can end exactly before s[j].
        var reach = [Bool](repeating: false, count: s.count + 1)
        reach[0] = true
        for token in tokens {
            var next = [Bool](repeating: false, count: s.count + 1)
            switch token {
            case .literal(let c):
                for j in 0..<s.count where reach[j] && s[j] == c { next[j + 1] = true }
            case .one:
                for j in 0..<s.count where reach[j] && s[j] != slash { next[j + 1] = true }
            case .set(let members, let negated):
                for j in 0..<s.count where reach[j] && s[j] != slash && members.contains(s[j]) != negated { next[j + 1] = true }
            case .star:
                var on = false
                for j in 0...s.count {
                    if reach[j] { on = true }
                    if on { next[j] = true }
                    if j < s.count && s[j] == slash { on = false }
                }
            case .globstar:
                var on = false
                for j in 0...s.count { if reach[j] { on = true }; if on { next[j] = true } }
            case .globstarSlash:
                // Nothing, or anything that ends with a slash.
                var on = false
                for j in 0...s.count {
                    if reach[j] { next[j] = true; on = true }
                    if on && j > 0 && s[j - 1] == slash { next[j] = true }
                }
            }
            reach = next
        }
        return reach[s.count]
    }
}
