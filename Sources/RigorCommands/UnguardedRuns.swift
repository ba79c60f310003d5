import Foundation
import RigorBasics

/// `rigor exec --no-guard` runs are named in the experiment's config.json (`unguarded_runs`)
/// when that file exists, besides their run.json `sandbox` field. Rigor does not create a
/// config.json for this: it is the RUN phase's output; an existing one is merged, never
/// replaced (read without following links, written atomically).
enum UnguardedRuns {
    static func record(_ runID: String, experimentDir: String) {
        guard let dir = try? DirectoryHandle.open(experimentDir), let bytes = (try? dir.read("config.json", limit: 16 << 20)) ?? nil else { return }
        guard let doc = try? JSONReader.parse(bytes: bytes), case .object(var config) = doc.value else {
            ExecCLI.note("config.json is not a JSON object; this unguarded run is recorded in its run.json only")
            return
        }
        var runs = config["unguarded_runs"]?.arrayValue ?? []
        if !runs.contains(.string(runID)) { runs.append(.string(runID)) }
        config["unguarded_runs"] = .array(runs)
        do { try dir.writeAtomically("config.json", Array(JSONValue.object(config).serialized(pretty: true).utf8)) } catch {
            ExecCLI.note("could not record the unguarded run in config.json: \(error.description)")
        }
    }
}
