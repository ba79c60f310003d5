import Foundation
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
        if FileManager.default.fileExists(atPath: path) {
            if let data = try? TextFile.readBytes(path, limit: 16 << 20), let o = (try? JSONReader.parse(data))?.value.objectValue {
                config = o
                sentence = "config.json written by the \(writer), completed by Rigor (its fields kept as written)"
            } else {
                try FileManager.default.copyItem(atPath: path, toPath: records.file("config.agent.json"))
                sentence = "the \(writer)'s config.json is not a JSON object; kept as rigor/config.agent.json, and Rigor wrote config.json"
            }
        }
        for (k, v) in provenance where k != "rigor_run" && config[k] == nil { config[k] = v }
        config["rigor_run"] = .object(provenance)
        try AtomicFile.write(json: .object(config), to: path)
        return sentence
    }
}
