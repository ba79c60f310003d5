import RigorSupervisor

/// The production executor: every run goes through `Supervisor.run`.
public struct SupervisorExecutor: RunExecutor {
    public init() {}
    public func execute(_ request: RunRequest) async throws -> RunRecord {
        try await Supervisor.run(request)
    }
}
