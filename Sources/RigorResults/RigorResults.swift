// RigorResults — the results contract: metrics.json and config.json.
//
// Owns: the typed models of metrics.json and config.json (exact structure of the RUN-phase
// prompt), their atomic writers, the published JSON Schema, and `MetricsValidator`, which
// checks a metrics.json against that structure and against its spec (every spec metric
// reported, nothing promoted, abort fields consistent, budget respected, no interpretive
// language), plus `InterpretationLint`, reusable on any text.
// Must never modify, "repair" or reinterpret a results file: it reads, reports facts with
// positions, and writes only what its caller hands it.
import Foundation
import RigorBasics

/// Why results could not be read or written at all (as opposed to violations found in them).
public enum ResultsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file could not be used (missing, directory, empty, binary, too large, not UTF-8).
    case file(RigorFileError)
    /// A directory holds no metrics.json.
    case noMetricsFile(directory: String)
    /// The spec could not be read or parsed.
    case unusableSpec(path: String, reason: String)
    /// A phrase list file holds no phrases, or cannot be read.
    case unusablePhraseList(path: String, reason: String)
    /// A JSON file could not be decoded into a model; `pointer` names the field.
    case decoding(path: String, pointer: String, reason: String)
    /// Writing a results file failed.
    case write(path: String, reason: String)

    public var description: String {
        switch self {
        case .file(let e): return e.description
        case .noMetricsFile(let d): return "\(d): directory holds no metrics.json; pass a results directory or a metrics.json file"
        case .unusableSpec(let p, let r): return "\(p): cannot use the spec: \(r)"
        case .unusablePhraseList(let p, let r): return "\(p): cannot use the phrase list: \(r)"
        case .decoding(let p, let ptr, let r):
            return "\(p): \(r) (at \(ptr.isEmpty ? "the top level" : ptr)); fix the file or validate it with `rigor metrics validate`"
        case .write(let p, let r): return "\(p): cannot write: \(r)"
        }
    }
}

/// Limits for files the results module reads.
public enum ResultsLimits {
    /// Largest metrics.json / config.json / spec / phrase list accepted (64 MiB).
    public static let maxFileBytes = 64 * 1024 * 1024
}
