import Foundation

/// Why a guard operation could not be carried out.
public enum GuardError: Error, Sendable, Equatable, CustomStringConvertible {
    case specNotInExperimentsDir(path: String)
    case badConfig(path: String, line: Int?, message: String)
    case badPolicy(source: String, line: Int?, message: String)
    case io(path: String, reason: String)
    case manifestMissing(path: String)
    case badManifest(path: String, reason: String)
    case sandboxUnavailable(reason: String)
    case spawnFailed(command: String, reason: String)
    case stateUnavailable(path: String, reason: String)
    case insideSandbox(command: String)
    case guardStateTampered(path: String, reason: String)

    public var description: String {
        switch self {
        case .specNotInExperimentsDir(let p):
            return "\(p): a spec must sit in an experiments/ folder (experiments/exp-NNN-x.md); pass the spec's real path"
        case .badConfig(let p, let line, let m):
            return "\(p)\(line.map { ":\($0)" } ?? ""): \(m)"
        case .badPolicy(let s, let line, let m):
            return "command policy \(s)\(line.map { ":\($0)" } ?? ""): \(m)"
        case .io(let p, let r):
            return "\(p): \(r)"
        case .manifestMissing(let p):
            return "\(p): no guard manifest; run `rigor guard snapshot SPEC` (or `rigor guard exec`) first"
        case .badManifest(let p, let r):
            return "\(p): unreadable guard manifest: \(r); it may have been tampered with"
        case .sandboxUnavailable(let r):
            return "bubblewrap sandbox unavailable: \(r); install the `bubblewrap` package"
        case .spawnFailed(let c, let r):
            return "cannot start \(c): \(r)"
        case .stateUnavailable(let p, let r):
            return "Rigor's trusted state folder \(p) is not usable: \(r); inside a Rigor sandbox it is hidden on purpose, outside set \(TrustedStore.variable) to a folder outside the workspace"
        case .insideSandbox(let c):
            return "\(c) changes Rigor's guard state and only runs outside the sandbox (this process runs inside a Rigor sandbox or a guarded run); the harness records and verifies, the guarded party cannot"
        case .guardStateTampered(let p, let r):
            return "\(p): Rigor's guard state fails authentication: \(r); treat the protected files as tampered"
        }
    }
}
