import ArgumentParser

extension RigorCommand {
    /// Every top-level subcommand, one line each.
    static let all: [any ParsableCommand.Type] = [
        SpecCommand.self,
        MetricsCommand.self,
        GuardCommand.self,
        HookCommand.self,
        ProtocolCommand.self,
        ExecCommand.self,
        BudgetCommand.self,
        StatusCommand.self,
        PreflightCommand.self,
        InitCommand.self,
        RunCommand.self,
        ExecIngestBenchCommand.self,
        AgentBenchCommand.self,
    ]
}
