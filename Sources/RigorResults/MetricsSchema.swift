import Foundation

/// The published JSON Schema (draft 2020-12) of metrics.json, shipped as a resource.
public enum MetricsSchema {
    /// Path of the bundled `metrics.schema.json`, when the resource bundle is present.
    public static var path: String? { Bundle.module.path(forResource: "metrics.schema", ofType: "json") }

    /// The schema's text, when the resource bundle is present.
    public static var text: String? { path.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } }
}
