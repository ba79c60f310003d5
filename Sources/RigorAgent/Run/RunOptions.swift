import Foundation

/// What `rigor run` was asked to do (flags; rigor.yaml fills what they leave out).
public struct RunOptions: Sendable {
    public var specPath: String
    /// `claude`, `codex`, `builtin` or `none`; nil: rigor.yaml, else `claude` when it is on PATH.
    public var agent: String?
    public var planPath: String?
    public var model: String?
    /// The builtin agent's API: `openai` or `anthropic`.
    public var provider: String?
    /// The model API's base URL (builtin, codex).
    public var baseURL: String?
    /// The environment variable holding the API key.
    public var apiKeyEnv: String?
    public var contextWindow: Int?
    public var maxTurns: Int?
    /// Print the resolved configuration (the key masked) and stop.
    public var dryRun = false
    public var timeBudgetSeconds: Double?
    public var cloudPreference: String?
    public var resume = false
    public var json = false
    public var requireTrace = false
    /// Seconds between TERM and KILL when the agent or its runs are stopped.
    public var killGraceSeconds: Double = 10
    /// Rigor's version (config.json provenance).
    public var rigorVersion = "unknown"
    /// Rigor's own executable (run inside the sandbox by the agent, and by the broker).
    public var rigorExecutable: String

    public init(specPath: String, rigorExecutable: String) {
        self.specPath = specPath
        self.rigorExecutable = rigorExecutable
    }
}

/// `rigor run`'s exit statuses (docs/run.md).
public enum RunExitStatus {
    /// metrics.json valid and complete (and every number traced with --require-trace).
    public static let valid: Int32 = 0
    /// metrics.json violates the contract, was not written by the agent, or a number is untraced with --require-trace.
    public static let violation: Int32 = 1
    /// The spec, the flags, the configuration or the plan cannot be used; the model API refused
    /// or failed (builtin, codex); or the experiment already ran.
    public static let badInput: Int32 = 2
    /// Aborted: by a gate, an abort criterion or the time budget.
    public static let aborted: Int32 = 3
    /// Another `rigor run` holds the experiment.
    public static let locked: Int32 = 4
    /// Protected files were changed (and restored).
    public static let tampered: Int32 = 5
    /// Interrupted (Ctrl-C).
    public static let interrupted: Int32 = 130
}
