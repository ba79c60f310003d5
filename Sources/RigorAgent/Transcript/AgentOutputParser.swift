import Foundation

/// Reads a CLI agent's stdout, one line at a time, into transcript entries, counting the
/// session as it goes (Claude Code's stream-json, Codex's `exec --json` events).
public protocol AgentOutputParser: Sendable {
    mutating func entries(forLine line: [UInt8]) -> [TranscriptEntry]
    var counts: SessionCounts { get }
    /// The model API's failure that ended the session, as the runtime reported it.
    var modelFailure: String? { get }
}

extension AgentOutputParser {
    public var modelFailure: String? { nil }
}
