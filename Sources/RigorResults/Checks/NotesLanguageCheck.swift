import Foundation
import RigorBasics

/// No interpretive language in `notes`, nor in any string under a notes-like key
/// (a key with the word note, notes, comment, comments, remark, remarks or observations).
enum NotesLanguageCheck {
    static let notesWords: Set<String> = ["note", "notes", "comment", "comments", "remark", "remarks", "observation", "observations"]

    static func isNotesLike(_ key: String) -> Bool {
        !Set(key.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)).isDisjoint(with: notesWords)
    }

    static func check(_ ctx: CheckContext) -> [MetricsViolation] {
        guard let root = ctx.root else { return [] }
        var out: [MetricsViolation] = []
        visit(.object(root), pointer: "", underNotes: false, ctx: ctx, into: &out)
        return out
    }

    private static func visit(_ value: JSONValue, pointer: String, underNotes: Bool, ctx: CheckContext,
                              into out: inout [MetricsViolation]) {
        switch value {
        case .string(let text) where underNotes:
            for hit in ctx.lint.hits(in: text) {
                let position = ctx.positionInString(pointer: pointer, scalarOffset: hit.scalarOffset)
                out.append(MetricsViolation(code: .interpretiveLanguage,
                                            message: "interpretive phrase \(quoted(hit.matchedText)) (matches \(quoted(hit.phrase))); write facts and numbers only",
                                            file: ctx.path, pointer: pointer, position: position))
            }
        case .object(let o):
            for entry in o {
                visit(entry.value, pointer: pointer + "/" + JSONReader.escapePointer(entry.key),
                      underNotes: underNotes || isNotesLike(entry.key), ctx: ctx, into: &out)
            }
        case .array(let items):
            for (i, item) in items.enumerated() {
                visit(item, pointer: pointer + "/\(i)", underNotes: underNotes, ctx: ctx, into: &out)
            }
        default: break
        }
    }
}
