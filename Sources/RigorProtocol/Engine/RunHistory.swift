import Foundation
import RigorBasics
import RigorSupervisor

/// One attempt of a unit as found on disk and in the journal.
public struct RunAttempt: Sendable {
    public var number: Int
    public var runID: String
    /// The run's record (`runs/<run-id>/run.json`), when one was written.
    public var record: RunRecord?
    /// The executor refused or failed to make the run (from the journal); no record exists.
    public var launchError: String?
    /// The budget refused the run before it started (a kind of launch error).
    public var refusedByBudget = false

    /// The run reached an end of its own (any status but incomplete/interrupted). A run that
    /// could not be launched never started: it is not finished, costs nothing, and its unit
    /// runs again once the cause (usually the plan) is fixed.
    public var isFinished: Bool {
        guard let record else { return false }
        return record.endedAt != nil && record.status != .incomplete && record.status != .interrupted
    }

    /// Launched, and never finished: the engine died under it (re-run under a new attempt).
    public var isAbandoned: Bool { !isFinished && launchError == nil }

    public var succeeded: Bool { record?.status == .succeeded && isFinished }
}

/// Everything already known about the runs of an experiment: the basis of resume.
public struct RunHistory: Sendable {
    public var attempts: [RunUnit: [RunAttempt]] = [:]
    /// Run ids the journal already marks as superseded.
    public var superseded: Set<String> = []

    /// Reads `runs/*/run.json` under the results dir and the journal's entries for the plan's units.
    public static func load(resultsDir: String, units: [RunUnit], journal entries: [JSONObject]) -> RunHistory {
        var history = RunHistory()
        let runsDir = resultsDir + "/runs"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runsDir)) ?? []
        var started: [String] = []
        var launchErrors: [String: String] = [:]
        for entry in entries {
            guard let event = entry["event"]?.stringValue, let id = entry["run_id"]?.stringValue else { continue }
            switch event {
            case "run_started": started.append(id)
            case "run_launch_failed": launchErrors[id] = entry["error"]?.stringValue ?? "launch failed"
            case "run_superseded": history.superseded.insert(id)
            default: break
            }
        }
        for unit in units {
            var byNumber: [Int: RunAttempt] = [:]
            for id in Set(names + started) {
                guard let n = unit.attempt(of: id) else { continue }
                let record = try? RunRecordFile.read(runDir: runsDir + "/" + id)
                byNumber[n] = RunAttempt(number: n, runID: id, record: record, launchError: launchErrors[id])
            }
            history.attempts[unit] = byNumber.values.sorted { $0.number < $1.number }
        }
        return history
    }

    public func attempts(of unit: RunUnit) -> [RunAttempt] { attempts[unit] ?? [] }

    /// The next attempt number for a unit.
    public func nextAttempt(of unit: RunUnit) -> Int { (attempts(of: unit).map(\.number).max() ?? 0) + 1 }

    /// Attempts that never finished (the engine died under them); each is re-run under a new attempt.
    public func unfinished(of unit: RunUnit) -> [RunAttempt] { attempts(of: unit).filter(\.isAbandoned) }

    /// Units with at least one attempt that started (has a run record): their command and rules are fixed.
    public var startedUnits: [RunUnit: [RunRecord]] {
        var out: [RunUnit: [RunRecord]] = [:]
        for (unit, list) in attempts {
            let records = list.compactMap(\.record)
            if !records.isEmpty { out[unit] = records }
        }
        return out
    }
}

