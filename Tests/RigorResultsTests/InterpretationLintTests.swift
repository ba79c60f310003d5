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

/// Precision and recall of the default lint on a labelled set written for Rigor
/// (Fixtures/lint/labelled-sentences.tsv: 55 interpretive, 55 factual sentences, the factual
/// ones with numbers and comparisons stated as numbers).
@Suite struct InterpretationLintAccuracyTests {
    static func labelled() -> [(interpretive: Bool, sentence: String)] {
        Fixtures.text("lint/labelled-sentences.tsv").split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, parts[0] == "I" || parts[0] == "F" else { return nil }
            return (parts[0] == "I", String(parts[1]))
        }
    }

    @Test func precisionAndRecallOnTheLabelledSet() {
        let set = Self.labelled()
        #expect(set.count >= 100)
        let lint = InterpretationLint()
        var tp = 0, fp = 0, fn = 0
        var missed: [String] = [], wrong: [String] = []
        for (interpretive, sentence) in set {
            let flagged = !lint.hits(in: sentence).isEmpty
            switch (interpretive, flagged) {
            case (true, true): tp += 1
            case (true, false): fn += 1; missed.append(sentence)
            case (false, true): fp += 1; wrong.append(sentence + " ← " + lint.hits(in: sentence).map(\.phrase).joined(separator: ", "))
            case (false, false): break
            }
        }
        let precision = Double(tp) / Double(max(1, tp + fp)), recall = Double(tp) / Double(max(1, tp + fn))
        print(String(format: "interpretation lint on %d labelled sentences: precision %.3f (%d/%d), recall %.3f (%d/%d)",
                     set.count, precision, tp, tp + fp, recall, tp, tp + fn))
        #expect(precision >= 0.95, "flagged factual sentences: \(wrong)")
        #expect(recall >= 0.95, "missed interpretive sentences: \(missed)")
    }

    @Test func significanceNeedsANamedTest() {
        let lint = InterpretationLint()
        #expect(lint.hits(in: "The gain is significant.").map(\.phrase) == ["significant (no statistical test named in the sentence)"])
        #expect(lint.hits(in: "The gain is significant (Welch t-test, p = 0.01).").isEmpty)
        // The test must be in the same sentence.
        #expect(lint.hits(in: "We ran a t-test. The gain is significant.").count == 1)
    }
}
