/// Where the researcher prefers heavy work to run: the flag `--cloud-preference`, else
/// `RIGOR_CLOUD_PREFERENCE`, else `cloud_preference:` in the workspace's `rigor.yaml`, else local.
public enum CloudPreference: String, Sendable, Equatable, CaseIterable {
    case local
    case cloudFirst = "cloud-first"
    case cloudAlways = "cloud-always"
}

import Foundation
import RigorBasics
import RigorSpec

/// A cloud preference that cannot be used, with where it came from.
public struct CloudPreferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var value: String
    public var description: String {
        "\(source): cloud preference '\(value)' is not one of local, cloud-first, cloud-always"
    }
}

extension CloudPreference {
    /// The preference and where it came from: the flag, else `RIGOR_CLOUD_PREFERENCE`, else
    /// `cloud_preference:` in `<workspace>/rigor.yaml`, else local.
    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               workspaceRoot: String?) throws -> (CloudPreference, source: String) {
        func parse(_ value: String, _ source: String) throws -> (CloudPreference, source: String) {
            guard let p = CloudPreference(rawValue: value.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw CloudPreferenceError(source: source, value: value)
            }
            return (p, source)
        }
        if let flag { return try parse(flag, "--cloud-preference") }
        if let env = environment["RIGOR_CLOUD_PREFERENCE"], !env.isEmpty { return try parse(env, "RIGOR_CLOUD_PREFERENCE") }
        // rigor.yaml is read whole (an unknown key or a bad value there is an error with its line).
        if let root = workspaceRoot, let config = try WorkspaceConfig.load(root: root), let value = config.cloudPreference {
            let path = root + "/" + WorkspaceConfig.fileName
            let text = (try? TextFile.read(path, limit: 1 << 20)) ?? ""
            let line = (text.components(separatedBy: "\n").firstIndex { $0.hasPrefix("cloud_preference:") } ?? 0) + 1
            return try parse(value, "\(path):\(line): cloud_preference")
        }
        return (.local, "default")
    }
}
