import Foundation

/// A throw-away directory for one test, removed when the value is released.
public final class TempDirectory: @unchecked Sendable {
    public let path: String

    public init(prefix: String = "rigor-test") {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/\(prefix)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes a file (creating parent folders) and returns its absolute path.
    @discardableResult
    public func write(_ relative: String, _ text: String) -> String {
        let full = path + "/" + relative
        try! FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: full, atomically: false, encoding: .utf8)
        return full
    }

    public func read(_ relative: String) -> String? { try? String(contentsOfFile: path + "/" + relative, encoding: .utf8) }
}

/// Where the repository's files are, for tests that use the bundled example, docs or Python helper.
public enum RepoPaths {
    /// The package root, found from this source file's location.
    public static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// `../shared/corpus` next to the checkout, when present.
    public static var corpus: String? {
        let p = URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("shared/corpus").path
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    /// The built `rigor` executable (debug build folder), for CLI tests.
    public static var rigorBinary: String {
        if let env = ProcessInfo.processInfo.environment["RIGOR_BIN"] { return env }
        let candidates = [".build/debug/rigor", ".build/x86_64-unknown-linux-gnu/debug/rigor", ".build/aarch64-unknown-linux-gnu/debug/rigor"]
        for c in candidates where FileManager.default.fileExists(atPath: root + "/" + c) { return root + "/" + c }
        return root + "/.build/debug/rigor"
    }
}
