import ArgumentParser
import Foundation
import RigorBasics
import RigorGuard
import RigorResults

/// `rigor guard lint FILE…`: interpretive language in text the RUN phase wrote.
struct GuardLintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint", abstract: "Flag interpretive language in files the RUN phase wrote (exit 1 when any is found).")
    @Argument(help: "Files to check.") var files: [String]
    @Option(help: "A phrase list file (one phrase a line) instead of the built-in list.") var phrases: String?
    func run() async throws {
        let lint: InterpretationLint
        if let phrases { do { lint = try InterpretationLint.load(phraseFile: phrases) } catch { throw fail("\(error)", code: 2) } } else { lint = InterpretationLint() }
        var found = 0
        for f in files {
            let text: String
            do { text = try TextFile.read(f, limit: 64 << 20) } catch { throw fail("\(error)", code: 2) }
            for h in lint.hits(in: text) {
                found += 1
                print("\(f):\(h.position.line):\(h.position.column): interpretive phrase '\(h.phrase)': \"\(h.matchedText)\"")
            }
        }
        if found > 0 { throw ExitCode(1) }
    }
}
