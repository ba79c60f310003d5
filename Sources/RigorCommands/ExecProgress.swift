import Foundation
import Synchronization
import RigorBasics
import RigorSpec
import RigorSupervisor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rigor exec`'s live output: a redrawn status line on a terminal (cleared before child
/// output is echoed, so the child's text is never corrupted), one plain line per event
/// otherwise, or one JSON object per event with `--json`.
final class ExecProgress: RunObserver {
    enum Mode: Sendable { case statusLine, lines, json }
    private struct State { var pending: [UInt8] = []; var lastFlush = 0.0; var lineShown = false; var lastDraw = 0.0; var latest: [String: Double] = [:]; var order: [String] = []; var last: RunProgress? }
    let mode: Mode
    let budget: ResourceBudget?
    private let state = Mutex(State())

    init(mode: Mode, budget: ResourceBudget?) { self.mode = mode; self.budget = budget }

    private func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    func started(runID: String, runDirectory: String) {
        if mode != .json { write(2, "rigor: run \(runID) started (\(runDirectory))\n") }
    }

    func event(_ p: RunProgress) {
        switch mode {
        case .json:
            var o = JSONObject([("run_id", .string(p.runID)), ("elapsed", .number(p.elapsedSeconds)), ("kind", .string(p.eventKind ?? "log"))])
            o["step"] = p.step.map { .number($0) } ?? .null
            o["values"] = .object(JSONObject(p.eventValues.map { ($0.name, JSONValue.number($0.value)) }))
            buffered(1, JSONValue.object(o).serialized(pretty: false) + "\n", now: p.elapsedSeconds)
        case .lines:
            let values = p.eventValues.map { "\($0.name)=\(ExecProgress.format($0.value))" }.joined(separator: " ")
            buffered(2, "[rigor] \(DurationText.format(seconds: p.elapsedSeconds)) \(p.eventKind ?? "log") step=\(p.step.map(ExecProgress.format) ?? "-") \(values)\n", now: p.elapsedSeconds)
        case .statusLine:
            let now = p.elapsedSeconds
            let draw = state.withLock { s -> Bool in
                for v in p.eventValues { if s.latest.updateValue(v.value, forKey: v.name) == nil { s.order.append(v.name) } }
                s.last = p
                if now - s.lastDraw < 0.1 { return false }
                s.lastDraw = now
                return true
            }
            if draw { redraw() }
        }
    }

    /// Event lines are batched (flushed at 32 KiB, every 0.1 s, on ticks and at the end)
    /// so that printing them never slows the run down.
    private func buffered(_ fd: Int32, _ text: String, now: Double) {
        let out = state.withLock { s -> [UInt8]? in
            s.pending.append(contentsOf: text.utf8)
            guard s.pending.count >= 32768 || now - s.lastFlush >= 0.1 else { return nil }
            s.lastFlush = now
            defer { s.pending.removeAll(keepingCapacity: true) }
            return s.pending
        }
        if let out { writeBytes(fd, out) }
    }

    private func flushPending() {
        let out = state.withLock { s -> [UInt8] in defer { s.pending.removeAll() }; return s.pending }
        if !out.isEmpty { writeBytes(mode == .json ? 1 : 2, out) }
    }

    private func writeBytes(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    func tick(_ p: RunProgress) {
        flushPending()
        guard mode == .statusLine else { return }
        state.withLock { $0.last = p }
        redraw()
    }

    func output(_ bytes: UnsafeRawBufferPointer, isStderr: Bool) {
        if mode == .statusLine { clearLine() } else { flushPending() }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(isStderr ? 2 : 1, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 { break }
            offset += n
        }
        if mode == .statusLine, bytes.last == 0x0A { redraw() }
    }

    func finished(_ record: RunRecord) {
        flushPending()
        if mode == .statusLine { clearLine() }
    }

    private func clearLine() {
        let shown = state.withLock { s -> Bool in let was = s.lineShown; s.lineShown = false; return was }
        if shown { write(2, "\r\u{1B}[K") }
    }

    private func redraw() {
        let text = state.withLock { s -> String? in
            guard let p = s.last else { return nil }
            s.lineShown = true
            var parts = ["[rigor] \(DurationText.format(seconds: p.elapsedSeconds))", "step \(p.step.map(ExecProgress.format) ?? "-")", "\(p.events) events"]
            parts += s.order.suffix(4).map { "\($0)=\(ExecProgress.format(s.latest[$0] ?? .nan))" }
            if let max = budget?.maxWallClockSeconds?.value { parts.append("wall budget \(DurationText.format(seconds: max))") }
            if p.gpuHours > 0 { parts.append(String(format: "%.3f GPU-h", p.gpuHours)) }
            return parts.joined(separator: "  ")
        }
        guard let text else { return }
        write(2, "\r\u{1B}[K" + String(text.prefix(200)))
    }

    static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(format: "%.5g", d)
    }
}
