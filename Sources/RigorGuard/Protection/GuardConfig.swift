import Foundation
import RigorBasics
import Yams

/// `.rigor/guard.yaml` in the workspace root: the user's additions to the protected set.
///
/// ```yaml
/// protect: [data/, configs/frozen.yaml]   # relative to the workspace root, or absolute
/// writable: [/scratch/me, ~/.cache]       # extra paths the sandboxed command may write
/// snapshot_limit_mb: 512                  # total bytes copied into the snapshot
/// snapshot_file_limit_mb: 64              # largest single file copied into the snapshot
/// ```
public struct GuardConfig: Sendable, Equatable {
    public var protect: [String] = []
    public var writable: [String] = []
    public var snapshotLimitBytes: Int = 512 << 20
    public var snapshotFileLimitBytes: Int = 64 << 20
    /// Where the config was read from (nil when absent).
    public var source: String?

    public init() {}

    /// The config file's place in a workspace.
    public static func path(inWorkspaceRoot root: String) -> String { root + "/.rigor/guard.yaml" }

    /// Reads the config; absent file → defaults. Unknown keys and wrong types are errors.
    public static func load(workspaceRoot root: String) throws(GuardError) -> GuardConfig {
        let file = path(inWorkspaceRoot: root)
        guard FileManager.default.fileExists(atPath: file) else { return GuardConfig() }
        let text: String
        do { text = try TextFile.read(file, limit: 1 << 20) } catch { throw .badConfig(path: file, line: nil, message: error.description) }
        return try parse(text, path: file)
    }

    static func parse(_ text: String, path: String) throws(GuardError) -> GuardConfig {
        var config = GuardConfig()
        config.source = path
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw .badConfig(path: path, line: Self.line(of: error), message: "not valid YAML: \(error)")
        }
        guard let node else { return config }
        guard let map = node.mapping else { throw .badConfig(path: path, line: node.mark?.line, message: "expected a mapping with keys protect, writable, snapshot_limit_mb, snapshot_file_limit_mb") }
        for (k, v) in map {
            let line = k.mark?.line
            switch k.string ?? "" {
            case "protect": config.protect = try strings(v, key: "protect", path: path)
            case "writable": config.writable = try strings(v, key: "writable", path: path)
            case "snapshot_limit_mb":
                guard let n = v.int, n >= 0 else { throw .badConfig(path: path, line: line, message: "snapshot_limit_mb must be a non-negative integer") }
                config.snapshotLimitBytes = n << 20
            case "snapshot_file_limit_mb":
                guard let n = v.int, n >= 0 else { throw .badConfig(path: path, line: line, message: "snapshot_file_limit_mb must be a non-negative integer") }
                config.snapshotFileLimitBytes = n << 20
            default:
                throw .badConfig(path: path, line: line, message: "unknown key '\(k.string ?? "?")' (known: protect, writable, snapshot_limit_mb, snapshot_file_limit_mb)")
            }
        }
        return config
    }

    private static func strings(_ node: Node, key: String, path: String) throws(GuardError) -> [String] {
        guard let seq = node.sequence else { throw .badConfig(path: path, line: node.mark?.line, message: "\(key) must be a list of paths") }
        var out: [String] = []
        for item in seq {
            guard let s = item.string, !s.isEmpty, item.scalar != nil else {
                throw .badConfig(path: path, line: item.mark?.line, message: "\(key) entries must be non-empty path strings")
            }
            out.append(s)
        }
        return out
    }

    private static func line(of error: any Error) -> Int? {
        if let y = error as? YamlError, case .scanner(_, _, let mark, _) = y { return mark.line }
        if let y = error as? YamlError, case .parser(_, _, let mark, _) = y { return mark.line }
        return nil
    }
}
