import ArgumentParser
import Foundation
import RigorBasics
import RigorGuard

/// `rigor guard claude-settings SPEC [--out PATH]`.
struct GuardClaudeSettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claude-settings", abstract: "Write Claude Code settings that register the PreToolUse hook for a spec.")
    @Argument(help: "The experiment spec.") var spec: String
    @Option(help: "Write here (atomically) instead of stdout.") var out: String?
    func run() async throws {
        let set = try loadSet(spec)
        let (rigorPath, note) = ClaudeSettings.hookExecutable()
        if let note { Console.error("note: " + note) }
        let text = ClaudeSettings.json(specPath: set.specPath, rigorPath: rigorPath)
        if let out {
            do { try AtomicFile.write(text, to: out) } catch { throw fail("\(error)") }
        } else { print(text, terminator: "") }
    }
}
