import Foundation
import RigorBasics

/// What a live observer sees of a run (progress lines, status displays).
public struct RunProgress: Sendable {
    public var runID: String
    public var elapsedSeconds: Double
    public var gpuHours: Double
    public var events: Int
    public var step: Double?
    /// The event just received (nil on a timer tick): kind, step and its numeric values.
    public var eventKind: String?
    public var eventValues: [(name: String, value: Double)]
}

/// Receives a run's progress on the supervisor's monitor thread: keep the calls fast.
public protocol RunObserver: Sendable {
    /// The run is about to start; its folder exists.
    func started(runID: String, runDirectory: String)
    /// One metric event arrived.
    func event(_ progress: RunProgress)
    /// About once a second while the run is live.
    func tick(_ progress: RunProgress)
    /// Child output (only when the request's `echoOutput` is true; the observer prints it).
    func output(_ bytes: UnsafeRawBufferPointer, isStderr: Bool)
    /// The run ended (record written).
    func finished(_ record: RunRecord)
}
