/// One finding about a plan, at a line of the plan file.
public struct PlanDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var message: String

    public init(path: String, line: Int, message: String) { self.path = path; self.line = line; self.message = message }
    public var description: String { "\(path):\(line): \(message)" }
}

/// Why a plan cannot be used.
public enum PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The plan file could not be read.
    case unreadable(path: String, reason: String)
    /// The plan (or the spec it names) has errors; each names its line.
    case invalid([PlanDiagnostic])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read the plan: \(reason)"
        case .invalid(let diagnostics): return diagnostics.map(\.description).joined(separator: "\n")
        }
    }

    /// The findings, one per line of output.
    public var diagnostics: [PlanDiagnostic] {
        if case .invalid(let d) = self { return d }
        return []
    }
}
