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

    /// When a session of `rigor protocol run` is killed: an instant after launch, or once it has
    /// printed its n-th `run_started` (of one phase, or of any) plus a delay shorter than a run lasts.
    enum KillPoint: CustomStringConvertible {
        case early(seconds: Double)
        case runStarted(n: Int, phase: String?, delay: Double)

        var description: String {
            switch self {
            case .early(let s): return String(format: "%.2fs after launch", s)
            case .runStarted(let n, let phase, let delay):
                return "run_started #\(n)\(phase.map { " of phase " + $0 } ?? "") + \(String(format: "%.2fs", delay))"
            }
        }
    }

    /// Reads a session's --json events line by line and notes when its kill point is reached.
    final class SessionWatch: Sendable {
        struct State { var pending = ""; var started = 0; var reached: (at: Date, runID: String)? }
        let state = Mutex(State())
        let n: Int, phase: String?

        init(n: Int, phase: String?) { self.n = n; self.phase = phase }

        func consume(_ data: Data) {
            state.withLock { s in
                s.pending += String(decoding: data, as: UTF8.self)
                while let newline = s.pending.firstIndex(of: "\n") {
                    let line = String(s.pending[..<newline])
                    s.pending.removeSubrange(...newline)
                    guard let event = try? JSONReader.parse(line).value, event["event"]?.stringValue == "run_started",
                          phase == nil || event["phase"]?.stringValue == phase else { continue }
                    s.started += 1
                    if s.started == n && s.reached == nil { s.reached = (Date(), event["run_id"]?.stringValue ?? "?") }
                }
            }
        }
    }

    /// Waits until no process works in the workspace any more (runs orphaned by a kill end on their own).
    func waitForOrphans(_ ws: ProtocolWorkspace, timeout: Double = 60) -> [Int32] {
        let deadline = Date().addingTimeInterval(timeout)
        var left = processesWorking(in: ws.root)
        while !left.isEmpty && Date() < deadline {
            usleep(20_000)
            left = processesWorking(in: ws.root)
        }
        return left
    }

    @Test func killedAtTwentyRandomPointsTheProtocolResumesWithoutRepeatingOrLosingRuns() throws {
        let seed = SeededGenerator.testSeed("killedAtTwentyRandomPoints", default: 20_240_611)
        var rng = SeededGenerator(seed: seed)
        // Every run lasts at least 0.3 s (the sanity step too), longer than any kill delay below:
        // a kill timed from a run_started event always lands while that run is still going.
        let plan = ProtocolWorkspace.plan(sleep: 0.3).replacingOccurrences(of: " --arm base --sleep 0\n", with: " --arm base --sleep 0.3\n")
        #expect(plan.contains("--seed 0 --arm base --sleep 0.3\n"))
        let ws = ProtocolWorkspace(plan: plan)
        let unitCount = try ProtocolTestHelpers.checkedPlan(ws.planPath).units.count
        let phases = ["sanity", "baseline", "mve", "full"]
        // The first four kills are driven into each phase in turn (the session is killed once that
        // phase's first run has started); the other sixteen are random, paced so they spread over
        // all units: a random number of run_started events into a session plus a random delay, or
        // sometimes a random instant early in a session (plan loading, journal replay). A kill
        // point never asks for more run starts than units are left, so every session is killed
        // before the protocol is done.
        var kills: [String] = []
        for session in 1...20 {
            let done = ProtocolTestHelpers.runNames(ws).filter { ProtocolTestHelpers.record(ws, $0)?.status == .succeeded }.count
            let left = unitCount - done
            try #require(left >= 1, "seed \(seed): the protocol finished before kill \(session); kills: \(kills)")
            let point: KillPoint
            if session <= phases.count {
                point = .runStarted(n: 1, phase: phases[session - 1], delay: Double.random(in: 0...0.15, using: &rng))
            } else {
                let behind = max(0, session * unitCount / 20 - done)
                if behind == 0 && Double.random(in: 0..<1, using: &rng) < 0.3 {
                    point = .early(seconds: Double.random(in: 0.02...0.25, using: &rng))
                } else {
                    point = .runStarted(n: min(left, behind + Int.random(in: 1...2, using: &rng)), phase: nil,
                                        delay: Double.random(in: 0...0.15, using: &rng))
                }
            }
            let watch: SessionWatch
            if case .runStarted(let n, let phase, _) = point { watch = SessionWatch(n: n, phase: phase) } else { watch = SessionWatch(n: .max, phase: nil) }
            let p = ProtocolTestHelpers.launch(["protocol", "run", "plan.yaml", "--slots", "2", "--json"], cwd: ws.root)
            drainOnThread(p.out.fileHandleForReading) { watch.consume($0) }
            drainOnThread(p.err.fileHandleForReading)
            let launched = Date()
            try p.process.run()
            var killed: String?
            while p.process.isRunning {
                let now = Date()
                switch point {
                case .early(let seconds):
                    if now.timeIntervalSince(launched) >= seconds { killed = "session \(session): \(point)" }
                case .runStarted(_, _, let delay):
                    if let reached = watch.state.withLock({ $0.reached }), now.timeIntervalSince(reached.at) >= delay {
                        killed = "session \(session): \(point) (during \(reached.runID))"
                    }
                }
                if let killed {
                    kill(p.process.processIdentifier, SIGKILL)
                    kills.append(killed)
                    break
                }
                usleep(2_000)
            }
            p.process.waitUntilExit()
            try #require(killed != nil, "seed \(seed): session \(session) ended (status \(p.process.terminationStatus)) before its kill point \(point); kills: \(kills)")
        }
        print("killedAtTwentyRandomPoints: kills at \(kills)")
        #expect(kills.count == 20)
        let orphans = waitForOrphans(ws)
        #expect(orphans.isEmpty, "seed \(seed): processes still working in \(ws.root) 60 s after the last kill: \(orphans)")
        let last = try ProtocolTestHelpers.rigor(["protocol", "run", "plan.yaml", "--slots", "2"], cwd: ws.root)
        #expect(last.status == 0, "seed \(seed), kills at \(kills): \(last.stderr)")

        let checked = try ProtocolTestHelpers.checkedPlan(ws.planPath)
        let names = ProtocolTestHelpers.runNames(ws)
        let journal = try ProtocolJournal.read(path: ws.resultsDir + "/" + ProtocolJournal.fileName)
        let superseded = Set(journal.compactMap { $0["event"]?.stringValue == "run_superseded" ? $0["run_id"]?.stringValue : nil })
        // The kills interrupted runs in every phase (the first four were driven there).
        for phase in phases {
            #expect(superseded.contains { $0.hasPrefix(phase + "-") }, "seed \(seed): no \(phase) run superseded: \(superseded.sorted()), kills: \(kills)")
        }
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
