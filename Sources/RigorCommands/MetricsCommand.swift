import ArgumentParser

struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Check results files (metrics.json, config.json) against the results contract.",
        subcommands: [MetricsValidateCommand.self, MetricsTraceCommand.self])
}
