import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RigorBasics

/// Completes `results/<exp>/config.json` with the provenance of `rigor run`: every field the
/// agent did not write is added, what it wrote is kept as written, and Rigor's own record of
/// the session goes under `rigor_run`. A config.json that is not a JSON object is kept in the
/// records (`rigor/config.agent.json`) and a new one is written.
public enum ConfigCompletion {
    /// Returns what was done, as one factual sentence.
    public static func complete(resultsDir: String, records: RunRecordsFolder, provenance: JSONObject, writer: String = "agent") throws -> String {
        let path = resultsDir + "/config.json"
        var config = JSONObject()
        var sentence = "config.json written by Rigor (the \(writer) wrote none)"
        var st = stat()
        if lstat(path, &st) == 0 {
            // Read without following a link: a link planted there is moved aside, never read.
            let bytes: [UInt8]?
            do { bytes = try DirectoryHandle.open(resultsDir).read("config.json", limit: 16 << 20) } catch { bytes = nil }
            if let bytes, let o = (try? JSONReader.parse(bytes: bytes))?.value.objectValue {
                config = o
                sentence = "config.json written by the \(writer), completed by Rigor (its fields kept as written)"
            } else {
                let kept = records.file("config.agent.json")
                try? FileManager.default.removeItem(atPath: kept)
                try FileManager.default.moveItem(atPath: path, toPath: kept)
                sentence = "the \(writer)'s config.json is not a JSON object (or not a regular file); kept as rigor/config.agent.json, and Rigor wrote config.json"
            }
        }
        for (k, v) in provenance where k != "rigor_run" && config[k] == nil { config[k] = v }
        config["rigor_run"] = .object(provenance)
        try AtomicFile.write(json: .object(config), to: path)
        return sentence
    }
}
