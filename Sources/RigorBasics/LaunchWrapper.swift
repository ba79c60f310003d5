/// Wraps a command line before launch (the Guard's sandbox implements this; the
/// Supervisor's `RunRequest` carries one). Lives here so both can use it without
/// depending on each other.
public protocol LaunchWrapper: Sendable {
    /// The argv to execute instead of `argv` (e.g. `bwrap … -- argv`).
    func wrap(_ argv: [String], workingDirectory: String) throws -> [String]
    /// One line describing the wrapping for records ("bubblewrap: 7 read-only paths").
    var summary: String { get }
}
