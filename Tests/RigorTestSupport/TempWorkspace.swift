import Foundation
import Testing

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

    /// The built `rigor` executable, for CLI tests: `RIGOR_BIN` when set (scripts/test.sh sets it
    /// to `$(swift build --show-bin-path)/rigor`), else the debug build folder of this checkout.
    /// Every CLI test goes through this one helper: where the binary is missing the test FAILS
    /// with how to set RIGOR_BIN (it never skips), and the returned path then fails to launch.
    public static var rigorBinary: String {
        let located = RigorBinary.located
        if let problem = located.problem { Issue.record(Comment(rawValue: problem)) }
        return located.path
    }
}

/// Where the `rigor` binary is, found once per test process.
public enum RigorBinary {
    public static let located: (path: String, problem: String?) = locate(environment: ProcessInfo.processInfo.environment, root: RepoPaths.root)

    public static func locate(environment: [String: String], root: String) -> (path: String, problem: String?) {
        let howTo = "set RIGOR_BIN to the built binary, e.g. RIGOR_BIN=\"$(swift build --show-bin-path)/rigor\" swift test (scripts/test.sh does this), after `swift build`"
        if let env = environment["RIGOR_BIN"], !env.isEmpty {
            return FileManager.default.isExecutableFile(atPath: env)
                ? (env, nil) : (env, "RIGOR_BIN=\(env) is not an executable file: \(howTo)")
        }
        let candidates = [".build/debug/rigor", ".build/x86_64-unknown-linux-gnu/debug/rigor", ".build/aarch64-unknown-linux-gnu/debug/rigor"]
        for c in candidates where FileManager.default.isExecutableFile(atPath: root + "/" + c) { return (root + "/" + c, nil) }
        return (root + "/" + candidates[0],
                "the rigor binary was not found (RIGOR_BIN is unset and none of \(candidates.map { root + "/" + $0 }) exists): \(howTo)")
    }
}
