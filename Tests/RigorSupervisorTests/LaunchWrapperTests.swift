import Foundation
import Testing
import RigorBasics
import RigorSupervisor
import RigorTestSupport

/// Prefixes the command with `/usr/bin/env NAME=VALUE`, as a sandbox would prefix `bwrap …`.
struct EnvPrefixWrapper: LaunchWrapper {
    var name: String
    var value: String
    func wrap(_ argv: [String], workingDirectory: String) throws -> [String] { ["/usr/bin/env", "\(name)=\(value)"] + argv }
    var summary: String { "env prefix: \(name) set" }
}

struct RefusingWrapper: LaunchWrapper {
    struct Refusal: Error, CustomStringConvertible { var description: String { "no sandbox profile for this command" } }
    func wrap(_ argv: [String], workingDirectory: String) throws -> [String] { throw Refusal() }
    var summary: String { "refusing" }
}

@Suite("Launch wrapper")
struct LaunchWrapperTests {
    @Test func wrappedCommandRunsAndTheRecordSaysSo() async throws {
        let f = SupervisedFixture()
        let script = f.temp.write("show_env.py", """
        import os, rigor
        print("wrapped=%s parent-env=%s" % (os.environ.get("RIGOR_TEST_WRAPPED"), os.environ.get("RIGOR_TEST_PLAIN")))
        rigor.final(ok=1)
        """)
        var r = f.request("metrics.py")
        r.command = [SupervisedFixture.python, script]
        r.environment = ["RIGOR_TEST_PLAIN": "kept"]
        r.wrapper = EnvPrefixWrapper(name: "RIGOR_TEST_WRAPPED", value: "yes")
        let record = try await Supervisor.run(r)
        #expect(record.status == .succeeded)
        #expect(record.sandbox == "env prefix: RIGOR_TEST_WRAPPED set")
        #expect(record.command == [SupervisedFixture.python, script])  // the record keeps the command as asked
        #expect(record.finalMetrics["ok"] == .number(1))  // the event channel passes through the wrapper
        let stdout = try String(contentsOfFile: f.runDir(record) + "/stdout.log", encoding: .utf8)
        #expect(stdout == "wrapped=yes parent-env=kept\n")
        let onDisk = try RunRecordFile.read(runDir: f.runDir(record))
        #expect(onDisk.sandbox == record.sandbox)

        // Without a wrapper the variable is absent and there is no sandbox summary.
        r.wrapper = nil
        let plain = try await Supervisor.run(r)
        #expect(plain.sandbox == nil)
        #expect(try String(contentsOfFile: f.runDir(plain) + "/stdout.log", encoding: .utf8) == "wrapped=None parent-env=kept\n")
    }

    @Test func aWrapperThatFailsStopsTheRunBeforeItStarts() async throws {
        let f = SupervisedFixture()
        var r = f.request("metrics.py")
        r.wrapper = RefusingWrapper()
        do {
            _ = try await Supervisor.run(r)
            Issue.record("expected wrapperFailed")
        } catch {
            guard case .wrapperFailed(let why) = error else { Issue.record("wrong error \(error)"); return }
            #expect(why.contains("no sandbox profile for this command"))
            #expect(error.description.hasPrefix("the sandbox could not wrap the command"))
        }
        let summary = try BudgetLedger(experimentDir: f.experimentDir).read()
        #expect(summary.runsStarted == 0)
    }
}
