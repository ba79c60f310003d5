import ArgumentParser
import Foundation
import RigorBasics
import RigorGuard

/// `rigor guard show SPEC [--json]`.
struct GuardShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the protected and writable paths for a spec.")
    @Argument(help: "The experiment spec (experiments/exp-NNN-x.md).") var spec: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let set = try loadSet(spec)
        let probe = GuardProbe.current()
        let l = set.listing()
        if json {
            let v: JSONValue = .object(JSONObject([
                ("workspace", .string(set.workspace.root)), ("experiment", .string(set.experimentID)),
                ("guard_mode", .string(probe.mode.rawValue)), ("guard_mode_detail", .string(probe.detail)),
                ("protected", .array(l.protected.map { .object(JSONObject([("path", .string($0.path)), ("reason", .string($0.reason)), ("exists", .bool($0.exists))])) })),
                ("writable", .array(l.writable.map { .string($0) })),
                ("config", set.config.source.map { .string($0) } ?? .null),
            ]))
            print(v.serialized(pretty: true))
            return
        }
        print("workspace: \(set.workspace.root)")
        print("experiment: \(set.experimentID)")
        print("guard mode: \(probe.mode.rawValue) (\(probe.detail))")
        print("protected (read-only):")
        for p in l.protected { print("  \(p.path)\(p.exists ? "" : "  [absent: creation is detected]")  — \(p.reason)") }
        print("writable:")
        for w in l.writable { print("  \(w)") }
    }
}
