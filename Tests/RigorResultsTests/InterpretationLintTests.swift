import Foundation
import Testing
import RigorBasics
import RigorResults
import RigorTestSupport

@Suite struct InterpretationLintTests {
    let lint = InterpretationLint()

    @Test func findsPhrasesCaseInsensitivelyWithPositions() {
        let hits = lint.hits(in: "Loss fell to 0.2.\nThis Suggests a leak; Clearly.")
        #expect(hits.map(\.phrase) == ["this suggests", "clearly"])
        #expect(hits.map(\.position) == [TextPosition(line: 2, column: 1), TextPosition(line: 2, column: 23)])
        #expect(hits.first?.matchedText == "This Suggests")
    }

    @Test func wholeWordsOnly() {
        #expect(lint.hits(in: "improves approves disproves unclearly promisingly").isEmpty)
        #expect(lint.hits(in: "proves").count == 1)
        #expect(lint.hits(in: "it_clearly").isEmpty)
    }

    @Test func whitespaceRunsAndLineBreaksInsideAPhrase() {
        let hits = lint.hits(in: "and this\n   suggests that")
        // Overlapping phrases are both reported; one wholly inside a longer hit is not.
        #expect(hits.map(\.phrase) == ["this suggests", "suggests that"])
        #expect(hits.last?.position == TextPosition(line: 2, column: 4))
        #expect(lint.hits(in: "The results show x").map(\.phrase) == ["the results show"])
    }

    @Test func columnsCountUTF8Bytes() {
        let hits = lint.hits(in: "ȳ=0.3 — promising")
        #expect(hits.first?.position.column == 12)
    }

    @Test func phraseFiles() throws {
        let dir = TempDirectory()
        let path = dir.write("phrases.txt", "# house list\nbreakthrough\n\n  Game   Changer  # trailing comment\n")
        let custom = try InterpretationLint.load(phraseFile: path)
        #expect(custom.phrases == ["breakthrough", "game changer"])
        #expect(custom.hits(in: "A GAME changer, a breakthrough; this suggests nothing").count == 2)
        let empty = dir.write("empty.txt", "# nothing\n")
        #expect(throws: ResultsError.self) { try InterpretationLint.load(phraseFile: empty) }
        #expect(throws: ResultsError.self) { try InterpretationLint.load(phraseFile: dir.path + "/missing.txt") }
    }
}
