/// Wraps a command line before launch (the Guard's sandbox implements this; the
/// Supervisor's `RunRequest` carries one). Lives here so both can use it without
/// depending on each other.
public protocol LaunchWrapper: Sendable {
    /// The argv to execute instead of `argv` (e.g. `bwrap … -- argv`).
    func wrap(_ argv: [String], workingDirectory: String) throws -> [String]
    /// One line describing the wrapping for records ("bubblewrap: 7 read-only paths").
    var summary: String { get }
    /// The argv that runs a probe (git, Python) Rigor needs facts from, in a sandbox of its
    /// own where everything is read-only, the network is gone and Rigor's state is hidden;
    /// nil when this wrapper cannot give one.
    func wrapProbe(_ argv: [String]) -> [String]?
}

/// Guards the protected set for the length of a phase (the Guard's session implements it):
/// launches go through `wrapper`, and `finish` verifies, restores and reports.
public protocol PhaseGuard: Sendable {
    /// The wrapper every launch of the phase goes through (nil: no kernel sandbox, fallback mode).
    var wrapper: (any LaunchWrapper)? { get }
    /// One line for records (config.json `sandbox`): how the protected paths were guarded.
    var summary: String { get }
    /// Verifies the protected set against the manifest taken at the start, restores what changed,
    /// records it, and returns factual sentences for metrics.json notes (empty: nothing changed).
    func finish() throws -> [String]
}

extension LaunchWrapper {
    /// By default a wrapper gives no probe sandbox.
    public func wrapProbe(_ argv: [String]) -> [String]? { nil }
}
