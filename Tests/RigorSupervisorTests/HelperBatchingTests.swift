import Foundation
import Testing
import RigorBasics
import RigorSupervisor
import RigorTestSupport

/// The Python helper batches bursts of events; none may be lost, split or held back for long.
@Suite("Python helper batching")
struct HelperBatchingTests {
    func run(_ f: SupervisedFixture, _ code: String, rules: [String] = []) async throws -> RunRecord {
        let script = f.temp.write("batch_\(UUID().uuidString.prefix(6)).py", code)
        var r = f.request("metrics.py", rules: rules)
        r.command = [SupervisedFixture.python, script]
        return try await Supervisor.run(r)
    }

    @Test func burstsFromThreadsAndForkedWorkersArriveWhole() async throws {
        let f = SupervisedFixture()
        let record = try await run(f, """
        import os, threading, rigor
        def burst(tag, n):
            for i in range(n): rigor.log(step=i, **{tag: i * 0.5, "pad_" + tag: "x" * 40})
        threads = [threading.Thread(target=burst, args=("t%d" % k, 3000)) for k in range(4)]
        for t in threads: t.start()
        burst("main", 3000)
        pid = os.fork()
        if pid == 0:
            burst("child", 500)
            os._exit(0)  # skips atexit: a forked child writes each event at once
        os.waitpid(pid, 0)
        for t in threads: t.join()
        """)
        #expect(record.status == .succeeded)
        #expect(record.eventCount == 5 * 3000 + 500)
        #expect(record.invalidEventLines == 0)
        for tag in ["t0", "t1", "t2", "t3", "main"] { #expect(record.lastValues[tag] == .number(1499.5)) }
        #expect(record.lastValues["child"] == .number(249.5))
        let lines = try String(contentsOfFile: f.runDir(record) + "/events.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 15500)
    }

    @Test func explicitFlushKeepsEventsBeforeOsExit() async throws {
        let f = SupervisedFixture()
        let record = try await run(f, """
        import os, rigor
        for i in range(2000): rigor.log(step=i, loss=1.0 / (i + 1))
        rigor.flush()
        os._exit(0)
        """)
        #expect(record.eventCount == 2000)
        #expect(record.steps == 1999)
    }

    @Test func aBatchedEventReachesAbortRulesWhileTheScriptComputes() async throws {
        // The over-threshold event is logged inside a burst, then the script computes without
        // logging again (holding the GIL): the helper's flush thread must send it.
        let f = SupervisedFixture()
        let record = try await run(f, """
        import time, rigor
        for i in range(5000): rigor.log(step=i, loss=1.0)
        rigor.log(step=5000, loss=100.0)
        end = time.time() + 20
        x = 0
        while time.time() < end: x += 1
        """, rules: ["loss > 50"])
        #expect(record.status == .aborted)
        #expect(record.abortEvent?["step"] == .number(5000))
        #expect(record.wallSeconds < 15, "the batched event waited \(record.wallSeconds) s")
    }
}
