import Foundation

/// A file Rigor was asked to read or write cannot be used.
public enum RigorFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(path: String)
    case isDirectory(path: String)
    case empty(path: String)
    case binary(path: String, offset: Int)
    case tooLarge(path: String, bytes: Int, limit: Int)
    case notUTF8(path: String, offset: Int)
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let p): return "\(p): no such file; check the path"
        case .isDirectory(let p): return "\(p): is a directory, expected a file"
        case .empty(let p): return "\(p): the file is empty"
        case .binary(let p, let o): return "\(p): binary data (NUL byte at offset \(o)); expected a text file"
        case .tooLarge(let p, let b, let l): return "\(p): file is \(b) bytes, larger than the \(l)-byte limit for this kind of file"
        case .notUTF8(let p, let o): return "\(p): not valid UTF-8 text (first bad byte at offset \(o))"
        case .unreadable(let p, let r): return "\(p): cannot read: \(r)"
        case .unwritable(let p, let r): return "\(p): cannot write: \(r)"
        }
    }
}

/// Reads whole text files with the checks every Rigor input gets: exists, is a file,
/// not empty, under a size limit, no NUL bytes, valid UTF-8.
public enum TextFile {
    public static func readBytes(_ path: String, limit: Int) throws(RigorFileError) -> Data {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw .missing(path: path) }
        if isDir.boolValue { throw .isDirectory(path: path) }
        let size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
        if size > limit { throw .tooLarge(path: path, bytes: size, limit: limit) }
        // Non-blocking open and a type check first: a FIFO (a child can plant one where Rigor
        // reads, e.g. metrics.json) must not hang the reader.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .unreadable(path: path, reason: "not a regular file (a FIFO, socket or device?)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: limit + 1) ?? Data() } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        if data.count > limit { throw .tooLarge(path: path, bytes: data.count, limit: limit) }
        if data.isEmpty { throw .empty(path: path) }
        return data
    }

    /// Up to `count` bytes from the start (or the end) of a regular file, read without blocking
    /// (a planted FIFO reads as nothing) and, with `followLinks: false`, without following a
    /// link; empty when the file cannot be read.
    public static func slice(_ path: String, count: Int, fromEnd: Bool = false, followLinks: Bool = true) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followLinks ? 0 : O_NOFOLLOW))
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return [] }
        let size = Int(st.st_size)
        let n = min(count, size)
        var buffer = [UInt8](repeating: 0, count: n)
        let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, n, off_t(fromEnd ? size - n : 0)) }
        return got > 0 ? Array(buffer.prefix(got)) : []
    }

    public static func read(_ path: String, limit: Int) throws(RigorFileError) -> String {
        let data = try readBytes(path, limit: limit)
        if let nul = data.firstIndex(of: 0) { throw .binary(path: path, offset: nul - data.startIndex) }
        guard let text = String(validating: Array(data), as: UTF8.self) else {
            throw .notUTF8(path: path, offset: firstInvalidUTF8Offset(Array(data)))
        }
        return text
    }

    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: return offset
            case .emptyInput: return offset
            }
        }
    }
}
