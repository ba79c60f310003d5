import Foundation
import RigorBasics
import RigorSpec

/// The files next to metrics.json: config.json present and a JSON object; a frozen spec.md,
/// when present, byte-identical (SHA-256) to the spec.
enum ResultsDirectoryCheck {
    static func check(_ location: MetricsLocation, spec: ExperimentSpec?) -> [MetricsViolation] {
        var out: [MetricsViolation] = []
        let config = location.configPath
        if !FileManager.default.fileExists(atPath: config) {
            out.append(MetricsViolation(code: .configMissing,
                                        message: "config.json is missing next to \(URL(fileURLWithPath: location.metricsPath).lastPathComponent); the RUN phase must write the config it used",
                                        file: config))
        } else {
            do {
                let text = try TextFile.read(config, limit: ResultsLimits.maxFileBytes)
                let document = try JSONReader.parse(text)
                if document.value.objectValue == nil {
                    out.append(MetricsViolation(code: .configInvalid, message: "config.json must hold a JSON object, found \(document.value.typeName)",
                                                file: config, pointer: "", position: TextPosition(line: 1, column: 1)))
                }
            } catch let error as RigorFileError {
                out.append(MetricsViolation(code: .configInvalid, message: "config.json cannot be used: \(error.description)", file: config))
            } catch let error as JSONReadError {
                out.append(MetricsViolation(code: .configInvalid, message: "config.json is not valid JSON: \(error.message)",
                                            file: config, position: error.position))
            } catch {
                out.append(MetricsViolation(code: .configInvalid, message: "config.json cannot be used: \(error)", file: config))
            }
        }
        if let spec, let frozen = location.frozenSpecPath, FileManager.default.fileExists(atPath: frozen) {
            do {
                let bytes = try TextFile.readBytes(frozen, limit: ResultsLimits.maxFileBytes)
                let hash = SHA256.hex(bytes)
                if !spec.sha256.isEmpty, hash.lowercased() != spec.sha256.lowercased() {
                    out.append(MetricsViolation(code: .frozenSpecDiffers,
                                                message: "the frozen spec differs from \(spec.path) (SHA-256 \(hash.prefix(12))… vs \(spec.sha256.prefix(12))…): one of them changed after the run started",
                                                file: frozen, position: TextPosition(line: 1, column: 1)))
                }
            } catch {
                out.append(MetricsViolation(code: .frozenSpecDiffers, message: "the frozen spec cannot be read: \(error.description)", file: frozen))
            }
        }
        return out
    }
}
