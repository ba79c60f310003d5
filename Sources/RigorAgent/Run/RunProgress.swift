import Foundation
import RigorBasics
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rigor run`'s live progress: one status line on a terminal (agent turns, tool calls,
/// blocked calls, runs started/finished, tokens, time used), one JSON object per event on
/// stdout with `--json`, and one plain line per run otherwise.
public final class RunProgress: Sendable {
    public enum Mode: Sendable { case statusLine, json, lines }
    struct Counts {
        var turns = 0, toolCalls = 0, blocked = 0, runsStarted = 0, runsFinished = 0
        var tokens = TokenUsage()
        /// The budget used, as the ledger states it (read again when a run ends).
        var budget = ""
    }
    /// Reads the ledger's standing (`9 of 12 training runs, 4.1s`); set by `rigor run`.
    private let budgetReader = Mutex<(@Sendable () -> String)?>(nil)

    public func readBudget(with reader: @escaping @Sendable () -> String) {
        budgetReader.withLock { $0 = reader }
        let text = reader()
        counts.withLock { $0.budget = text }
    }
    let mode: Mode
    /// Secret values are redacted from everything printed, as from the records.
    let redactor = Redactor.current()
    let started = Monotonic.seconds()
    private let counts = Mutex(Counts())

    public init(mode: Mode) { self.mode = mode }

    public static func mode(json: Bool) -> Mode { json ? .json : (isatty(2) == 1 ? .statusLine : .lines) }

    var elapsed: String { DurationText.format(seconds: Monotonic.seconds() - started) }

    /// A transcript entry as it happens.
    public func record(_ entry: TranscriptEntry) {
        if case .brokeredRun(_, _, let status) = entry, status != nil, let reader = budgetReader.withLock({ $0 }) {
            let text = reader()
            counts.withLock { $0.budget = text }
        }
        counts.withLock { c in
            switch entry {
            case .usage(let u): c.turns += 1; c.tokens = c.tokens + u
            case .toolCall: c.toolCalls += 1
            case .blocked: c.blocked += 1
            case .brokeredRun(_, _, let status): if status == nil { c.runsStarted += 1 } else { c.runsFinished += 1 }
            default: break
            }
        }
        switch mode {
        case .json:
            emit(entry.json(sequence: 0, time: ISOTimestamp.now()))
        case .statusLine:
            let c = counts.withLock { $0 }
            let line = "rigor run: \(elapsed) · \(c.turns) turns · \(c.toolCalls) tool calls (\(c.blocked) blocked) · runs \(c.runsFinished)/\(c.runsStarted) · budget \(c.budget) · tokens \(c.tokens.input) in / \(c.tokens.output) out"
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        case .lines:
            switch entry {
            case .brokeredRun(let id, let command, let status):
                let budget = counts.withLock { $0.budget }
                let what = status.map { "finished (exit \($0); budget used: \(budget))" } ?? "started"
                FileHandle.standardError.write(Data(redactor.redact("rigor run: [\(elapsed)] run request \(id) \(what)\(command.isEmpty ? "" : ": " + command)\n").utf8))
            case .blocked(_, let name, let by, let reason):
                FileHandle.standardError.write(Data(redactor.redact("rigor run: [\(elapsed)] blocked (\(by)) \(name): \(reason)\n").utf8))
            case .note(let text):
                FileHandle.standardError.write(Data(redactor.redact("rigor run: [\(elapsed)] \(text)\n").utf8))
            default: break
            }
        }
    }

    /// A fact about the session's phases (`mode` json: an object with `type`).
    public func say(_ text: String) {
        switch mode {
        case .json: emit(.object(JSONObject([("type", .string("rigor")), ("time", .string(ISOTimestamp.now())), ("text", .string(text))])))
        case .statusLine: FileHandle.standardError.write(Data(("\r\u{1B}[K" + "rigor run: " + text + "\n").utf8))
        case .lines: FileHandle.standardError.write(Data(("rigor run: " + text + "\n").utf8))
        }
    }

    public func finishLine() { if mode == .statusLine { FileHandle.standardError.write(Data("\n".utf8)) } }

    public func emit(_ value: JSONValue) {
        FileHandle.standardOutput.write(Data((redactor.redact(value.serialized(pretty: false)) + "\n").utf8))
    }
}
