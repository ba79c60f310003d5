import RigorBasics
import RigorSpec
import RigorSupervisor

/// How the engine runs a plan.
public struct ProtocolOptions: Sendable {
    /// Runs at once in the full protocol (and the gates).
    public var slots: Int
    /// When true, slot `i` gets `CUDA_VISIBLE_DEVICES=i`.
    public var gpuSlots: Bool
    /// Seconds between live progress ticks.
    public var tickSeconds: Double
    public var echoOutput: Bool
    public var wrapper: (any LaunchWrapper)?
    /// Starts the guard over the protected set once the engine holds the experiment lock and the
    /// spec is frozen; its wrapper then replaces `wrapper`, and its notes go into metrics.json.
    public var beginGuard: (@Sendable () throws -> any PhaseGuard)?
    /// Written into config.json's provenance.
    public var toolVersion: String
    /// Checks the written metrics.json; returns one line per problem (none: clean).
    public var validator: (@Sendable (_ metricsPath: String, _ spec: ExperimentSpec) -> [String])?

    public init(slots: Int, gpuSlots: Bool = false, tickSeconds: Double = 1, echoOutput: Bool = false,
                wrapper: (any LaunchWrapper)? = nil, toolVersion: String = "unknown",
                validator: (@Sendable (String, ExperimentSpec) -> [String])? = nil) {
        self.slots = max(1, slots); self.gpuSlots = gpuSlots; self.tickSeconds = tickSeconds; self.echoOutput = echoOutput
        self.wrapper = wrapper; self.toolVersion = toolVersion; self.validator = validator
    }
}

/// What a finished (or stopped) protocol left behind.
public struct ProtocolOutcome: Sendable {
    /// Where metrics.json is (not written when the session stopped on a launch failure).
    public var metricsPath: String
    public var configPath: String
    public var metrics: JSONValue
    public var aborted: Bool
    public var abortReason: String?
    /// Problems the validator found in metrics.json (empty: clean or no validator).
    public var validationProblems: [String]
    /// A run could not be launched: the session stopped before writing metrics.json and
    /// config.json; fixing the cause and running again runs the unit.
    public var launchFailure: String? = nil
    /// What the guard found when it verified the protected files at the end.
    public var guardNotes: [String] = []
}
