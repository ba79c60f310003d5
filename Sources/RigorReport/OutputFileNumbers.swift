import Foundation
import RigorBasics
import RigorSupervisor

/// Numbers in the JSON and CSV files a run wrote (its record's `outputFiles`), as trace sources.
/// A file whose bytes no longer match the SHA-256 its run recorded is not used: it changed since.
enum OutputFileNumbers {
    static let maxBytes = 16 << 20
    static let maxNumbers = 100_000

    static func read(_ record: RunRecord, resultsDir: String) -> [TraceSource] {
        var out: [TraceSource] = []
        for file in record.outputFiles ?? [] {
            let lower = file.path.lowercased()
            guard lower.hasSuffix(".json") || lower.hasSuffix(".csv"), let recorded = file.sha256,
                  let bytes = try? TextFile.readBytes(resultsDir + "/" + file.path, limit: maxBytes),
                  SHA256.hex(Array(bytes)) == recorded else { continue }
            func add(_ value: Double, _ key: String, _ location: String) {
                guard out.count < maxNumbers else { return }
                out.append(TraceSource(kind: .file, value: value, key: key, runs: [record.runID], seed: record.seed, arm: record.arm,
                                       file: file.path, location: location))
            }
            if lower.hasSuffix(".json") {
                guard let doc = try? JSONReader.parse(bytes) else { continue }
                walk(doc.value, pointer: "", key: "", add)
            } else {
                csv(String(decoding: bytes, as: UTF8.self), add)
            }
        }
        return out
    }

    static func walk(_ v: JSONValue, pointer: String, key: String, _ add: (Double, String, String) -> Void) {
        switch v {
        case .number(let d): add(d, key, pointer.isEmpty ? "/" : pointer)
        case .object(let o): for (k, c) in o { walk(c, pointer: pointer + "/" + JSONReader.escapePointer(k), key: k, add) }
        case .array(let a): for (i, c) in a.enumerated() { walk(c, pointer: pointer + "/\(i)", key: key, add) }
        default: break
        }
    }

    /// Numeric cells of a CSV file with a header row (comma-separated, no quoted commas).
    static func csv(_ text: String, _ add: (Double, String, String) -> Void) {
        let rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
        guard let header = rows.first else { return }
        for (i, row) in rows.dropFirst().enumerated() {
            for (j, cell) in row.enumerated() {
                guard let d = Double(cell) else { continue }
                let column = j < header.count ? header[j] : "column \(j + 1)"
                add(d, column, "row \(i + 1), column \(column)")
            }
        }
    }
}
