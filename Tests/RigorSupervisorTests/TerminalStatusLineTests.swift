import Foundation
import Testing
import RigorBasics
import RigorSupervisor
import RigorTestSupport

/// Replays bytes written to a terminal of `columns` width with autowrap: the logical lines
/// that scrolled by (a line wrapped over several rows is one logical line, so text left on
/// a row that an erase could not reach shows up in it) and the text left on the cursor's row.
/// Understands what rigor and the test child write: text, CR, LF, and ESC [ K.
struct TerminalReplay {
    private var rows: [(text: String, continued: Bool)] = []
    private var current: [Unicode.Scalar] = []
    private var currentContinued = false
    private var column = 0
    var unknownEscapes = 0

    init(_ bytes: [UInt8], columns: Int) {
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            i += 1
            switch c {
            case "\n": endRow(wrapped: false)
            case "\r": column = 0
            case "\u{1B}":
                if i + 1 < scalars.count, scalars[i] == "[", scalars[i + 1] == "K" {
                    if column < current.count { current.removeSubrange(column...) }
                    i += 2
                } else {
                    unknownEscapes += 1
                }
            default:
                if column == columns { endRow(wrapped: true) }
                if column < current.count { current[column] = c } else { current.append(c) }
                column += 1
            }
        }
    }

    private mutating func endRow(wrapped: Bool) {
        rows.append((String(String.UnicodeScalarView(current)), currentContinued))
        current = []
        column = 0
        currentContinued = wrapped
    }

    /// Logical lines that scrolled by.
    var lines: [String] {
        var out: [String] = []
        for row in rows {
            if row.continued, !out.isEmpty { out[out.count - 1] += row.text } else { out.append(row.text) }
        }
        return out
    }

    var screenTail: String { String(String.UnicodeScalarView(current)) }
}

@Suite("rigor exec status line on a terminal")
struct TerminalStatusLineTests {
    @Test func statusLineNeverCorruptsChildOutputAndClearsItself() async throws {
        let f = SupervisedFixture()
        let capture = f.temp.path + "/terminal.bytes"
        let argv = ["/usr/bin/env", "python3", SupervisedFixture.script("pty_run.py"), capture, RepoPaths.rigorBinary,
                    "exec", "--no-guard", "--experiment", f.experimentDir, "--", "python3", SupervisedFixture.script("tty_child.py")]
        let cwd = f.temp.path
        let r = try await offPool { try runProcess(argv, cwd: cwd, timeout: 120) }
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: capture)))
        let raw = String(decoding: bytes, as: UTF8.self)
        #expect(raw.contains("\r\u{1B}[K[rigor] "), "the status line was never drawn")
        let screen = TerminalReplay(bytes, columns: 80)
        #expect(screen.unknownEscapes == 0)
        // Every line that scrolled by is the child's own text or one of rigor's messages.
        let childLines = screen.lines.filter { !$0.hasPrefix("rigor: ") }
        let expectedStdout = (0..<10).map { "child line \($0) " + String(repeating: "x", count: 20) } + ["partial end"]
        let expectedStderr = [0, 3, 6, 9].map { "err line \($0)" }
        #expect(childLines.filter { !$0.hasPrefix("err line") } == expectedStdout, "\(screen.lines)")
        #expect(childLines.filter { $0.hasPrefix("err line") } == expectedStderr, "\(screen.lines)")
        #expect(!screen.lines.contains { $0.contains("[rigor]") }, "status text left in scrollback: \(screen.lines)")
        #expect(screen.lines.contains { $0.hasPrefix("rigor: run ") && $0.contains(" started ") })
        #expect(screen.lines.last?.contains(" succeeded after ") == true, "\(screen.lines)")
        #expect(screen.screenTail.isEmpty, "left on screen: \(screen.screenTail.debugDescription)")
    }
}
