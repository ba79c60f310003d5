import Foundation
import RigorBasics
import RigorSpec

/// The frozen copy of the spec, `results/<exp>/spec.md`: written read-only when an experiment
/// begins, and compared by SHA-256 every time it resumes. A spec that changed stops the engine.
public enum SpecFreeze {
    public static let fileName = "spec.md"

    public static func ensure(spec: ExperimentSpec, resultsDir: String) throws(ProtocolError) {
        let frozen = resultsDir + "/" + fileName
        if FileManager.default.fileExists(atPath: frozen) {
            let old: String
            do { old = try SHA256.hex(fileAt: frozen) } catch { throw .io(path: frozen, reason: "cannot read the frozen spec: \(error)") }
            if old != spec.sha256 {
                throw .specChanged(specPath: spec.path, frozenPath: frozen, frozenSHA256: old, currentSHA256: spec.sha256)
            }
            return
        }
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: spec.path)) } catch {
            throw .io(path: spec.path, reason: "cannot read the spec to freeze it: \(error.localizedDescription)")
        }
        guard SHA256.hex(bytes) == spec.sha256 else {
            throw .specChanged(specPath: spec.path, frozenPath: frozen, frozenSHA256: spec.sha256, currentSHA256: SHA256.hex(bytes))
        }
        do { try AtomicFile.write(bytes, to: frozen, mode: 0o444) } catch { throw .io(path: frozen, reason: "\(error)") }
    }
}
