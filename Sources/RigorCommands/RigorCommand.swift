// RigorCommands — the `rigor` command line: argument parsing and printing only.
//
// Owns: one file per command, turning arguments into calls on the library modules and
// their results into terminal output and exit codes. Must never hold protocol logic:
// anything a test or another command could need lives in a library module.
import ArgumentParser

public struct RigorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rigor",
        abstract: "Runs the RUN phase of a research program under machine-enforced protocol.",
        version: RigorVersion.string,
        subcommands: RigorCommand.all
    )

    public init() {}
}

public enum RigorVersion {
    public static let string = "0.1.0"
}
