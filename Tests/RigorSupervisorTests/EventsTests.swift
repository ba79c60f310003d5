import Foundation
import Testing
import RigorBasics
import RigorSupervisor
import RigorTestSupport

@Suite("Metric events and the Python helper")
struct EventsTests {
    @Test func embeddedModuleIsByteIdenticalToPythonPackage() throws {
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: RepoPaths.root + "/python/rigor/__init__.py"))
        #expect(onDisk == Data(PythonHelper.moduleSource.utf8), "run python3 python/embed_in_swift.py")
    }

    @Test func helperOutsideRigorIsSilentAndHarmless() throws {
        let code = "import rigor; rigor.log(step=1, loss=float('nan')); rigor.final(a=1); print(rigor.seed(), rigor.enabled())"
        var env = ProcessInfo.processInfo.environment
        env["PYTHONPATH"] = RepoPaths.root + "/python"
        env["RIGOR_EVENTS_FD"] = nil
        env["RIGOR_SEED"] = nil
        let r = try runProcess(["/usr/bin/env", "python3", "-c", code], environment: env, timeout: 30)
        #expect(r.status == 0)
        #expect(r.stdout == "0 False\n")
        #expect(r.stderr.isEmpty)
        // A bogus fd is ignored too.
        let bad = try runProcess(["/usr/bin/env", "python3", "-c", code], environment: ["PYTHONPATH": RepoPaths.root + "/python", "RIGOR_EVENTS_FD": "97"], timeout: 30)
        #expect(bad.status == 0 && bad.stderr.isEmpty)
    }

    @Test func nonFiniteValuesAndForkedWritersArrive() async throws {
        let f = SupervisedFixture()
        let script = f.temp.write("fork.py", """
        import os, rigor
        rigor.log(step=1, a=float('nan'), b=float('inf'), c=float('-inf'), flag=True, note="text")
        pid = os.fork()
        if pid == 0:
            for i in range(200): rigor.log(step=100 + i, child=i)
            os._exit(0)
        for i in range(200): rigor.log(step=1000 + i, parent=i)
        os.waitpid(pid, 0)
        print("not json", flush=True)
        """)
        var r = f.request("metrics.py")
        r.command = [SupervisedFixture.python, script]
        let record = try await Supervisor.run(r)
        #expect(record.status == .succeeded)
        #expect(record.eventCount == 401)
        #expect(record.invalidEventLines == 0)
        #expect(record.lastValues["a"]?.doubleValue?.isNaN == true)
        #expect(record.lastValues["b"]?.doubleValue == .infinity)
        #expect(record.lastValues["c"]?.doubleValue == -.infinity)
        #expect(record.lastValues["flag"] == .number(1))
        #expect(record.lastValues["note"] == .string("text"))
        #expect(record.lastValues["child"] == .number(199))
        #expect(record.steps == 1199)
    }

    @Test func invalidLinesAreKeptAndCounted() async throws {
        let f = SupervisedFixture()
        let script = f.temp.write("raw.py", """
        import os
        fd = int(os.environ["RIGOR_EVENTS_FD"])
        os.write(fd, b'{"kind":"log","step":1,"values":{"loss":0.5}}\\nnot json\\n{"step":2,"loss":0.25}\\n{"kind":"log","values":{"x":1}}')
        """)
        var r = f.request("metrics.py")
        r.command = [SupervisedFixture.python, script]
        let record = try await Supervisor.run(r)
        #expect(record.eventCount == 3)  // the unterminated last line is still read at EOF
        #expect(record.invalidEventLines == 1)
        #expect(record.lastValues["loss"] == .number(0.25))
        let lines = try String(contentsOfFile: f.runDir(record) + "/events.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[1].contains("\"invalid\":\"not json\""))
    }
}
