import ArgumentParser
import Foundation
import RigorBasics
import RigorGuard

/// `rigor guard snapshot SPEC`: take the manifest and snapshot now.
struct GuardSnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "snapshot", abstract: "Record the manifest and snapshot of the protected set (in Rigor's trusted state; a copy in results/<exp>/.rigor/).",
        discussion: "Refused inside a Rigor sandbox or a guarded run: only the harness re-baselines.")
    @Argument(help: "The experiment spec.") var spec: String
    func run() async throws {
        do {
            try SandboxDetection.requireOutside("rigor guard snapshot")
            let set = try loadSet(spec)
            try HarnessRecords.prepare(set)
            let again = try ProtectedSet.make(specPath: set.specPath, config: set.config)
            let state = try GuardState(set: again)
            let m = try state.record(mode: GuardProbe.current().mode)
            let files = m.entries.filter { $0.kind == ManifestEntry.Kind.file }
            print("manifest: \(state.manifestPath) (\(files.count) files, \(files.filter { $0.snapshotted == true }.count) in the snapshot; copy at \(Manifest.path(for: again)))")
        } catch let e as GuardError { throw fail(e.description) }
    }
}

/// `rigor guard verify SPEC`: compare with the stored manifest; restore and record changes.
struct GuardVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Compare the protected set with the stored manifest; restore and record any change.",
        discussion: "Exit status: 0 unchanged, 3 changes found (restored unless --no-restore), 1 error (including guard state that fails authentication). Refused inside a Rigor sandbox or a guarded run.")
    @Argument(help: "The experiment spec.") var spec: String
    @Flag(name: .customLong("no-restore"), help: "Report and record only.") var noRestore = false
    @Flag(help: "Print JSON.") var json = false
    func run() async throws {
        let events: [TamperEvent]
        do {
            try SandboxDetection.requireOutside("rigor guard verify")
            let set = try loadSet(spec)
            let state = try GuardState(set: set)
            events = try TamperCheck.verifyAndRestore(try state.manifest(), state: state, phase: "verify", restore: !noRestore)
        } catch let e as GuardError { throw fail(e.description) }
        if json {
            let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            let obj: [String: AnyEncodable] = ["events": AnyEncodable(events), "notes": AnyEncodable(TamperCheck.notes(for: events))]
            print(String(decoding: try enc.encode(obj), as: UTF8.self))
        } else if events.isEmpty {
            print("protected set unchanged")
        } else {
            for e in events { print("\(e.change.rawValue)\t\(e.path)\t\(e.detail)\t\(e.restored ? "restored" : "NOT restored"): \(e.restoreDetail)") }
        }
        if !events.isEmpty { throw ExitCode(3) }
    }
}

struct AnyEncodable: Encodable {
    let encodeTo: (Encoder) throws -> Void
    init<T: Encodable>(_ v: T) { encodeTo = v.encode }
    func encode(to encoder: Encoder) throws { try encodeTo(encoder) }
}
