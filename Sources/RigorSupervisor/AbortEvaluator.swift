import Foundation

/// Which rule tripped, and the facts at that moment.
public struct AbortTrip: Sendable, Equatable {
    public var rule: String
    /// The step of the tripping event (nil for a time rule between events or an event without step).
    public var step: Double?
    /// Index (1-based) of the tripping event among the run's events; nil when a timer tripped it.
    public var eventNumber: Int?
    /// The rule's inputs at that moment: its metrics' latest values, plus wall/gpu_hours when used.
    public var values: [(name: String, value: Double)]

    public static func == (a: AbortTrip, b: AbortTrip) -> Bool {
        a.rule == b.rule && a.step == b.step && a.eventNumber == b.eventNumber
            && a.values.map(\.name) == b.values.map(\.name)
            && zip(a.values, b.values).allSatisfy { $0.value == $1.value || ($0.value.isNaN && $1.value.isNaN) }
    }

    /// `abort rule "isnan(loss)" tripped at step 12 (event 40): loss=nan`.
    public var reason: String {
        var s = "abort rule \"\(rule)\" tripped"
        if let step { s += " at step \(EventValues.format(step))" }
        if let eventNumber { s += " (event \(eventNumber))" } else { s += " (timer)" }
        if !values.isEmpty { s += ": " + values.map { "\($0.name)=\(EventValues.format($0.value))" }.joined(separator: ", ") }
        return s
    }
}

/// Evaluates a set of abort rules against the stream of events and the run's meters.
/// Not thread-safe: owned by one run's monitor thread.
struct AbortEvaluator {
    struct Meters { var wall: Double; var gpuHours: Double; var step: Double? }
    private struct Tracker { var best: Double?; var since = 0 }

    private(set) var rules: [AbortRule]
    private var holdCounts: [Int]
    private var trackers: [Int: Tracker] = [:]
    /// metric → (rule index) for rules that read it.
    private var rulesByMetric: [String: [Int]] = [:]
    /// metric → tracker (slot, maximize).
    private var trackersByMetric: [String: [(slot: Int, maximize: Bool)]] = [:]
    private var trackerLimit: [Int: Int] = [:]
    private var metricFreeRules: [Int] = []
    private var evaluatedStamp: [Int]
    private var stamp = 0
    private(set) var tripped: AbortTrip?

    init(rules: [AbortRule]) {
        self.rules = rules
        holdCounts = Array(repeating: 0, count: rules.count)
        evaluatedStamp = Array(repeating: -1, count: rules.count)
        for (i, rule) in rules.enumerated() {
            let metrics = rule.metrics
            if metrics.isEmpty { metricFreeRules.append(i) }
            for m in metrics { rulesByMetric[m, default: []].append(i) }
            for t in rule.condition.trackers {
                // Slots are per rule; make them global by offsetting with the rule index.
                let slot = i * 1000 + t.slot
                trackersByMetric[t.metric, default: []].append((slot, t.maximize))
                trackerLimit[slot] = t.count
            }
        }
        // Rewrite tracker slots inside conditions to the global numbering.
        var rewritten = rules
        for i in rewritten.indices { rewritten[i].condition = AbortEvaluator.offset(rewritten[i].condition, by: i * 1000) }
        self.rules = rewritten
    }

    private static func offset(_ e: AbortExpression, by base: Int) -> AbortExpression {
        switch e {
        case .noImprovement(let m, let n, let max, let s): return .noImprovement(metric: m, count: n, maximize: max, slot: base + s)
        case .and(let a, let b): return .and(offset(a, by: base), offset(b, by: base))
        case .or(let a, let b): return .or(offset(a, by: base), offset(b, by: base))
        case .not(let x): return .not(offset(x, by: base))
        default: return e
        }
    }

    var isEmpty: Bool { rules.isEmpty }
    var hasMetricFreeRules: Bool { !metricFreeRules.isEmpty }

    /// Feeds one event's numeric values (already merged into `latest`); returns the first trip.
    mutating func observe(eventNumbers: ArraySlice<(String, Double)>, latest: [String: Double], meters: Meters, eventNumber: Int) -> AbortTrip? {
        guard tripped == nil, !rules.isEmpty else { return nil }
        stamp += 1
        if !trackersByMetric.isEmpty { for (name, value) in eventNumbers {
            if let list = trackersByMetric[name] {
                for t in list { update(slot: t.slot, value: value, maximize: t.maximize) }
            }
        } }
        for (name, _) in eventNumbers {
            guard let list = rulesByMetric[name] else { continue }
            for i in list where evaluatedStamp[i] != stamp {
                evaluatedStamp[i] = stamp
                if let trip = evaluate(i, latest: latest, meters: meters, eventNumber: eventNumber) { return trip }
            }
        }
        for i in metricFreeRules {
            if let trip = evaluate(i, latest: latest, meters: meters, eventNumber: eventNumber) { return trip }
        }
        return nil
    }

    /// Re-checks rules that read no metric (wall, gpu_hours, step) between events.
    mutating func tick(latest: [String: Double], meters: Meters) -> AbortTrip? {
        guard tripped == nil else { return nil }
        for i in metricFreeRules {
            if let trip = evaluate(i, latest: latest, meters: meters, eventNumber: nil) { return trip }
        }
        return nil
    }

    private mutating func update(slot: Int, value: Double, maximize: Bool) {
        var t = trackers[slot] ?? Tracker()
        if let best = t.best {
            let better = maximize ? value > best : value < best
            if better { t.best = value; t.since = 0 } else { t.since += 1 }
        } else if value.isNaN {
            t.since += 1
        } else {
            t.best = value; t.since = 0
        }
        trackers[slot] = t
    }

    private mutating func evaluate(_ i: Int, latest: [String: Double], meters: Meters, eventNumber: Int?) -> AbortTrip? {
        let rule = rules[i]
        if let after = rule.afterStep {
            guard let step = meters.step, step > after else { return nil }
        }
        if truth(rule.condition, latest: latest, meters: meters) {
            holdCounts[i] += 1
        } else {
            holdCounts[i] = 0
        }
        guard holdCounts[i] >= rule.holdFor else { return nil }
        var values: [(String, Double)] = rule.metrics.sorted().compactMap { m in latest[m].map { (m, $0) } }
        let text = rule.source
        if text.contains("wall") { values.append(("wall", meters.wall)) }
        if text.contains("gpu_hours") { values.append(("gpu_hours", meters.gpuHours)) }
        let trip = AbortTrip(rule: rule.source, step: meters.step, eventNumber: eventNumber,
                             values: values.map { (name: $0.0, value: $0.1) })
        tripped = trip
        return trip
    }

    private func value(_ t: AbortTerm, latest: [String: Double], meters: Meters) -> Double? {
        switch t {
        case .number(let d): return d
        case .metric(let m): return latest[m]
        case .wall: return meters.wall
        case .gpuHours: return meters.gpuHours
        case .step: return meters.step
        case .negate(let x): return value(x, latest: latest, meters: meters).map { -$0 }
        }
    }

    private func truth(_ e: AbortExpression, latest: [String: Double], meters: Meters) -> Bool {
        switch e {
        case .compare(let a, let op, let b):
            guard let x = value(a, latest: latest, meters: meters), let y = value(b, latest: latest, meters: meters) else { return false }
            return op.apply(x, y)
        case .isNaN(let t): return value(t, latest: latest, meters: meters)?.isNaN ?? false
        case .isInf(let t): return value(t, latest: latest, meters: meters)?.isInfinite ?? false
        case .noImprovement(_, _, _, let slot):
            guard let t = trackers[slot], let limit = trackerLimit[slot] else { return false }
            return t.since >= limit
        case .and(let a, let b): return truth(a, latest: latest, meters: meters) && truth(b, latest: latest, meters: meters)
        case .or(let a, let b): return truth(a, latest: latest, meters: meters) || truth(b, latest: latest, meters: meters)
        case .not(let x): return !truth(x, latest: latest, meters: meters)
        }
    }
}
