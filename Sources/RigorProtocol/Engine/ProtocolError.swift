/// Why the protocol engine could not do its work (as opposed to an experiment that aborted).
public enum ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another `rigor protocol run` holds this experiment.
    case locked(path: String, holderPID: Int32?)
    /// A file in the results dir could not be read or written.
    case io(path: String, reason: String)
    /// The plan or spec cannot be used.
    case plan(PlanError)
    /// The spec named by the plan has errors.
    case spec(path: String, diagnostics: [String])
    /// The results dir could not be found from the spec's location.
    case noResultsDir(specPath: String)
    /// The spec differs from the copy frozen when this experiment began.
    case specChanged(specPath: String, frozenPath: String, frozenSHA256: String, currentSHA256: String)
    /// The plan changed in a way that alters runs already made (one line per difference).
    case planChanged(planPath: String, differences: [String])
    /// The guard over the protected set could not start.
    case guardFailed(reason: String)
    /// The engine was cancelled (SIGINT/SIGTERM); running runs were stopped as `interrupted`.
    case interrupted

    public var description: String {
        switch self {
        case .locked(let path, let pid):
            let holder = pid.map { "process \($0)" } ?? "another process (pid not recorded yet)"
            return "the experiment is locked by \(holder) (\(path)): another 'rigor protocol run' is running; wait for it or stop it"
        case .io(let path, let reason): return "\(path): \(reason)"
        case .plan(let e): return e.description
        case .spec(let path, let diagnostics):
            return "\(path): the spec has errors, fix them before running:\n" + diagnostics.joined(separator: "\n")
        case .specChanged(let spec, let frozen, let old, let new):
            return "\(spec): the spec changed since this experiment began (frozen copy \(frozen) has sha256 \(old.prefix(12))…, the spec now \(new.prefix(12))…); a pre-registered spec is immutable: restore it or start a new experiment"
        case .planChanged(let path, let differences):
            let shown = differences.prefix(10).map { "  " + $0 } + (differences.count > 10 ? ["  … and \(differences.count - 10) more"] : [])
            return "\(path): the plan changed for runs this experiment already made, so its results would mix two designs; restore the plan, or start a new experiment:\n" + shown.joined(separator: "\n")
        case .guardFailed(let reason):
            return "cannot guard the protected files: \(reason)"
        case .interrupted:
            return "interrupted: running runs were stopped and recorded as interrupted; run the same command again to resume"
        case .noResultsDir(let specPath):
            return "\(specPath): the spec is not in an experiments/ folder, so its results dir is unknown; set 'results:' in the plan"
        }
    }
}
