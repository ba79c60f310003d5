import Foundation
import RigorBasics
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes text to standard output in one write per call.
func writeStdout(_ text: String) {
    let bytes = Array(text.utf8)
    let count = bytes.count
    var offset = 0
    while offset < count {
        let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + offset, count - offset) }
        if n < 0 { if errno == EINTR { continue }; return }
        offset += n
    }
}

/// One plain line per event (not a terminal).
public struct PlainProgress: ProtocolEventSink {
    public init() {}
    public func handle(_ event: ProtocolEvent) {
        if let line = EventText.line(event) { writeStdout(line + "\n") }
    }
}

/// One JSON object per event (`--json`); ticks included.
public struct JSONLinesProgress: ProtocolEventSink {
    public init() {}
    public func handle(_ event: ProtocolEvent) { writeStdout(EventText.json(event).serialized(pretty: false) + "\n") }
}

/// A live display redrawn in place with ANSI escapes: event lines scroll above a status block.
public final class TerminalProgress: ProtocolEventSink {
    struct Display { var phase = "starting"; var usage: UsageSnapshot?; var running: [LiveRun] = []; var blockLines = 0 }
    private let display = Mutex(Display())

    public init() {}

    public func handle(_ event: ProtocolEvent) {
        display.withLock { d in
            var scroll: String?
            switch event {
            case .tick(let running, let usage): d.running = running; d.usage = usage
            case .phaseStarted(let phase, _): d.phase = phase.rawValue; scroll = EventText.line(event)
            case .runStarted(let id, let unit, _):
                d.running.append(LiveRun(runID: id, unit: unit, elapsedSeconds: 0, latest: JSONObject()))
                scroll = EventText.line(event)
            case .runFinished(let id, _, _, _, _):
                d.running.removeAll { $0.runID == id }
                scroll = EventText.line(event)
            default: scroll = EventText.line(event)
            }
            var out = d.blockLines > 0 ? "\u{1B}[\(d.blockLines)A\r\u{1B}[J" : ""
            if let scroll { out += scroll + "\n" }
            if case .finished = event { d.blockLines = 0; writeStdout(out); return }
            let block = TerminalProgress.block(d)
            d.blockLines = block.count
            out += block.map { $0 + "\n" }.joined()
            writeStdout(out)
        }
    }

    static func block(_ d: Display) -> [String] {
        var lines = ["\u{1B}[1mphase: \(d.phase)\u{1B}[0m"]
        if let u = d.usage {
            let keys = u.runsTotal.keys.sorted()
            lines.append("runs: " + keys.map { "\($0) \(u.runsDone[$0] ?? 0)/\(u.runsTotal[$0] ?? 0)" }.joined(separator: "  "))
            var budget = "budget: runs \(u.runsRecorded)" + (u.maxRuns.map { "/\(JSONValue.format(number: $0))" } ?? "")
            budget += "  wall \(EventText.duration(u.wallSeconds))" + (u.maxWallSeconds.map { "/\(EventText.duration($0))" } ?? "")
            budget += "  GPU-h " + String(format: "%.3f", u.gpuHours) + (u.maxGPUHours.map { "/\(JSONValue.format(number: $0))" } ?? "")
            if let left = u.estimatedSecondsLeft { budget += "  est. left \(EventText.duration(left))" }
            lines.append(budget)
        }
        for r in d.running {
            lines.append("  \(r.runID)  \(EventText.duration(r.elapsedSeconds))  \(EventText.values(r.latest))")
        }
        return lines
    }
}
