import Foundation
import RigorBasics
import RigorProtocol
import RigorSupervisor
import RigorTestSupport
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The `rigor protocol run` binary killed and restarted: the experiment lock and resume.
@Suite(.serialized)
struct ProtocolResumeTests {
    func waitForLockHolder(_ ws: ProtocolWorkspace, pid: Int32, timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if ExperimentLock.holder(path: ws.resultsDir + "/" + ExperimentLock.fileName) == pid { return true }
            usleep(20_000)
        }
        return false
    }

    @Test func secondRunRefusesWithTheHoldersPidAndAStaleLockIsTakenOver() throws {
        let ws = ProtocolWorkspace(plan: ProtocolWorkspace.plan(seeds: "[0]", sleep: 1.5))
        let first = ProtocolTestHelpers.launch(["protocol", "run", "plan.yaml", "--slots", "2"], cwd: ws.root)
        try first.process.run()
        let pid = first.process.processIdentifier
        #expect(waitForLockHolder(ws, pid: pid))

        let second = try ProtocolTestHelpers.rigor(["protocol", "run", "plan.yaml"], cwd: ws.root)
        #expect(second.status == 4)
        #expect(second.stderr.contains("locked by process \(pid)"), "\(second.stderr)")

        kill(pid, SIGKILL)
        first.process.waitUntilExit()
        // The lock file still names the dead holder; the next run takes the lock over and finishes.
        #expect(ExperimentLock.holder(path: ws.resultsDir + "/" + ExperimentLock.fileName) == pid)
        let third = try ProtocolTestHelpers.rigor(["protocol", "run", "plan.yaml", "--json"], cwd: ws.root)
        #expect(third.status == 0, "\(third.stderr)")
        let lines = third.stdout.split(separator: "\n").compactMap { try? JSONReader.parse(String($0)).value }
        #expect(lines.first?["event"]?.stringValue == "started")
        #expect(lines.first?["resumed"]?.boolValue == true)
        #expect(lines.last?["event"]?.stringValue == "finished")
    }

    @Test func killedAtTwentyRandomPointsTheProtocolResumesWithoutRepeatingOrLosingRuns() throws {
        let ws = ProtocolWorkspace(plan: ProtocolWorkspace.plan(sleep: 0.3))
        // Kill points: a random number of run_started/run_finished events into a session plus a
        // random delay, paced so the 20 kills spread over all 14 units (every phase, before and after
        // runs end); sometimes a random instant early in a session (plan loading, journal replay).
        let unitCount = 14
        var kills: [String] = []
        var sessions = 0
        while kills.count < 20 && sessions < 80 {
            sessions += 1
            let done = ProtocolTestHelpers.runNames(ws).filter { ProtocolTestHelpers.record(ws, $0)?.status == .succeeded }.count
            let behind = max(0, (kills.count + 1) * unitCount / 20 - done)
            let early = behind == 0 && Double.random(in: 0..<1) < 0.3
            let target = 2 * behind + Int.random(in: 1...2)
            let jitter = Double.random(in: 0...0.4)
            let seen = Mutex((events: 0, since: Date?.none))
            let p = ProtocolTestHelpers.launch(["protocol", "run", "plan.yaml", "--slots", "2", "--json"], cwd: ws.root)
            drainOnThread(p.out.fileHandleForReading) { data in
                let text = String(decoding: data, as: UTF8.self)
                let n = text.components(separatedBy: "\"event\":\"run_started\"").count - 1
                    + text.components(separatedBy: "\"event\":\"run_finished\"").count - 1
                seen.withLock { s in
                    s.events += n
                    if s.events >= target && s.since == nil { s.since = Date() }
                }
            }
            drainOnThread(p.err.fileHandleForReading)
            let launched = Date()
            try p.process.run()
            let earlyAt = launched.addingTimeInterval(Double.random(in: 0.02...0.25))
            while p.process.isRunning {
                let now = Date()
                let due = early ? now >= earlyAt : (seen.withLock { $0.since }.map { now.timeIntervalSince($0) >= jitter } ?? false)
                if due {
                    kill(p.process.processIdentifier, SIGKILL)
                    kills.append(early ? String(format: "%.2fs", now.timeIntervalSince(launched))
                                       : "event \(target) + \(String(format: "%.2fs", jitter))")
                    break
                }
                usleep(2_000)
            }
            p.process.waitUntilExit()
        }
        #expect(kills.count >= 20)
        usleep(700_000) // runs orphaned by the last kill end on their own
        let last = try ProtocolTestHelpers.rigor(["protocol", "run", "plan.yaml", "--slots", "2"], cwd: ws.root)
        #expect(last.status == 0, "kills at \(kills): \(last.stderr)")

        let checked = try ProtocolTestHelpers.checkedPlan(ws.planPath)
        let names = ProtocolTestHelpers.runNames(ws)
        let journal = try ProtocolJournal.read(path: ws.resultsDir + "/" + ProtocolJournal.fileName)
        let superseded = Set(journal.compactMap { $0["event"]?.stringValue == "run_superseded" ? $0["run_id"]?.stringValue : nil })
        // The kills interrupted runs, in the full protocol too.
        #expect(superseded.contains { $0.hasPrefix("full-") }, "superseded: \(superseded.sorted()), kills: \(kills)")
        var finalRecords: [RunUnit: RunRecord] = [:]
        for unit in checked.units {
            let mine = names.filter { unit.attempt(of: $0) != nil }
            let records = mine.compactMap { ProtocolTestHelpers.record(ws, $0) }
            let finished = records.filter { $0.status != .incomplete }
            #expect(finished.count == 1, "\(unit.idPrefix): \(records.map { "\($0.runID) \($0.status)" })")
            #expect(finished.first?.status == .succeeded)
            finalRecords[unit] = finished.first
            // Every other attempt was left unfinished by a kill and is marked superseded in the journal.
            for id in mine where id != finished.first?.runID {
                #expect(superseded.contains(id), "\(id) is not marked superseded")
                #expect(ProtocolTestHelpers.record(ws, id).map { $0.status == .incomplete } ?? true)
            }
        }
        let outcomeProblems = MetricsCheck.validator(ws.resultsDir + "/metrics.json", checked.spec)
        #expect(outcomeProblems == [])
        let metrics = try ProtocolTestHelpers.json(ws.resultsDir + "/metrics.json")
        #expect(metrics["per_seed"]?.arrayValue?.count == 10)
        let recorded = names.filter { ProtocolTestHelpers.record(ws, $0) != nil }.count
        #expect(metrics["resource_usage"]?["total_runs"]?.doubleValue == Double(recorded))
        let wide = checked.units.filter { $0.phase == .full && $0.arm == "wide" }.compactMap { finalRecords[$0]?.finalMetrics["accuracy"]?.doubleValue }
        #expect(wide.count == 5)
        #expect(abs((metrics["treatment"]?["accuracy"]?["mean"]?.doubleValue ?? 0) - wide.reduce(0, +) / 5) < 1e-12)
        #expect(abs((metrics["treatment"]?["accuracy"]?["std"]?.doubleValue ?? 0) - ProtocolTestHelpers.sampleStd(wide)) < 1e-12)
    }
}
