import RigorBasics
import RigorSupervisor

/// A run in progress, for live progress.
public struct LiveRun: Sendable, Equatable {
    public var runID: String
    public var unit: RunUnit
    public var elapsedSeconds: Double
    /// Latest values the run logged (may be empty).
    public var latest: JSONObject
}

/// What the engine reports as it goes.
public enum ProtocolEvent: Sendable {
    /// The engine took the lock; `planned` counts units per phase and arm.
    case started(experiment: String, slots: Int, unitsTotal: Int, alreadyFinished: Int, resumed: Bool)
    case phaseStarted(RunPhase, units: Int)
    case runStarted(runID: String, unit: RunUnit, command: [String])
    case runFinished(runID: String, unit: RunUnit, status: String, wallSeconds: Double, values: JSONObject)
    /// A finished run from an earlier session, not repeated.
    case runReused(runID: String, unit: RunUnit, status: String)
    /// A run left unfinished by an earlier session; it will be re-run under a new attempt.
    case runSuperseded(runID: String, unit: RunUnit, reason: String)
    case gate(RunPhase, passed: Bool, detail: String)
    /// Periodic: the runs in progress and the resources used so far.
    case tick(running: [LiveRun], usage: UsageSnapshot)
    case finished(aborted: Bool, reason: String?, metricsPath: String?)
}

/// Resources used so far against the spec's limits.
public struct UsageSnapshot: Sendable, Equatable {
    public var runsDone: [String: Int]            // "phase/arm" → finished units
    public var runsTotal: [String: Int]           // "phase/arm" → units
    public var gpuHours: Double
    public var wallSeconds: Double
    public var runsRecorded: Int
    public var maxGPUHours: Double?
    public var maxWallSeconds: Double?
    public var maxRuns: Double?
    /// Seconds left, from the mean duration of finished runs, the units left and the slots.
    public var estimatedSecondsLeft: Double?
}

/// Receives engine events (terminal renderer, JSON lines, tests).
public protocol ProtocolEventSink: Sendable {
    func handle(_ event: ProtocolEvent)
}

/// Drops every event.
public struct SilentSink: ProtocolEventSink {
    public init() {}
    public func handle(_ event: ProtocolEvent) {}
}
