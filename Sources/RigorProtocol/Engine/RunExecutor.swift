import RigorSupervisor

/// Executes one supervised run; the production implementation is `SupervisorExecutor`.
public protocol RunExecutor: Sendable {
    /// Runs the request to its end and returns its record; throws when no run could be made.
    func execute(_ request: RunRequest) async throws -> RunRecord
}
