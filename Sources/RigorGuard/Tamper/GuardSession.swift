import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One guarded phase: manifest + snapshot before (in the trusted store), sandbox (or chmod
/// fallback) during, verify + restore + record after.
public struct GuardSession: Sendable {
    public let set: ProtectedSet
    public let probe: GuardProbe
    public let manifest: Manifest
    public let phase: String
    public let state: GuardState
    /// Original modes of files made 0444 / dirs 0555 by the fallback (restored by `end`).
    let fallbackModes: [String: UInt32]
    /// Changes found (and restored) against the manifest of an earlier session that never ended.
    public let priorEvents: [TamperEvent]
    /// In fallback mode, the witness of Rigor's own writes to its records.
    let records: RecordGuard?

    static let openMarkerName = "session-open"

    /// The launch wrapper for the phase's commands: the bubblewrap sandbox, or in fallback mode
    /// a PID namespace of its own (`unshare`) when one can be made, so no process outlives its run.
    public var wrapper: (any LaunchWrapper)? { wrapper() }

    /// The launch wrapper with a prepared home folder bound as the sandbox's private home and
    /// more paths under a temp folder kept visible (read-only) inside.
    public func wrapper(home: String? = nil, visible: [String] = []) -> (any LaunchWrapper)? {
        if probe.mode == .bubblewrap, let bwrap = probe.bwrapPath {
            var sandbox = Sandbox(set: set, bwrapPath: bwrap, store: state.store)
            sandbox.homeSource = home
            sandbox.visible = visible
            return sandbox
        }
        return PIDNamespaceWrapper.current()
    }

    /// Takes the manifest and snapshot, and in fallback mode chmods the protected files 0444 —
    /// printing the loud warning on stderr. Refused inside a sandbox or a guarded run.
    /// `witnessRecords: false` (fallback mode only) leaves the records to the sessions of the runs
    /// that write them: `rigor run`'s agent phase, during which brokered runs (processes of their
    /// own) write the records under guard sessions of their own.
    public static func begin(set: ProtectedSet, probe: GuardProbe = .current(), phase: String,
                             store: TrustedStore = .current(), witnessRecords: Bool = true) throws(GuardError) -> GuardSession {
        try SandboxDetection.requireOutside("starting a guard session", store: store)
        try HarnessRecords.prepare(set)
        let state = try GuardState(set: set, store: store)
        // An earlier session that died (kill -9) never verified: check against its manifest first,
        // so nothing it let through is folded into the new manifest.
        var prior: [TamperEvent] = []
        let marker = (try? state.dir.openReading(openMarkerName)) ?? nil
        if let marker {
            close(marker)
            if state.hasManifest {
                prior = try TamperCheck.verifyAndRestore(try state.manifest(), state: state, phase: phase + " (resume check)")
            }
        }
        do { try state.dir.writeAtomically(openMarkerName, Array("\(getpid())\n".utf8), mode: 0o600) } catch {
            throw .io(path: state.dir.path + "/" + openMarkerName, reason: "cannot write the session marker: \(error)")
        }
        try SessionMarkers.add(store: store)
        // The state dir and records now exist: rebuild so the sandbox binds them read-only.
        let set = try ProtectedSet.make(specPath: set.specPath, config: set.config)
        let fresh = try GuardState(set: set, store: store)
        let manifest = try fresh.record(mode: probe.mode)
        var modes: [String: UInt32] = [:]
        var records: RecordGuard?
        if let warning = probe.warning {
            if witnessRecords {
                let witness = RecordGuard(set: set)
                RecordWitnesses.install(witness)
                records = witness
            }
            FileHandle.standardError.write(Data((warning + "\n").utf8))
            for e in manifest.entries where e.kind == .file || e.kind == .directory {
                let abs = manifest.absolute(e)
                let locked: mode_t = e.kind == .file ? 0o444 : 0o555
                if chmod(abs, locked) == 0 { modes[abs] = e.mode }
            }
        }
        return GuardSession(set: set, probe: probe, manifest: manifest, phase: phase, state: fresh, fallbackModes: modes, priorEvents: prior, records: records)
    }

    /// Undoes the fallback chmods, verifies against the manifest held in memory (the one taken
    /// at `begin`), restores and records. Returns the tamper events (empty when nothing changed).
    public func end(restore: Bool = true) throws(GuardError) -> [TamperEvent] {
        for (path, mode) in fallbackModes {
            var st = stat()
            if lstat(path, &st) == 0 {
                let isDir = (st.st_mode & S_IFMT) == S_IFDIR
                let locked: UInt32 = isDir ? 0o555 : 0o444
                if UInt32(st.st_mode) & 0o7777 == locked { _ = chmod(path, mode_t(mode)) }
            }
        }
        // Every step runs whatever an earlier one threw: a failed verification must not skip the
        // records check, nor leave a re-baselined manifest in the store for the next session.
        var failure: GuardError?
        var events: [TamperEvent] = []
        do { events = try TamperCheck.verifyAndRestore(manifest, state: state, phase: phase, restore: restore) } catch { failure = error }
        if let records {
            RecordWitnesses.install(nil)
            let restorer = Restorer(state: state, quarantineStamp: Timestamp.now().replacingOccurrences(of: ":", with: "") + "-\(getpid())-records")
            let recordEvents = records.verify { path in
                do {
                    let (parent, name) = try restorer.parentDirectory(of: path)
                    return restorer.moveAside(name, in: parent, relative: PathResolution.relative(path, to: set.workspace.root))
                } catch { return "cannot reach it without following links: \(error)" }
            }
            do { try TamperCheck.record(recordEvents, phase: phase, state: state) } catch { failure = failure ?? error }
            events += recordEvents
        }
        // The manifest taken at `begin` stays the truth: whatever was recorded in the store during
        // the phase (a re-baseline by the guarded party in fallback mode) is overwritten.
        do { try state.write(manifest) } catch { failure = failure ?? error }
        if let failure { throw failure }
        unlinkat(state.dir.fd, Self.openMarkerName, 0)
        SessionMarkers.remove(store: state.store)
        return events
    }

    /// The `guard_mode` value for config.json.
    public var guardModeField: String { probe.mode.rawValue }
}
