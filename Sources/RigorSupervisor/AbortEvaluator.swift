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
/// Rules are compiled against the run's `MetricKeyTable`: metrics are ids, latest values
/// an array indexed by id (nil: no numeric value yet), so evaluation hashes nothing.
/// Not thread-safe: owned by one run's monitor thread.
struct AbortEvaluator {
    struct Meters { var wall: Double; var gpuHours: Double; var step: Double? }
    private struct Tracker { var best: Double?; var since = 0; var limit: Int; var maximize: Bool }

    private indirect enum Term {
        case number(Double), metric(Int), wall, gpuHours, step
        case negate(Term)
    }

    private indirect enum Condition {
        case compare(Term, ComparisonOperator, Term)
        case isNaN(Term), isInf(Term)
        case anyNaN, anyInf
        case noImprovement(tracker: Int)
        case and(Condition, Condition), or(Condition, Condition), not(Condition)
    }

    private struct Compiled {
        var source: String
        var holdFor: Int
        var afterStep: Double?
        var condition: Condition
        /// The rule's metrics (sorted by name) for the trip's values.
        var inputs: [(name: String, key: Int)]
        var readsWall: Bool
        var readsGPUHours: Bool
    }

    private var compiled: [Compiled]
    private var holdCounts: [Int]
    private var trackers: [Tracker] = []
    /// By metric id: the rules that read it.
    private var rulesByKey: [[Int]] = []
    /// By metric id: the trackers fed by it.
    private var trackersByKey: [[Int]] = []
    private var metricFreeRules: [Int] = []
    /// Rules over every logged value (any(isnan), any(isinf)): evaluated at each event, never on a tick.
    private var anyValueRules: [Int] = []
    private var evaluatedStamp: [Int]
    private var stamp = 0
    private(set) var tripped: AbortTrip?

    /// Compiles `rules`, interning their metric names in `keys`.
    init(rules: [AbortRule], keys: inout MetricKeyTable) {
        compiled = []
        holdCounts = Array(repeating: 0, count: rules.count)
        evaluatedStamp = Array(repeating: -1, count: rules.count)
        var trackerSlots: [Int: Int] = [:]  // (rule index << 32 | slot in the rule) -> tracker index
        for (i, rule) in rules.enumerated() {
            for t in rule.condition.trackers {
                let key = keys.id(t.metric)
                trackerSlots[i << 32 | t.slot] = trackers.count
                AbortEvaluator.append(trackers.count, at: key, to: &trackersByKey)
                trackers.append(Tracker(limit: t.count, maximize: t.maximize))
            }
            let metrics = rule.metrics.sorted()
            if metrics.isEmpty {
                if rule.readsEveryValue { anyValueRules.append(i) } else { metricFreeRules.append(i) }
            }
            var inputs: [(name: String, key: Int)] = []
            for m in metrics { inputs.append((m, keys.id(m))) }
            for input in inputs { AbortEvaluator.append(i, at: input.key, to: &rulesByKey) }
            let condition = AbortEvaluator.compile(rule.condition, keys: &keys) { trackerSlots[i << 32 | $0] ?? 0 }
            compiled.append(Compiled(source: rule.source, holdFor: rule.holdFor, afterStep: rule.afterStep, condition: condition, inputs: inputs,
                                     readsWall: rule.source.contains("wall"), readsGPUHours: rule.source.contains("gpu_hours")))
        }
    }

    private static func append(_ value: Int, at key: Int, to table: inout [[Int]]) {
        while table.count <= key { table.append([]) }
        table[key].append(value)
    }

    private static func compile(_ t: AbortTerm, keys: inout MetricKeyTable) -> Term {
        switch t {
        case .number(let d): return .number(d)
        case .metric(let m): return .metric(keys.id(m))
        case .wall: return .wall
        case .gpuHours: return .gpuHours
        case .step: return .step
        case .negate(let x): return .negate(compile(x, keys: &keys))
        }
    }

    private static func compile(_ e: AbortExpression, keys: inout MetricKeyTable, tracker: (Int) -> Int) -> Condition {
        switch e {
        case .compare(let a, let op, let b): return .compare(compile(a, keys: &keys), op, compile(b, keys: &keys))
        case .isNaN(let t): return .isNaN(compile(t, keys: &keys))
        case .isInf(let t): return .isInf(compile(t, keys: &keys))
        case .anyNaN: return .anyNaN
        case .anyInf: return .anyInf
        case .noImprovement(_, _, _, let slot): return .noImprovement(tracker: tracker(slot))
        case .and(let a, let b): return .and(compile(a, keys: &keys, tracker: tracker), compile(b, keys: &keys, tracker: tracker))
        case .or(let a, let b): return .or(compile(a, keys: &keys, tracker: tracker), compile(b, keys: &keys, tracker: tracker))
        case .not(let x): return .not(compile(x, keys: &keys, tracker: tracker))
        }
    }

    var isEmpty: Bool { compiled.isEmpty }
    var hasMetricFreeRules: Bool { !metricFreeRules.isEmpty }

    /// Feeds one event's numeric values (already merged into `latest`, indexed by key id);
    /// returns the first trip.
    mutating func observe(eventNumbers: ArraySlice<(key: Int, value: Double)>, latest: [Double?], meters: Meters, eventNumber: Int) -> AbortTrip? {
        guard tripped == nil, !compiled.isEmpty else { return nil }
        stamp += 1
        if !trackers.isEmpty {
            for (key, value) in eventNumbers where key < trackersByKey.count {
                for t in trackersByKey[key] { update(t, value: value) }
            }
        }
        for (key, _) in eventNumbers where key < rulesByKey.count {
            for i in rulesByKey[key] where evaluatedStamp[i] != stamp {
                evaluatedStamp[i] = stamp
                if let trip = evaluate(i, latest: latest, meters: meters, eventNumber: eventNumber) { return trip }
            }
        }
        for i in metricFreeRules + anyValueRules {
            if let trip = evaluate(i, latest: latest, meters: meters, eventNumber: eventNumber) { return trip }
        }
        return nil
    }

    /// Re-checks rules that read no metric (wall, gpu_hours, step) between events.
    mutating func tick(latest: [Double?], meters: Meters) -> AbortTrip? {
        guard tripped == nil else { return nil }
        for i in metricFreeRules {
            if let trip = evaluate(i, latest: latest, meters: meters, eventNumber: nil) { return trip }
        }
        return nil
    }

    private mutating func update(_ i: Int, value: Double) {
        if let best = trackers[i].best {
            let better = trackers[i].maximize ? value > best : value < best
            if better { trackers[i].best = value; trackers[i].since = 0 } else { trackers[i].since += 1 }
        } else if value.isNaN {
            trackers[i].since += 1
        } else {
            trackers[i].best = value; trackers[i].since = 0
        }
    }

    private mutating func evaluate(_ i: Int, latest: [Double?], meters: Meters, eventNumber: Int?) -> AbortTrip? {
        if let after = compiled[i].afterStep {
            guard let step = meters.step, step > after else { return nil }
        }
        if AbortEvaluator.truth(compiled[i].condition, latest: latest, trackers: trackers, meters: meters) {
            holdCounts[i] += 1
        } else {
            holdCounts[i] = 0
        }
        guard holdCounts[i] >= compiled[i].holdFor else { return nil }
        var values: [(name: String, value: Double)] = compiled[i].inputs.compactMap { input in
            input.key < latest.count ? latest[input.key].map { (input.name, $0) } : nil
        }
        if compiled[i].readsWall { values.append(("wall", meters.wall)) }
        if compiled[i].readsGPUHours { values.append(("gpu_hours", meters.gpuHours)) }
        let trip = AbortTrip(rule: compiled[i].source, step: meters.step, eventNumber: eventNumber, values: values)
        tripped = trip
        return trip
    }

    // Static, with borrowed inputs: evaluation copies nothing and retains nothing.
    private static func value(_ t: Term, latest: borrowing [Double?], meters: Meters) -> Double? {
        switch t {
        case .number(let d): return d
        case .metric(let k): return k < latest.count ? latest[k] : nil
        case .wall: return meters.wall
        case .gpuHours: return meters.gpuHours
        case .step: return meters.step
        case .negate(let x): return value(x, latest: latest, meters: meters).map { -$0 }
        }
    }

    private static func truth(_ e: Condition, latest: borrowing [Double?], trackers: borrowing [Tracker], meters: Meters) -> Bool {
        switch e {
        case .compare(let a, let op, let b):
            guard let x = value(a, latest: latest, meters: meters), let y = value(b, latest: latest, meters: meters) else { return false }
            return op.apply(x, y)
        case .isNaN(let t): return value(t, latest: latest, meters: meters)?.isNaN ?? false
        case .isInf(let t): return value(t, latest: latest, meters: meters)?.isInfinite ?? false
        case .anyNaN: return latest.contains { $0?.isNaN ?? false }
        case .anyInf: return latest.contains { $0?.isInfinite ?? false }
        case .noImprovement(let i): return trackers[i].since >= trackers[i].limit
        case .and(let a, let b): return truth(a, latest: latest, trackers: trackers, meters: meters) && truth(b, latest: latest, trackers: trackers, meters: meters)
        case .or(let a, let b): return truth(a, latest: latest, trackers: trackers, meters: meters) || truth(b, latest: latest, trackers: trackers, meters: meters)
        case .not(let x): return !truth(x, latest: latest, trackers: trackers, meters: meters)
        }
    }
}
