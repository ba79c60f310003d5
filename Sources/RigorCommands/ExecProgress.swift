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

/// `rigor exec`'s live output: a redrawn status line on a terminal; otherwise nothing per event
/// (the start and end lines only), one plain line per event with `--events`, or one JSON object
/// per event with `--json`.
///
/// The status line lives on the terminal's last line and never corrupts the child's text:
/// it is erased (`\r ESC[K`) before child output is echoed, redrawn only when the child's
/// output ends at a line boundary (never over a partial line), cut to the terminal width
/// so it never wraps, and erased when the run ends.
final class ExecProgress: RunObserver {
    enum Mode: Sendable { case statusLine, lines, quiet, json }
    private struct State {
        var pending: [UInt8] = []
        var lastFlush = 0.0
        /// The status line is on screen (and the cursor is at its end).
        var lineShown = false
        /// The child's echoed output ended mid-line: no status line until it ends the line.
        var childMidLine = false
        var lastDraw = -1.0
        var latest: [String: Double] = [:]
        var order: [String] = []
        var last: RunProgress?
    }
    let mode: Mode
    let budget: ResourceBudget?
    private let state = Mutex(State())
    private static let drawInterval = 0.1

    init(mode: Mode, budget: ResourceBudget?) { self.mode = mode; self.budget = budget }

    func started(runID: String, runDirectory: String) {
        if mode != .json { ExecProgress.writeAll(2, Array("rigor: run \(runID) started (\(runDirectory))\n".utf8)) }
    }

    func event(_ p: RunProgress) {
        switch mode {
        case .json:
            buffered(1, ExecProgress.jsonLine(p), now: p.elapsedSeconds)
        case .lines:
            buffered(2, ExecProgress.plainLine(p), now: p.elapsedSeconds)
        case .quiet:
            return
        case .statusLine:
            let now = p.elapsedSeconds
            let draw = state.withLock { s -> Bool in
                for v in p.eventValues { if s.latest.updateValue(v.value, forKey: v.name) == nil { s.order.append(v.name) } }
                s.last = p
                return now - s.lastDraw >= ExecProgress.drawInterval
            }
            if draw { redraw(now: now) }
        }
    }

    /// `[rigor] 12.5s log step=5 loss=0.14286 acc=0.5`, formatted without Foundation
    /// (this runs once per event, on the thread that also reads the event channel).
    static func plainLine(_ p: RunProgress) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + p.eventValues.count * 20)
        out.append(contentsOf: "[rigor] ".utf8)
        appendDuration(p.elapsedSeconds, to: &out)
        out.append(0x20); out.append(contentsOf: (p.eventKind ?? "log").utf8)
        out.append(contentsOf: " step=".utf8)
        if let s = p.step { appendShort(s, to: &out) } else { out.append(0x2D) }
        out.append(0x20)
        for (i, v) in p.eventValues.enumerated() {
            if i > 0 { out.append(0x20) }
            out.append(contentsOf: v.name.utf8.lazy.map { $0 < 0x20 || $0 == 0x7F ? 0x3F : $0 })
            out.append(0x3D)
            appendShort(v.value, to: &out)
        }
        out.append(0x0A)
        return out
    }

    /// `DurationText.format(seconds:)`'s text ("12.5s", "3m05s", "2h03m05s") without String(format:).
    static func appendDuration(_ seconds: Double, to out: inout [UInt8]) {
        guard seconds.isFinite, seconds >= 0, seconds < 1e12 else { out.append(contentsOf: DurationText.format(seconds: seconds).utf8); return }
        let whole = Int(seconds.rounded())
        func two(_ n: Int) { out.append(UInt8(0x30 + n / 10)); out.append(UInt8(0x30 + n % 10)) }
        if whole < 60 {
            let tenths = Int((seconds * 10).rounded())
            out.append(contentsOf: String(tenths / 10).utf8); out.append(0x2E); out.append(UInt8(0x30 + tenths % 10)); out.append(0x73)
            return
        }
        let h = whole / 3600, m = (whole % 3600) / 60, sec = whole % 60
        if h > 0 { out.append(contentsOf: String(h).utf8); out.append(0x68); two(m) } else { out.append(contentsOf: String(m).utf8) }
        out.append(0x6D); two(sec); out.append(0x73)
    }

    /// `format(_:)`'s text (integers plainly, others as %.5g, nan/inf/-inf) via vsnprintf.
    static func appendShort(_ d: Double, to out: inout [UInt8]) {
        if d.isNaN { out.append(contentsOf: "nan".utf8); return }
        if d.isInfinite { out.append(contentsOf: (d > 0 ? "inf" : "-inf").utf8); return }
        if d == d.rounded(), abs(d) < 1e15 { out.append(contentsOf: String(Int64(d)).utf8); return }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 40) { buffer in
            let n = withVaList([d]) { vsnprintf(buffer.baseAddress, 40, "%.5g", $0) }
            guard n > 0 else { return }
            buffer.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: 40) { out.append(contentsOf: UnsafeBufferPointer(start: $0, count: min(Int(n), 39))) }
        }
    }

    /// `{"run_id":…,"elapsed":…,"kind":…,"step":…,"values":{…}}` written directly (no
    /// intermediate JSON tree: this runs once per event).
    static func jsonLine(_ p: RunProgress) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(96 + p.eventValues.count * 24)
        func number(_ d: Double) {
            if d.isNaN { out.append(contentsOf: "\"NaN\"".utf8) } else if d.isInfinite { out.append(contentsOf: (d > 0 ? "\"Infinity\"" : "\"-Infinity\"").utf8) } else if d == d.rounded(), abs(d) < 1e15 { out.append(contentsOf: String(Int64(d)).utf8) } else { out.append(contentsOf: d.description.utf8) }
        }
        func string(_ s: String) {
            if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C && $0 < 0x7F }) {
                out.append(0x22); out.append(contentsOf: s.utf8); out.append(0x22)
            } else {
                out.append(contentsOf: JSONValue.string(s).serialized(pretty: false).utf8)
            }
        }
        out.append(contentsOf: "{\"run_id\":".utf8)
        string(p.runID)
        out.append(contentsOf: ",\"elapsed\":".utf8); number(p.elapsedSeconds)
        out.append(contentsOf: ",\"kind\":\"".utf8); out.append(contentsOf: (p.eventKind ?? "log").utf8)
        out.append(contentsOf: "\",\"step\":".utf8)
        if let s = p.step { number(s) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: ",\"values\":{".utf8)
        for (i, v) in p.eventValues.enumerated() {
            if i > 0 { out.append(0x2C) }
            string(v.name)
            out.append(0x3A); number(v.value)
        }
        out.append(contentsOf: "}}\n".utf8)
        return out
    }

    /// Event lines are batched (flushed at 32 KiB, every 0.1 s, on ticks and at the end)
    /// so that printing them never slows the run down.
    private func buffered(_ fd: Int32, _ bytes: [UInt8], now: Double) {
        let out = state.withLock { s -> [UInt8]? in
            s.pending.append(contentsOf: bytes)
            guard s.pending.count >= 32768 || now - s.lastFlush >= 0.1 else { return nil }
            s.lastFlush = now
            defer { s.pending.removeAll(keepingCapacity: true) }
            return s.pending
        }
        if let out { ExecProgress.writeAll(fd, out) }
    }

    private func flushPending() {
        let out = state.withLock { s -> [UInt8] in defer { s.pending.removeAll() }; return s.pending }
        if !out.isEmpty { ExecProgress.writeAll(mode == .json ? 1 : 2, out) }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { writeAll(fd, $0) }
    }

    private static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            offset += n
        }
    }

    func tick(_ p: RunProgress) {
        flushPending()
        guard mode == .statusLine else { return }
        state.withLock { $0.last = p }
        redraw(now: p.elapsedSeconds)
    }

    func output(_ bytes: UnsafeRawBufferPointer, isStderr: Bool) {
        guard !bytes.isEmpty else { return }
        if mode == .statusLine { clearLine() } else { flushPending() }
        ExecProgress.writeAll(isStderr ? 2 : 1, bytes)
        guard mode == .statusLine else { return }
        let endsLine = bytes.last == 0x0A
        let draw = state.withLock { s -> Double? in
            s.childMidLine = !endsLine
            guard endsLine, let last = s.last else { return nil }
            return last.elapsedSeconds
        }
        if let now = draw { redraw(now: now) }
    }

    func finished(_ record: RunRecord) {
        flushPending()
        if mode == .statusLine {
            clearLine()
            // A child that ended mid-line: end it, so rigor's own lines start on a fresh one.
            if state.withLock({ $0.childMidLine }) { ExecProgress.writeAll(2, Array("\n".utf8)) }
        }
    }

    private func clearLine() {
        let shown = state.withLock { s -> Bool in let was = s.lineShown; s.lineShown = false; return was }
        if shown { ExecProgress.writeAll(2, Array("\r\u{1B}[K".utf8)) }
    }

    /// The terminal's width in columns (stderr), 80 when unknown.
    private static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    private func redraw(now: Double) {
        let columns = ExecProgress.terminalColumns()
        let text = state.withLock { s -> String? in
            guard let p = s.last, !s.childMidLine else { return nil }
            s.lastDraw = now
            s.lineShown = true
            var parts = ["[rigor] \(DurationText.format(seconds: p.elapsedSeconds))", "step \(p.step.map(ExecProgress.format) ?? "-")", "\(p.events) events"]
            parts += s.order.suffix(4).map { "\($0)=\(ExecProgress.format(s.latest[$0] ?? .nan))" }
            if let max = budget?.maxWallClockSeconds?.value { parts.append("wall budget \(DurationText.format(seconds: max))") }
            if p.gpuHours > 0 { parts.append(String(format: "%.3f GPU-h", p.gpuHours)) }
            // One column short of the width: a full-width line would wrap on some terminals.
            return String(parts.joined(separator: "  ").unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(max(1, columns - 1)).map(Character.init))
        }
        guard let text else { return }
        ExecProgress.writeAll(2, Array(("\r\u{1B}[K" + text).utf8))
    }

    static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(format: "%.5g", d)
    }
}
