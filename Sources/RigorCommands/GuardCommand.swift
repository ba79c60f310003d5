import ArgumentParser
import Foundation
import RigorBasics
import RigorGuard
import RigorResults

/// `rigor guard …`: the protected set, the sandbox, tamper checks, the command policy.
struct GuardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract: "Protect the spec, earlier results and the READ step's files during the RUN phase.",
        subcommands: [GuardShowCommand.self, GuardExecCommand.self, GuardSnapshotCommand.self, GuardVerifyCommand.self,
                      GuardCheckCommandCommand.self, GuardClaudeSettingsCommand.self, GuardLintCommand.self, GuardProbeCommand.self])
}

/// Prints `rigor: <description>` and exits 1 (or the given code).
func fail(_ message: String, code: Int32 = 1) -> ExitCode {
    Console.error(message)
    return ExitCode(code)
}

func loadSet(_ spec: String) throws -> ProtectedSet {
    do { return try ProtectedSet.make(specPath: spec) } catch { throw fail("\(error)") }
}
