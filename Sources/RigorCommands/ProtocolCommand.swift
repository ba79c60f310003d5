import ArgumentParser

/// `rigor protocol …`: run an experiment's protocol plan.
struct ProtocolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol",
        abstract: "Execute a protocol plan: sanity checks, baseline reproduction, MVE, full protocol.",
        subcommands: [ProtocolRunCommand.self, ProtocolCheckCommand.self]
    )
}
