import Foundation
import RigorSpec

/// Answers "would writing or removing this resolved path touch the protected set?".
public protocol ProtectionOracle: Sendable {
    /// Why a write to (or creation of) this path is forbidden, or nil.
    func writeViolation(_ resolvedPath: String) -> String?
    /// Why removing/moving this path is forbidden (it is protected or holds protected paths), or nil.
    func removeViolation(_ resolvedPath: String) -> String?
}

extension ProtectedSet: ProtectionOracle {
    public func writeViolation(_ p: String) -> String? {
        protectingEntry(of: p).map { "\(PathResolution.relative($0.path, to: workspace.root)) is protected (\($0.reason))" }
    }
    public func removeViolation(_ p: String) -> String? {
        if let w = writeViolation(p) { return w }
        if let e = protectedEntries(under: p).first {
            return "\(PathResolution.relative(p, to: workspace.root)) holds protected \(PathResolution.relative(e.path, to: workspace.root)) (\(e.reason))"
        }
        return nil
    }
}

/// Used when no spec is known: anything under a folder named `experiments` or `results`, the
/// READ-owned files and `.rigor` folders count as protected (conservative by design).
public struct PatternOracle: ProtectionOracle {
    public init() {}
    static let dirs: Set<String> = ["experiments", "results", ".rigor"]
    public func writeViolation(_ p: String) -> String? {
        let parts = p.split(separator: "/").map(String.init)
        if let d = parts.dropLast().first(where: { Self.dirs.contains($0) }) { return "\(p) is inside a '\(d)' folder (protected; no spec given)" }
        if let last = parts.last, Workspace.readOwnedFiles.contains(last) || Self.dirs.contains(last) { return "\(p) is protected (no spec given)" }
        return nil
    }
    public func removeViolation(_ p: String) -> String? {
        if let w = writeViolation(p) { return w }
        for d in Self.dirs.union(Workspace.readOwnedFiles) where FileManager.default.fileExists(atPath: p + "/" + d) {
            return "\(p) holds \(d) (protected; no spec given)"
        }
        return nil
    }
}
