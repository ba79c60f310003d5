import RigorProtocol
import RigorSpec

/// How `rigor protocol run` checks the metrics.json it wrote (the Results module's validator).
enum ProtocolValidation {
    static let validator: (@Sendable (String, ExperimentSpec) -> [String])? = MetricsCheck.validator
}
