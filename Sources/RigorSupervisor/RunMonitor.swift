import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Watches one started run on a dedicated thread: a poll() loop over the child's stdout,
/// stderr, event channel and the stop pipe; applies abort rules, timeout, budget and stop
/// requests (SIGTERM to the process group, SIGKILL after the grace); reaps the child,
/// cleans up the group, and writes the final record and ledger line.
final class RunMonitor {
    private let prepared: PreparedRun
    private let stop: StopSwitch
    private var request: RunRequest { prepared.request }

    init(prepared: PreparedRun, stop: StopSwitch) {
        self.prepared = prepared
        self.stop = stop
    }

    private func openLog(_ name: String) throws(SupervisorError) -> Int32 {
        do { return try prepared.runHandle.createFile(name) } catch { throw .io("cannot create a run log: \(error.description)") }
    }

    func run() -> Result<RunRecord, SupervisorError> {
        do { return .success(try supervise()) } catch { return .failure(error) }
    }

    private func supervise() throws(SupervisorError) -> RunRecord {
        let outLog = try openLog("stdout.log")
        defer { close(outLog) }
        let errLog = try openLog("stderr.log")
        defer { close(errLog) }
        let eventsLog = try openLog("events.jsonl")
        defer { close(eventsLog) }
        for log in ["stdout.log", "stderr.log", "events.jsonl"] { RecordWitnesses.replaced(prepared.runDir + "/" + log, []) }
        var record = prepared.record
        let observer = request.observer
        observer?.started(runID: prepared.runID, runDirectory: prepared.runDir)

        let experimentDir = ((prepared.runDir as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        let outputsBefore = OutputFiles.list(experimentDir)
        let startMono = monotonicSeconds()
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(argv: prepared.argv, cwd: record.workingDirectory, environment: prepared.environment, eventChannel: true)
        } catch {
            record.status = .failed
            record.endedAt = isoTimestamp()
            record.abortReason = nil
            record.provenance["start_error"] = .string(error.description)
            try? RunRecordFile.write(record, in: prepared.runHandle)
            try? prepared.ledger.append(finishedEntry(record, neverStarted: true))
            throw error
        }
        let pgid = child.pid
        let gpus = Double(prepared.gpus)
        var ingestor = EventIngestor(outFD: eventsLog, rules: prepared.rules)
        if let observer {
            let runID = prepared.runID
            ingestor.onEvent = { event, facts in
                let wall = monotonicSeconds() - startMono
                observer.event(RunProgress(runID: runID, elapsedSeconds: wall, gpuHours: gpus * wall / 3600, events: facts.eventCount,
                                           step: facts.maxStep, eventKind: event.kind == .final ? "final" : "log",
                                           eventValues: event.numbers.map { (name: facts.keyNames[$0.key], value: $0.value) }))
            }
        }

        // Deadlines (monotonic seconds).
        let timeoutAt = request.timeoutSeconds.map { startMono + $0 }
        let standing = prepared.standing
        var budgetAt: Double?
        var budgetWhy: String?
        if let max = standing.maxWallSeconds {
            budgetAt = startMono + max - standing.summary.wallSeconds
            budgetWhy = "experiment wall-clock budget exhausted: \(DurationText.format(seconds: max)) (spec line \(standing.budget?.maxWallClockSeconds?.line ?? 0)); \(DurationText.format(seconds: standing.summary.wallSeconds)) used before this run"
        }
        if gpus > 0, let max = standing.maxGPUHours {
            let at = startMono + (max - standing.summary.gpuHours) * 3600 / gpus
            if budgetAt.map({ at < $0 }) ?? true {
                budgetAt = at
                budgetWhy = "experiment GPU-hour budget exhausted: \(EventValues.format(max)) GPU-hours (spec line \(standing.budget?.maxGPUHours?.line ?? 0)); \(EventValues.format(standing.summary.gpuHours)) used before this run, \(prepared.gpus) GPU(s) allocated"
            }
        }
        let grace = max(0, request.killGraceSeconds)

        var stopStatus: RunStatus?
        var stopReason: String?
        var killAt: Double?
        var killed = false
        var exited = false
        var waitStatus: Int32 = 0
        var exitMono = startMono
        var groupTermAt: Double?
        var groupKilled = false
        var nextTick = startMono + 1
        var open: [Int32] = [child.stdoutFD, child.stderrFD] + (child.eventsFD.map { [$0] } ?? [])
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { buffer.deallocate(); for fd in open { close(fd) } }
        var echoFailed = false

        func meters(_ now: Double) -> (wall: Double, gpuHours: Double) {
            let wall = (exited ? exitMono : now) - startMono
            return (wall, gpus * wall / 3600)
        }
        func groupAlive() -> Bool { kill(-pgid, 0) == 0 || errno == EPERM }

        while true {
            // Wait for data, a stop request, or the next deadline.
            var now = monotonicSeconds()
            var wait = nextTick - now
            if let t = timeoutAt, stopStatus == nil { wait = min(wait, t - now) }
            if let b = budgetAt, stopStatus == nil { wait = min(wait, b - now) }
            if let k = killAt, !killed { wait = min(wait, k - now) }
            if let g = groupTermAt, !groupKilled { wait = min(wait, g + grace - now) }
            if exited { wait = min(wait, 0.05) } else if stopStatus != nil { wait = min(wait, 0.05) }
            // Output closed but not yet reaped: the child is exiting; look again soon rather than at the next tick.
            if !exited && open.isEmpty { wait = min(wait, 0.005) }
            var pfds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            pfds.append(pollfd(fd: stop.readFD, events: Int16(POLLIN), revents: 0))
            let ms = Int32(max(0, min(wait, 1)) * 1000) + (wait > 0 ? 1 : 0)
            let n = poll(&pfds, nfds_t(pfds.count), ms)
            if n < 0 && errno != EINTR { break }
            now = monotonicSeconds()

            for p in pfds where p.revents != 0 {
                if p.fd == stop.readFD { stop.drain(); continue }
                var reads = 0
                while reads < 16 {
                    reads += 1
                    let r = read(p.fd, buffer.baseAddress, buffer.count)
                    if r > 0 {
                        let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<r])
                        if p.fd == child.eventsFD {
                            ingestor.consume(chunk, receivedAt: unixSeconds(), meters: meters(now))
                            if ingestor.trip != nil { break }
                        } else {
                            let isErr = p.fd == child.stderrFD
                            writeFully(isErr ? errLog : outLog, chunk)
                            if request.echoOutput {
                                if let observer { observer.output(chunk, isStderr: isErr) }
                                else if !echoFailed { echoFailed = !writeFully(isErr ? 2 : 1, chunk) }
                            }
                        }
                        if r < buffer.count { break }
                    } else if r == 0 || (errno != EAGAIN && errno != EINTR) {
                        close(p.fd)
                        open.removeAll { $0 == p.fd }
                        break
                    } else {
                        break
                    }
                }
            }
            ingestor.flush()

            // Decide whether to stop the run.
            if stopStatus == nil {
                if let s = stop.request {
                    stopStatus = s
                    stopReason = s == .interrupted ? "interrupted: rigor received SIGINT/SIGTERM or its caller cancelled the run" : "stopped by request"
                } else if let trip = ingestor.trip {
                    stopStatus = .aborted
                    stopReason = trip.reason
                } else if let t = timeoutAt, now >= t {
                    stopStatus = .timedOut
                    stopReason = "timed out: --timeout \(DurationText.format(seconds: request.timeoutSeconds ?? 0)) reached"
                } else if let b = budgetAt, now >= b {
                    stopStatus = .budgetExhausted
                    stopReason = budgetWhy
                }
                if stopStatus != nil && !exited {
                    kill(-pgid, SIGTERM)
                    killAt = now + grace
                }
            }
            if let k = killAt, !killed, !exited, now >= k {
                kill(-pgid, SIGKILL)
                killed = true
            }

            // Reap the child; then make sure nothing of its group survives.
            if !exited {
                var st: Int32 = 0
                let r = waitpid(child.pid, &st, WNOHANG)
                if r == child.pid {
                    ProcessLauncher.reaped(child.pid)
                    exited = true
                    waitStatus = st
                    exitMono = monotonicSeconds()
                }
            }
            if exited {
                if groupTermAt == nil {
                    groupTermAt = now
                    if groupAlive() { kill(-pgid, SIGTERM) }
                } else if !groupKilled, let g = groupTermAt, now >= g + grace {
                    if groupAlive() { kill(-pgid, SIGKILL) }
                    groupKilled = true
                }
                let alive = groupAlive()
                if open.isEmpty && !alive { break }
                // Pipes held open by processes outside the group (daemonised): stop waiting.
                if !alive && now - exitMono > 2 { break }
                if groupKilled && now - (groupTermAt ?? now) > grace + 2 { break }
            }
            if now >= nextTick {
                nextTick = now + 1
                if !exited { ingestor.tick(meters: meters(now)) }
                if let observer {
                    let m = meters(now)
                    observer.tick(RunProgress(runID: prepared.runID, elapsedSeconds: m.wall, gpuHours: m.gpuHours, events: ingestor.eventCount,
                                              step: ingestor.maxStep, eventKind: nil, eventValues: []))
                }
            }
        }
        let end = meters(monotonicSeconds())
        ingestor.finish(receivedAt: unixSeconds(), meters: end)

        // The record.
        record.endedAt = isoTimestamp()
        record.wallSeconds = (end.wall * 1000).rounded() / 1000
        record.gpuHours = gpus * end.wall / 3600
        // Nothing of the run may outlive it: processes that left its group (setsid) and were
        // re-parented to Rigor (a subreaper) are killed here, and the count recorded.
        let strays = StrayProcesses.sweep()
        if strays > 0 { record.provenance["stray_processes_killed"] = .number(Double(strays)) }
        let exitedNormally = (waitStatus & 0x7f) == 0
        if exitedNormally { record.exitCode = (waitStatus >> 8) & 0xff } else { record.signal = waitStatus & 0x7f }
        if let stopStatus {
            record.status = stopStatus
            record.abortReason = stopReason
        } else if exitedNormally {
            record.status = record.exitCode == 0 ? .succeeded : .failed
        } else {
            record.status = .signaled
        }
        if stopStatus == .aborted, let trip = ingestor.trip {
            var o = JSONObject([("rule", .string(trip.rule))])
            o["step"] = trip.step.map { .number($0) } ?? .null
            o["event"] = trip.eventNumber.map { .number(Double($0)) } ?? .null
            o["values"] = .object(JSONObject(trip.values.map { ($0.name, JSONValue.number($0.value)) }))
            record.abortEvent = o
        }
        record.steps = Int(max(0, min(ingestor.maxStep ?? 0, Double(Int.max / 2))))
        record.outputFiles = OutputFiles.changed(experimentDir, since: outputsBefore)
        record.finalMetrics = ingestor.finalValues
        record.lastValues = ingestor.lastValues
        record.eventCount = ingestor.eventCount
        record.invalidEventLines = ingestor.invalidLines
        if let w = ingestor.writeFailure { record.provenance["events_write_error"] = .string(w) }
        try RunRecordFile.write(record, in: prepared.runHandle)

        // The ledger: the finish line, then any overrun of the experiment budget.
        do {
            try prepared.ledger.append(finishedEntry(record))
            for reason in overruns(record, stopReason: stopStatus == .budgetExhausted ? stopReason : nil) {
                try prepared.ledger.append(JSONObject([("event", "overrun"), ("run_id", .string(record.runID)), ("reason", .string(reason))]))
            }
        } catch { throw .ledger(error) }
        for log in ["stdout.log", "stderr.log", "events.jsonl"] { RecordWitnesses.finished(prepared.runDir + "/" + log) }
        observer?.finished(record)
        return record
    }

    private func finishedEntry(_ r: RunRecord, neverStarted: Bool = false) -> JSONObject {
        var entry = JSONObject([("event", "run_finished"), ("run_id", .string(r.runID)), ("status", .string(r.status.rawValue)),
                                ("started_at", .string(r.startedAt)), ("wall_seconds", .number(r.wallSeconds)),
                                ("gpu_hours", .number(r.gpuHours)), ("steps", .number(Double(r.steps)))])
        if neverStarted { entry["never_started"] = .bool(true) }
        return entry
    }

    private func overruns(_ r: RunRecord, stopReason: String?) -> [String] {
        let s = prepared.standing
        var out: [String] = []
        if let stopReason { out.append("run stopped: " + stopReason) }
        if let max = s.maxWallSeconds, s.summary.wallSeconds + r.wallSeconds > max {
            out.append("wall-clock total \(DurationText.format(seconds: s.summary.wallSeconds + r.wallSeconds)) exceeds the budget of \(DurationText.format(seconds: max)) after run \(r.runID)")
        }
        if r.gpuHours > 0, let max = s.maxGPUHours, s.summary.gpuHours + r.gpuHours > max {
            out.append("GPU-hour total \(EventValues.format(s.summary.gpuHours + r.gpuHours)) exceeds the budget of \(EventValues.format(max)) after run \(r.runID)")
        }
        return out
    }
}

/// Writes all bytes to fd (retrying partial writes); false on error.
@discardableResult
func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            if errno == EAGAIN { usleep(1000); continue }
            return false
        }
        offset += n
    }
    return true
}
