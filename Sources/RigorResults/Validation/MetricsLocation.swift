import Foundation
import RigorBasics
import RigorSpec

/// The files one validation looks at, found from a results directory or a metrics file.
public struct MetricsLocation: Sendable, Equatable {
    /// The metrics file to validate.
    public var metricsPath: String
    /// The folder holding it.
    public var resultsDir: String
    /// Where config.json must be.
    public var configPath: String
    /// True when config.json is required: a results directory was given, or a file named metrics.json.
    public var configRequired: Bool
    /// The frozen copy of the spec (`spec.md` next to metrics.json), checked when present.
    public var frozenSpecPath: String?
    /// `…/experiments/exp-x.md` when the results dir is `…/results/exp-x/` and that spec exists.
    public var workspaceSpecPath: String?

    /// Resolves a results directory or a metrics file; a missing path or a directory without
    /// metrics.json is unusable input.
    public static func locate(_ target: String) throws(ResultsError) -> MetricsLocation {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDir) else { throw .file(.missing(path: target)) }
        let metrics: String
        let dir: String
        if isDir.boolValue {
            dir = target.hasSuffix("/") && target.count > 1 ? String(target.dropLast()) : target
            metrics = dir + "/metrics.json"
            guard FileManager.default.fileExists(atPath: metrics) else { throw .noMetricsFile(directory: target) }
        } else {
            metrics = target
            let parent = (target as NSString).deletingLastPathComponent
            dir = parent.isEmpty ? "." : parent
        }
        let required = isDir.boolValue || (metrics as NSString).lastPathComponent == "metrics.json"
        let absoluteDir = URL(fileURLWithPath: Workspace.absolute(dir))
        var specPath: String?
        if absoluteDir.deletingLastPathComponent().lastPathComponent == "results" {
            let candidate = absoluteDir.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("experiments").appendingPathComponent(absoluteDir.lastPathComponent + ".md").path
            if FileManager.default.fileExists(atPath: candidate) { specPath = candidate }
        }
        return MetricsLocation(metricsPath: metrics, resultsDir: dir, configPath: dir + "/config.json",
                               configRequired: required, frozenSpecPath: required ? dir + "/spec.md" : nil,
                               workspaceSpecPath: specPath)
    }
}
