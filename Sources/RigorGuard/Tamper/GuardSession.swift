import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One guarded phase: manifest + snapshot before, sandbox (or chmod fallback) during,
/// verify + restore + record after.
public struct GuardSession: Sendable {
    public let set: ProtectedSet
    public let probe: GuardProbe
    public let manifest: Manifest
    public let phase: String
    /// Original modes of files made 0444 / dirs 0555 by the fallback (restored by `end`).
    let fallbackModes: [String: UInt32]
    /// Changes found (and restored) against the manifest of an earlier session that never ended.
    public let priorEvents: [TamperEvent]

    /// Present while a session is open; found at `begin` it means the last session died unverified.
    public static func openMarkerPath(for set: ProtectedSet) -> String { set.stateDir + "/session-open" }

    /// The launch wrapper for the phase's commands: the bubblewrap sandbox, or nil in fallback mode.
    public var wrapper: (any LaunchWrapper)? {
        guard probe.mode == .bubblewrap, let bwrap = probe.bwrapPath else { return nil }
        return Sandbox(set: set, bwrapPath: bwrap)
    }

    /// Takes the manifest and snapshot (stored in `results/<exp>/.rigor/`), and in fallback
    /// mode chmods the protected files 0444 — printing the loud warning on stderr.
    public static func begin(set: ProtectedSet, probe: GuardProbe = .current(), phase: String) throws(GuardError) -> GuardSession {
        do { try FileManager.default.createDirectory(atPath: set.stateDir, withIntermediateDirectories: true) } catch {
            throw .io(path: set.stateDir, reason: "cannot create guard state dir: \(error)")
        }
        // An earlier session that died (kill -9) never verified: check against its manifest first,
        // so nothing it let through is folded into the new manifest.
        var prior: [TamperEvent] = []
        let marker = openMarkerPath(for: set)
        let manifestPath = Manifest.path(for: set)
        if FileManager.default.fileExists(atPath: marker), FileManager.default.fileExists(atPath: manifestPath) {
            let old = try Manifest.read(from: manifestPath)
            prior = try TamperCheck.verifyAndRestore(old, set: set, phase: phase + " (resume check)")
        }
        do { try AtomicFile.write("\(getpid())\n", to: marker) } catch {
            throw .io(path: marker, reason: "cannot write the session marker: \(error)")
        }
        // The state dir now exists: rebuild so the sandbox binds it read-only.
        let set = try ProtectedSet.make(specPath: set.specPath, config: set.config)
        let manifest = try Manifest.record(set, mode: probe.mode)
        var modes: [String: UInt32] = [:]
        if let warning = probe.warning {
            FileHandle.standardError.write(Data((warning + "\n").utf8))
            for e in manifest.entries where e.kind == .file || e.kind == .directory {
                let abs = manifest.absolute(e)
                let locked: mode_t = e.kind == .file ? 0o444 : 0o555
                if chmod(abs, locked) == 0 { modes[abs] = e.mode }
            }
        }
        return GuardSession(set: set, probe: probe, manifest: manifest, phase: phase, fallbackModes: modes, priorEvents: prior)
    }

    /// Undoes the fallback chmods, verifies against the manifest held in memory, restores and
    /// records. Returns the tamper events (empty when nothing changed).
    public func end(restore: Bool = true) throws(GuardError) -> [TamperEvent] {
        for (path, mode) in fallbackModes {
            var st = stat()
            if lstat(path, &st) == 0 {
                let isDir = (st.st_mode & S_IFMT) == S_IFDIR
                let locked: UInt32 = isDir ? 0o555 : 0o444
                if UInt32(st.st_mode) & 0o7777 == locked { _ = chmod(path, mode_t(mode)) }
            }
        }
        let events = try TamperCheck.verifyAndRestore(manifest, set: set, phase: phase, restore: restore)
        unlink(GuardSession.openMarkerPath(for: set))
        return events
    }

    /// The `guard_mode` value for config.json.
    public var guardModeField: String { probe.mode.rawValue }
}
