import Foundation
import RigorBasics
import RigorSupervisor

/// Text and JSON forms of protocol events, shared by the renderers.
enum EventText {
    static func unitText(_ u: RunUnit) -> String {
        var parts = [u.phase.rawValue]
        if let s = u.step { parts.append(s) }
        if let a = u.arm { parts.append("arm=\(a)") }
        if let s = u.seed { parts.append("seed=\(s)") }
        return parts.joined(separator: " ")
    }

    static func values(_ o: JSONObject) -> String {
        o.map { "\($0.key)=\(short($0.value))" }.joined(separator: " ")
    }

    static func short(_ v: JSONValue) -> String {
        if case .number(let d) = v, d.isFinite, d != d.rounded() { return String(format: "%.4g", d) }
        return v.serialized(pretty: false)
    }

    static func duration(_ s: Double) -> String { DurationText.format(seconds: s) }

    /// One line for a non-terminal log; nil for events that only a live display uses.
    static func line(_ event: ProtocolEvent) -> String? {
        switch event {
        case .started(let exp, let slots, let total, let finished, let resumed):
            return "\(resumed ? "resuming" : "starting") \(exp): \(total) run(s) planned, \(finished) already finished, \(slots) slot(s)"
        case .phaseStarted(let phase, let units): return "phase \(phase.rawValue): \(units) run(s)"
        case .runStarted(let id, let unit, _): return "started \(id) (\(unitText(unit)))"
        case .runFinished(let id, _, let status, let wall, let values):
            return "finished \(id): \(status) in \(duration(wall))" + (values.isEmpty ? "" : " " + EventText.values(values))
        case .runReused(let id, _, let status): return "kept \(id): \(status) in an earlier session"
        case .runSuperseded(let id, _, let reason): return "superseded \(id): \(reason); it runs again under a new attempt"
        case .gate(let phase, let passed, let detail): return "\(phase.rawValue) gate \(passed ? "passed" : "failed"): \(detail)"
        case .tick: return nil
        case .finished(let aborted, let reason, let path):
            guard let path else { return "stopped: \(reason ?? ""); nothing was written to metrics.json; fix the cause and run again" }
            return aborted ? "aborted: \(reason ?? "") (metrics: \(path))" : "completed (metrics: \(path))"
        }
    }

    static func json(_ event: ProtocolEvent) -> JSONValue {
        func unit(_ u: RunUnit) -> [(String, JSONValue)] {
            [("phase", .string(u.phase.rawValue)), ("arm", u.arm.map { .string($0) } ?? .null),
             ("seed", u.seed.map { .number(Double($0)) } ?? .null), ("step", u.step.map { .string($0) } ?? .null)]
        }
        var o: [(String, JSONValue)]
        switch event {
        case .started(let exp, let slots, let total, let finished, let resumed):
            o = [("event", "started"), ("experiment", .string(exp)), ("slots", .number(Double(slots))),
                 ("runs_planned", .number(Double(total))), ("already_finished", .number(Double(finished))), ("resumed", .bool(resumed))]
        case .phaseStarted(let phase, let units):
            o = [("event", "phase_started"), ("phase", .string(phase.rawValue)), ("runs", .number(Double(units)))]
        case .runStarted(let id, let u, let command):
            o = [("event", "run_started"), ("run_id", .string(id))] + unit(u) + [("command", .array(command.map { .string($0) }))]
        case .runFinished(let id, let u, let status, let wall, let values):
            o = [("event", "run_finished"), ("run_id", .string(id))] + unit(u)
                + [("status", .string(status)), ("wall_seconds", .number(wall)), ("values", .object(values))]
        case .runReused(let id, let u, let status):
            o = [("event", "run_kept"), ("run_id", .string(id))] + unit(u) + [("status", .string(status))]
        case .runSuperseded(let id, let u, let reason):
            o = [("event", "run_superseded"), ("run_id", .string(id))] + unit(u) + [("reason", .string(reason))]
        case .gate(let phase, let passed, let detail):
            o = [("event", "gate"), ("phase", .string(phase.rawValue)), ("passed", .bool(passed)), ("detail", .string(detail))]
        case .tick(let running, let usage):
            o = [("event", "tick"),
                 ("running", .array(running.map { .object(JSONObject([("run_id", .string($0.runID)), ("elapsed_seconds", .number($0.elapsedSeconds)), ("latest", .object($0.latest))])) })),
                 ("gpu_hours", .number(usage.gpuHours)), ("wall_seconds", .number(usage.wallSeconds)),
                 ("runs_recorded", .number(Double(usage.runsRecorded))),
                 ("estimated_seconds_left", usage.estimatedSecondsLeft.map { .number($0) } ?? .null)]
        case .finished(let aborted, let reason, let path):
            o = [("event", "finished"), ("aborted", .bool(aborted)), ("abort_reason", reason.map { .string($0) } ?? .null),
                 ("metrics", path.map { .string($0) } ?? .null), ("stopped", .bool(path == nil))]
        }
        return .object(JSONObject(o))
    }
}
