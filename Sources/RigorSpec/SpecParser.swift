import Foundation
import RigorBasics

/// Why a spec file could not be read at all (as opposed to diagnostics inside it).
public struct SpecLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: RigorFileError
    public var description: String { file.description }
}

/// Turns a research-kit experiment spec (markdown) into an `ExperimentSpec`.
///
/// Parsing never fails on content: every problem becomes a `SpecDiagnostic` with a line.
public enum SpecParser {
    /// Specs larger than this are refused as unusable input.
    public static let maxSpecBytes = 4 << 20

    public static func parse(path: String) throws(SpecLoadError) -> ExperimentSpec {
        let data: Data
        let text: String
        do {
            data = try TextFile.readBytes(path, limit: maxSpecBytes)
            text = try TextFile.read(path, limit: maxSpecBytes)
        } catch { throw SpecLoadError(file: error) }
        return parse(text: text, path: path, bytes: data)
    }

    public static func parse(text: String, path: String) -> ExperimentSpec {
        parse(text: text, path: path, bytes: Data(text.utf8))
    }

    static func parse(text: String, path: String, bytes: Data) -> ExperimentSpec {
        var reader = SpecReader(outline: MarkdownOutline(text: text), path: path)
        var spec = reader.read()
        spec.sha256 = SHA256.hex(bytes)
        spec.experimentID = experimentID(path: path, title: spec.title)
        return spec
    }

    /// `exp-NNN-slug` from the file name (also inside prefixed names like `lob-rl--exp-005-x.md`),
    /// else from a title like `exp-007: …`, else the file name.
    static func experimentID(path: String, title: String?) -> String {
        let name = Workspace.experimentID(specPath: path)
        if let r = name.range(of: #"exp-[0-9]+[A-Za-z0-9_.-]*"#, options: .regularExpression) { return String(name[r]) }
        if let title, let r = title.range(of: #"exp-[0-9]+"#, options: .regularExpression) { return String(title[r]) }
        return name
    }
}
