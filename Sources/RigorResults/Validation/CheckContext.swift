import Foundation
import RigorBasics
import RigorSpec

/// What every check sees: the parsed metrics file, where its values sit, and the spec if any.
struct CheckContext {
    /// The metrics file path as reported in violations.
    let path: String
    let document: JSONDocument
    /// The top-level object (nil when the file is not an object).
    let root: JSONObject?
    let positions: JSONPositionIndex
    let bytes: [UInt8]
    let spec: ExperimentSpec?
    let lint: InterpretationLint

    /// A violation located at the key of `pointer` (or at its value when `atValue`).
    func violation(_ code: ViolationCode, _ message: String, pointer: String, atValue: Bool = false,
                   specLine: Int? = nil) -> MetricsViolation {
        let position = atValue ? positions.valuePosition(pointer) : positions.keyPosition(pointer)
        return MetricsViolation(code: code, message: message, file: path, pointer: pointer,
                                position: position, specLine: specLine)
    }

    /// A violation about a key missing from the object at `parent`: located at the parent.
    func missing(_ code: ViolationCode, _ message: String, parent: String) -> MetricsViolation {
        MetricsViolation(code: code, message: message, file: path, pointer: parent,
                         position: positions.valuePosition(parent))
    }

    /// A violation located in the spec file.
    func inSpec(_ code: ViolationCode, _ message: String, line: Int?) -> MetricsViolation {
        MetricsViolation(code: code, message: message, file: spec?.path ?? "spec",
                         position: line.map { TextPosition(line: $0, column: 1) }, specLine: line)
    }

    /// Position of a character inside the string value at `pointer` (scalar offset into the decoded string).
    func positionInString(pointer: String, scalarOffset: Int) -> TextPosition? {
        guard let entry = positions.entries[pointer],
              let (token, _) = JSONStringToken.decode(bytes, at: entry.offset),
              scalarOffset < token.scalarOffsets.count else { return positions.valuePosition(pointer) }
        let lineStartOffset = entry.offset - (entry.value.column - 1)
        return TextPosition(line: entry.value.line, column: token.scalarOffsets[scalarOffset] - lineStartOffset + 1)
    }
}

/// Quotes a key for a message.
func quoted(_ s: String) -> String { "\"\(s)\"" }
