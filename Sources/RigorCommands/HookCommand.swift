import ArgumentParser
import Foundation
import RigorGuard

/// `rigor hook …`: hook commands called by agent runtimes.
struct HookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Hooks called by agent runtimes (Claude Code).",
        subcommands: [HookPreToolUseCommand.self])
}

/// `rigor hook pre-tool-use [--spec SPEC]`: Claude Code PreToolUse hook (JSON on stdin).
struct HookPreToolUseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pre-tool-use",
        abstract: "Claude Code PreToolUse hook: reads the tool call on stdin; exit 2 + reason on stderr blocks it.")

    @Option(help: "The experiment spec (default: $\(PreToolUseHook.specVariable)).") var spec: String?

    func run() async throws {
        let input = FileHandle.standardInput.readDataToEndOfFile()
        let specPath = spec ?? ProcessInfo.processInfo.environment[PreToolUseHook.specVariable]
        let outcome: PreToolUseHook.Outcome
        do {
            let set = try specPath.map { p throws(GuardError) in try ProtectedSet.make(specPath: p) }
            let oracle: any ProtectionOracle = set.map { $0 as any ProtectionOracle } ?? PatternOracle()
            let policy = try CommandPolicy.load(oracle: oracle, workspaceRoot: set?.workspace.root)
            outcome = PreToolUseHook.evaluate(input: input, set: set, policy: policy)
        } catch {
            outcome = .deny(reason: "rigor hook: cannot load the guard (\(error.description)); denied until it is fixed")
        }
        if case .deny(let reason) = outcome {
            if let json = outcome.json { print(json) }
            FileHandle.standardError.write(Data((reason + "\n").utf8))
            throw ExitCode(2)
        }
    }
}
