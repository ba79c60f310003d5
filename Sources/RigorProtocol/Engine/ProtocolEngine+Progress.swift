import Foundation
import RigorBasics
import RigorSupervisor
import Synchronization

extension ProtocolEngine {
    /// Emits a `.tick` every `options.tickSeconds` until cancelled.
    func tickLoop() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(options.tickSeconds)) } catch { return }
            sink.handle(.tick(running: liveRuns(), usage: usage()))
        }
    }

    func liveRuns() -> [LiveRun] {
        let running = state.withLock { $0.running }
        let now = Date()
        return running.sorted { $0.key < $1.key }.map { id, entry in
            LiveRun(runID: id, unit: entry.unit, elapsedSeconds: now.timeIntervalSince(entry.started),
                    latest: live.latest(id))
        }
    }

    func usage() -> UsageSnapshot {
        let units = checked.units
        let (records, finished, durations, runningCount) = state.withLock { ($0.records, $0.finishedUnits, $0.fullDurations, $0.running.count) }
        var done: [String: Int] = [:]
        var total: [String: Int] = [:]
        for u in units {
            let key = u.phase == .sanity ? "sanity" : "\(u.phase.rawValue)/\(u.arm ?? "")"
            total[key, default: 0] += 1
            if finished.contains(u) { done[key, default: 0] += 1 }
        }
        let usage = ResourceUsage(records: Array(records.values))
        let budget = checked.spec.resourceBudget
        var estimate: Double?
        if !durations.isEmpty {
            let left = units.filter { !finished.contains($0) }.count
            let mean = durations.reduce(0, +) / Double(durations.count)
            estimate = Double(left) * mean / Double(max(1, min(options.slots, max(left, runningCount))))
        }
        return UsageSnapshot(runsDone: done, runsTotal: total, gpuHours: usage.gpuHours, wallSeconds: usage.wallClockSeconds,
                             runsRecorded: usage.totalRuns, maxGPUHours: budget?.maxGPUHours?.value,
                             maxWallSeconds: budget?.maxWallClockSeconds?.value, maxRuns: budget?.maxTrainingRuns?.value,
                             estimatedSecondsLeft: estimate)
    }
}

/// The latest values each running run reported, fed by the Supervisor's observer.
final class LiveValues: Sendable {
    private let values = Mutex([String: JSONObject]())

    func latest(_ runID: String) -> JSONObject { values.withLock { $0[runID] ?? JSONObject() } }
    func update(_ runID: String, _ change: (inout JSONObject) -> Void) { values.withLock { change(&$0[runID, default: JSONObject()]) } }
    func remove(_ runID: String) { values.withLock { _ = $0.removeValue(forKey: runID) } }
}

/// Observer handed to each run: records the latest step and values for live progress.
struct LiveValueObserver: RunObserver {
    let live: LiveValues

    func started(runID: String, runDirectory: String) {}
    func event(_ progress: RunProgress) {
        live.update(progress.runID) { o in
            if let step = progress.step { o["step"] = .number(step) }
            for (name, value) in progress.eventValues { o[name] = .number(value) }
        }
    }
    func tick(_ progress: RunProgress) {}
    func output(_ bytes: UnsafeRawBufferPointer, isStderr: Bool) {}
    func finished(_ record: RunRecord) {}
}
