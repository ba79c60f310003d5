import Foundation
import Testing
import RigorBasics
import RigorSpec
import RigorSupervisor
import RigorTestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("Supervisor runs real Python children")
struct SupervisorRunTests {
    @Test func normalRunRecordsEventsLogsAndProvenance() async throws {
        let f = SupervisedFixture()
        let record = try await Supervisor.run(f.request("metrics.py"))
        #expect(record.status == .succeeded)
        #expect(record.exitCode == 0)
        #expect(record.steps == 5)
        #expect(record.eventCount == 6)
        #expect(record.finalMetrics["acc"] == .number(0.5))
        #expect(record.finalMetrics["inf_value"]?.doubleValue == .infinity)
        #expect(record.lastValues["loss"]?.doubleValue == 0.2)
        let dir = f.runDir(record)
        let stdout = try String(contentsOfFile: dir + "/stdout.log", encoding: .utf8)
        #expect(stdout.contains("step 5"))
        #expect(stdout.contains("seed 7"))
        let events = try String(contentsOfFile: dir + "/events.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(events.count == 6)
        let first = try JSONReader.parse(String(events[0])).value
        #expect(first["rx"]?.doubleValue != nil)
        #expect(first["event"]?["values"]?["loss"] == .number(1))
        let onDisk = try RunRecordFile.read(runDir: dir)
        #expect(record.provenance["executable"]?.stringValue != nil)
        #expect(try RunRecordFile.encode(onDisk) == RunRecordFile.encode(record))
        // No probe sandbox here (no wrapper): the interpreter is probed only when it is a system
        // program; any other (pyenv's, a venv's) is named as not probed.
        let python = try #require(record.provenance["python"])
        if TrustedExecutable.isTrusted(record.provenance["executable"]?.stringValue ?? "") {
            #expect(python["version"]?.stringValue?.hasPrefix("3.") == true, "\(python)")
        } else {
            #expect(python["error"]?.stringValue?.contains("was not probed") == true, "\(python)")
        }
        #expect(record.provenance["hostname"]?.stringValue?.isEmpty == false)
        #expect(record.provenance["environment"]?["PATH"] != nil)
        let ledger = try BudgetLedger(experimentDir: f.experimentDir).read()
        #expect(ledger.runsStarted == 1 && ledger.runsFinished == 1 && ledger.issues.isEmpty)
    }

    @Test func secretsNeverReachTheRecord() async throws {
        let f = SupervisedFixture()
        var r = f.request("metrics.py")
        r.environment = ["PYTHON_API_KEY": "sk-do-not-log", "CUDA_ACCESS_TOKEN": "tok-do-not-log", "PYTHONHASHSEED": "0"]
        let record = try await Supervisor.run(r)
        let text = try String(contentsOfFile: f.runDir(record) + "/run.json", encoding: .utf8)
        #expect(!text.contains("do-not-log"))
        #expect(record.provenance["environment"]?["PYTHONHASHSEED"] == .string("0"))
    }

    @Test func nonZeroExitIsFailed() async throws {
        let f = SupervisedFixture()
        let record = try await Supervisor.run(f.request("metrics.py", ["-1", "3"]))
        #expect(record.status == .failed)
        #expect(record.exitCode == 3)
        #expect(record.abortReason == nil)
    }

    @Test func killedBySignalIsSignaled() async throws {
        let f = SupervisedFixture()
        let record = try await Supervisor.run(f.request("selfkill.py"))
        #expect(record.status == .signaled)
        #expect(record.signal == SIGKILL)
        #expect(record.eventCount == 1)
    }

    @Test func nanLossTripsIsnanRule() async throws {
        let f = SupervisedFixture()
        let record = try await Supervisor.run(f.request("metrics.py", ["3"], rules: ["isnan(loss)", "loss > 100"]))
        #expect(record.status == .aborted)
        #expect(record.abortReason?.contains("isnan(loss)") == true)
        #expect(record.abortReason?.contains("step 3") == true)
        #expect(record.abortEvent?["step"] == .number(3))
        #expect(record.abortEvent?["values"]?["loss"]?.doubleValue?.isNaN == true)
        #expect(record.signal == SIGTERM)
        let events = try String(contentsOfFile: f.runDir(record) + "/events.jsonl", encoding: .utf8)
        #expect(events.contains("\"loss\":NaN"))
    }

    @Test func timeoutStopsAHangingChildAndItsGroup() async throws {
        let f = SupervisedFixture()
        let pidfile = f.temp.path + "/pids"
        // 4 s: the child must have started and set SIG_IGN before the timeout, even on a loaded machine.
        let record = try await Supervisor.run(f.request("hang_with_grandchild.py", [pidfile, "ignore-term"], timeout: 4))
        #expect(record.status == .timedOut)
        #expect(record.signal == SIGKILL)  // it ignored SIGTERM; SIGKILL after the 2 s grace
        #expect(record.wallSeconds >= 4 && record.wallSeconds < 15)
        let pids = try #require(await waitForFile(pidfile)).split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(groupIsEmpty(pids[2]))
    }

    @Test func interruptLeavesNoOrphans() async throws {
        let f = SupervisedFixture()
        let pidfile = f.temp.path + "/pids"
        let control = RunControl()
        var r = f.request("hang_with_grandchild.py", [pidfile])
        r.control = control
        let request = r
        async let record = Supervisor.run(request)
        let text = try #require(await waitForFile(pidfile))
        let pids = text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(pids.count == 3)
        #expect(kill(pids[1], 0) == 0)  // the grandchild is alive
        control.interrupt()
        let result = try await record
        #expect(result.status == .interrupted)
        #expect(groupIsEmpty(pids[2]))
        #expect(kill(pids[1], 0) != 0)
    }

    @Test func hundredMegabytesOfOutputKeepMemoryBounded() async throws {
        let f = SupervisedFixture()
        let before = residentKB()
        let record = try await Supervisor.run(f.request("flood.py", ["100"]))
        let after = residentKB()
        #expect(record.status == .succeeded)
        var st = stat()
        stat(f.runDir(record) + "/stdout.log", &st)
        #expect(st.st_size == 100 << 20)
        #expect(after - before < 60 * 1024, "RSS grew by \(after - before) kB")
    }

    @Test func missingCommandIsAClearError() async throws {
        let f = SupervisedFixture()
        var r = f.request("metrics.py")
        r.command = ["no-such-program-xyz"]
        await #expect(throws: SupervisorError.commandNotFound("no-such-program-xyz")) { try await Supervisor.run(r) }
    }

    @Test func badAbortRuleIsRefusedBeforeStart() async throws {
        let f = SupervisedFixture()
        let r = f.request("metrics.py", rules: ["loss >> 3"])
        do {
            _ = try await Supervisor.run(r)
            Issue.record("expected an error")
        } catch {
            guard case .badAbortRule(let e) = error else { Issue.record("wrong error \(error)"); return }
            #expect(e.column == 7)
        }
        #expect(!FileManager.default.fileExists(atPath: f.experimentDir + "/ledger.jsonl"))
    }
}
