import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One change found in the protected set.
public struct TamperEvent: Sendable, Codable, Equatable {
    public enum Change: String, Sendable, Codable { case modified, deleted, added, modeChanged = "mode_changed", typeChanged = "type_changed" }
    /// Path relative to the workspace root.
    public var path: String
    public var change: Change
    /// What was expected and what was found ("sha256 ab12… → cd34…").
    public var detail: String
    /// Whether the path was put back as it was (added paths: moved to quarantine).
    public var restored: Bool
    /// How it was restored, or why it could not be.
    public var restoreDetail: String

    public init(path: String, change: Change, detail: String, restored: Bool, restoreDetail: String) {
        self.path = path; self.change = change; self.detail = detail; self.restored = restored; self.restoreDetail = restoreDetail
    }
}

/// Compares a protected set against its manifest, restores from the snapshot, and records.
public enum TamperCheck {
    /// The changes between the manifest and the disk now (no side effects).
    public static func compare(_ manifest: Manifest, set: ProtectedSet) throws(GuardError) -> [TamperEvent] {
        let now = try Manifest.take(set, mode: manifest.guardMode, baseline: manifest)
        var current: [String: ManifestEntry] = [:]
        for e in now.entries { current[e.path] = e }
        var events: [TamperEvent] = []
        var before: [String: ManifestEntry] = [:]
        for old in manifest.entries {
            before[old.path] = old
            let new = current[old.path] ?? ManifestEntry(path: old.path, kind: .absent, size: 0, mode: 0)
            switch (old.kind, new.kind) {
            case (.absent, .absent): break
            case (.absent, _): events.append(event(old.path, .added, "\(new.kind.rawValue) appeared where nothing was"))
            case (_, .absent): events.append(event(old.path, .deleted, "\(old.kind.rawValue) is gone"))
            case let (a, b) where a != b: events.append(event(old.path, .typeChanged, "was \(a.described), now \(b.described)"))
            default:
                if old.kind == .file, old.sha256 != new.sha256 {
                    events.append(event(old.path, .modified, "sha256 \(short(old.sha256)) → \(short(new.sha256)), size \(old.size) → \(new.size)"))
                } else if old.kind == .symlink, old.linkTarget != new.linkTarget {
                    events.append(event(old.path, .modified, "symlink target \(old.linkTarget ?? "?") → \(new.linkTarget ?? "?")"))
                } else if old.mode != new.mode {
                    events.append(event(old.path, .modeChanged, "mode \(octal(old.mode)) → \(octal(new.mode))"))
                }
            }
        }
        for new in now.entries where before[new.path] == nil && new.kind != .absent {
            events.append(event(new.path, .added, "new \(new.kind.rawValue) in a protected location"))
        }
        // Additions inside an added directory are reported once, through the directory.
        let addedDirs = events.filter { $0.change == .added || $0.change == .typeChanged }.map(\.path)
        events.removeAll { e in e.change == .added && addedDirs.contains { $0 != e.path && e.path.hasPrefix($0 + "/") } }
        return events.sorted { $0.path < $1.path }
    }

    /// Verifies against the trusted manifest, restores every change it can from the trusted
    /// snapshot, appends each event to the tamper record, and returns the events (with
    /// `restored` filled in). A workspace copy of the manifest that differs is an event too.
    public static func verifyAndRestore(_ manifest: Manifest, state: GuardState, phase: String, restore: Bool = true) throws(GuardError) -> [TamperEvent] {
        let set = state.set
        var events = try compare(manifest, set: set)
        if restore, !events.isEmpty {
            let stamp = Timestamp.now().replacingOccurrences(of: ":", with: "") + "-\(getpid())"
            var byPath: [String: ManifestEntry] = [:]
            for e in manifest.entries { byPath[e.path] = e }
            let restorer = Restorer(state: state, quarantineStamp: stamp)
            // Removals first (deepest first), then re-creations (shallowest first).
            let order = events.indices.sorted { a, b in
                let ra = events[a].change == .added ? 0 : 1, rb = events[b].change == .added ? 0 : 1
                if ra != rb { return ra < rb }
                let da = events[a].path.split(separator: "/").count, db = events[b].path.split(separator: "/").count
                return ra == 0 ? da > db : da < db
            }
            for i in order {
                let (ok, how) = restorer.restore(events[i], expected: byPath[events[i].path])
                events[i].restored = ok
                events[i].restoreDetail = how
            }
        } else {
            for i in events.indices { events[i].restoreDetail = "not restored (verify --no-restore)" }
        }
        if let copy = state.checkWorkspaceCopy(manifest, restore: restore) { events.append(copy) }
        events.sort { $0.path < $1.path }
        try record(events, phase: phase, state: state)
        return events
    }

    /// Appends events to the tamper record (trusted store, and the workspace copy).
    static func record(_ events: [TamperEvent], phase: String, state: GuardState) throws(GuardError) {
        let time = Timestamp.now()
        let lines: [[UInt8]] = events.map { e in
            let line: JSONValue = .object(JSONObject([
                ("time", .string(time)), ("phase", .string(phase)), ("path", .string(e.path)),
                ("change", .string(e.change.rawValue)), ("detail", .string(e.detail)),
                ("restored", .bool(e.restored)), ("restore_detail", .string(e.restoreDetail)),
            ]))
            return Array((line.serialized(pretty: false) + "\n").utf8)
        }
        try state.recordEvents(lines)
    }

    public static func tamperLogPath(for set: ProtectedSet) -> String { set.stateDir + "/tamper.jsonl" }

    /// Factual sentences for metrics.json `notes`, one per event.
    public static func notes(for events: [TamperEvent]) -> [String] {
        events.map { e in
            let what: String
            switch e.change {
            case .modified: what = "Protected file \(e.path) was modified during the run"
            case .deleted: what = "Protected path \(e.path) was deleted during the run"
            case .added: what = "Path \(e.path) was created in a protected location during the run"
            case .modeChanged: what = "The permissions of protected path \(e.path) were changed during the run (\(e.detail))"
            case .typeChanged: what = "Protected path \(e.path) was replaced by a different kind of file during the run (\(e.detail))"
            }
            let outcome: String
            if !e.restored { outcome = " and was not restored: \(e.restoreDetail)." }
            else {
                switch e.change {
                case .added: outcome = " and was \(e.restoreDetail)."
                case .modeChanged: outcome = " and the permissions were set back."
                default: outcome = " and restored from the snapshot."
                }
            }
            return what + outcome
        }
    }

    static func event(_ path: String, _ change: TamperEvent.Change, _ detail: String) -> TamperEvent {
        TamperEvent(path: path, change: change, detail: detail, restored: false, restoreDetail: "")
    }
    static func short(_ s: String?) -> String { s.map { String($0.prefix(12)) } ?? "none" }
    static func octal(_ m: UInt32) -> String { "0" + String(m, radix: 8) }
}
