import Foundation
import RigorBasics

extension GuardSession: PhaseGuard {
    public var summary: String {
        switch probe.mode {
        case .bubblewrap:
            return "bubblewrap: \(set.protected.count) protected path(s) mounted read-only; manifest verified after the phase"
        case .chmodFallback:
            return "chmod-fallback (NOT kernel-enforced: \(probe.detail)): protected files chmod 0444, verified by SHA-256 manifest after the phase"
        }
    }

    /// Ends the session: notes for the changes found before it began (an earlier session that
    /// died) and during it, each restored from the snapshot where possible.
    public func finish() throws -> [String] {
        let events = try end()
        var notes = TamperCheck.notes(for: priorEvents).map { "Before this session (an earlier session ended without verifying): " + $0 }
        notes += TamperCheck.notes(for: events)
        return notes
    }
}
