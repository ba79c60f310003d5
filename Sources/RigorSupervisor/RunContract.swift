import Foundation
import RigorBasics
import RigorSpec

// The contract between one supervised run and whoever asks for it (`rigor exec`,
// the protocol engine). Fields may be added; none removed or renamed.

/// The phase of the RUN protocol a run belongs to.
public enum RunPhase: String, Sendable, Codable, CaseIterable {
    case sanity, baseline, mve, full, adhoc
}

/// What a run is for, as the budget counts it (docs/budget.md): only `training` runs count
/// toward the spec's max training runs; every kind counts toward wall clock and GPU-hours.
public enum RunKind: String, Sendable, Codable, CaseIterable {
    case training, evaluation, analysis, export
}

/// What to run, and under which rules.
public struct RunRequest: Sendable {
    /// The experiment's results dir (`results/exp-NNN-x`); runs go to `runs/<run-id>/` under it.
    public var experimentDir: String
    public var command: [String]
    public var workingDirectory: String
    public var name: String?
    public var seed: Int?
    public var arm: String?
    public var phase: RunPhase
    /// GPUs allocated to this run (GPU-hours = gpus × wall hours).
    public var gpus: Int
    public var timeoutSeconds: Double?
    /// Abort rule sources (expression language, docs/abort-rules.md).
    public var abortRules: [String]
    /// Extra environment for the child (on top of the inherited one).
    public var environment: [String: String]
    /// Stream child output to this process's stdout/stderr as well as to the log files.
    public var echoOutput: Bool
    public var wrapper: (any LaunchWrapper)?
    /// A fixed run id (used by the protocol engine for resumable naming); generated when nil.
    public var runID: String?
    /// The spec's budget: max training runs refuses the run, wall/GPU-hour limits stop it.
    public var budget: ResourceBudget?
    /// Seconds between SIGTERM to the run's process group and SIGKILL when Rigor stops a run.
    public var killGraceSeconds: Double = 5
    /// Stops the run from outside (`rigor exec` forwards SIGINT/SIGTERM to it).
    public var control: RunControl? = nil
    /// Receives live progress and (with `echoOutput`) the child's output.
    public var observer: (any RunObserver)? = nil
    /// Recorded as the run's `sandbox` when there is no wrapper (why the run is unguarded).
    public var guardNote: String? = nil
    /// What the run is for; only training runs count toward max training runs.
    public var kind: RunKind = .training
    /// The unit of work this run is an attempt of (`full-hidden32-seed2`); attempts of one unit
    /// count once toward max training runs. Nil: derived from the command, seed and arm.
    public var unit: String? = nil
    /// Who asked for the run: `exec` (`rigor exec`) or `protocol` (the protocol engine).
    public var source: String = "exec"

    public init(experimentDir: String, command: [String], workingDirectory: String, name: String? = nil,
                seed: Int? = nil, arm: String? = nil, phase: RunPhase = .adhoc, gpus: Int = 0,
                timeoutSeconds: Double? = nil, abortRules: [String] = [], environment: [String: String] = [:],
                echoOutput: Bool = false, wrapper: (any LaunchWrapper)? = nil, runID: String? = nil, budget: ResourceBudget? = nil) {
        self.experimentDir = experimentDir; self.command = command; self.workingDirectory = workingDirectory
        self.name = name; self.seed = seed; self.arm = arm; self.phase = phase; self.gpus = gpus
        self.timeoutSeconds = timeoutSeconds; self.abortRules = abortRules; self.environment = environment
        self.echoOutput = echoOutput; self.wrapper = wrapper; self.runID = runID; self.budget = budget
    }
}

extension RunRequest {
    /// The unit of a run that names none: the same command with the same seed and arm is the
    /// same unit of work, so repeating it (after an interruption) is another attempt.
    public static func derivedUnit(command: [String], seed: Int?, arm: String?) -> String {
        var bytes: [UInt8] = []
        for word in command { bytes += Array(word.utf8); bytes.append(0) }
        bytes += Array("seed=\(seed.map(String.init) ?? "-")\u{0}arm=\(arm ?? "-")".utf8)
        return "exec-" + String(SHA256.hex(bytes).prefix(12))
    }
}

/// How a run ended.
public enum RunStatus: String, Sendable, Codable {
    /// Exit status 0.
    case succeeded
    /// Non-zero exit status.
    case failed
    /// Killed by a signal Rigor did not send.
    case signaled
    /// Stopped by an abort rule.
    case aborted
    /// Stopped by --timeout.
    case timedOut = "timed_out"
    /// Stopped because the experiment's budget was exhausted.
    case budgetExhausted = "budget_exhausted"
    /// Stopped by the user (SIGINT/SIGTERM to rigor).
    case interrupted
    /// Started but never finished (the supervisor itself died); found on resume.
    case incomplete
}

/// `runs/<run-id>/run.json`: the facts of one supervised run.
public struct RunRecord: Sendable, Codable, Equatable {
    public var runID: String
    public var name: String?
    public var command: [String]
    public var workingDirectory: String
    public var seed: Int?
    public var arm: String?
    public var phase: RunPhase
    public var gpus: Int
    public var startedAt: String
    public var endedAt: String?
    public var status: RunStatus
    public var exitCode: Int32?
    public var signal: Int32?
    public var wallSeconds: Double
    public var gpuHours: Double
    /// Highest `step` seen in metric events (0 when none).
    public var steps: Int
    /// Values from the last `final(...)` event(s), merged; falls back to nothing.
    public var finalMetrics: JSONObject
    /// Last value seen for every logged key (facts for progress and aggregation).
    public var lastValues: JSONObject
    public var abortReason: String?
    public var provenance: JSONObject
    public var sandbox: String?
    /// Metric events received (valid lines of events.jsonl).
    public var eventCount: Int? = nil
    /// Event-channel lines that were not events (kept in events.jsonl with the error).
    public var invalidEventLines: Int? = nil
    /// The tripping event of an abort: rule, step, event number, the rule's input values.
    public var abortEvent: JSONObject? = nil
    /// Where the record's run lives: `runs/<run-id>` relative to the experiment dir.
    public var runDirectory: String? = nil
    /// What the run was for (nil in records written before kinds existed: training).
    public var kind: RunKind? = nil
    /// The unit of work this run is an attempt of (see `RunRequest.unit`).
    public var unit: String? = nil
    /// The abort rules in force for this run, as written.
    public var abortRules: [String]? = nil
    /// The per-run time limit in force, in seconds (nil: none).
    public var timeoutSeconds: Double? = nil
    /// The files the run created or changed in the results folder (Rigor's records left out).
    public var outputFiles: [OutputFile]? = nil
}

// The entry point the Supervisor provides (implemented in this module):
//   public enum Supervisor {
//       public static func run(_ request: RunRequest) async throws(SupervisorError) -> RunRecord
//   }
