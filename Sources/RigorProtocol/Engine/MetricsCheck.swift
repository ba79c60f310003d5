import RigorResults
import RigorSpec

/// The Results module's validator as the engine's metrics.json check: error-level violations only.
public enum MetricsCheck {
    public static let validator: @Sendable (String, ExperimentSpec) -> [String] = { metricsPath, spec in
        do {
            let location = try MetricsLocation.locate(metricsPath)
            let report = try MetricsValidator().validate(location, spec: spec)
            return report.violations.filter { $0.severity == .error }.map(\.textLine)
        } catch {
            return ["\(metricsPath): cannot be validated: \(error)"]
        }
    }
}
