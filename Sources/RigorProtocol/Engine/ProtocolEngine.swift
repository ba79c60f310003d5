import Foundation
import RigorBasics
import RigorSpec
import RigorSupervisor
import Synchronization

/// Executes a checked plan: sanity → baseline reproduction (gate) → MVE (gate) → full protocol,
/// resumably, then writes config.json and metrics.json to the results dir.
public final class ProtocolEngine: Sendable {
    public let checked: CheckedPlan
    public let resultsDir: String
    let executor: any RunExecutor
    let options: ProtocolOptions
    let sink: any ProtocolEventSink
    let state = Mutex(EngineState())
    let live = LiveValues()

    struct EngineState {
        var running: [String: (unit: RunUnit, started: Date)] = [:]
        var records: [String: RunRecord] = [:]            // every run record known (history + this session)
        var finishedUnits: Set<RunUnit> = []
        var retries = 0
        var superseded: [String] = []
        var fullDurations: [Double] = []
        var phaseGuard: (any PhaseGuard)?
        /// Arms a spec criterion skipped (arm → why), and the units not started for it.
        var skippedArms: [String: String] = [:]
        var skippedUnits: [String] = []
        /// A criterion over the experiment's totals held: no further run starts.
        var experimentStop: String?
    }

    /// The wrapper runs launch through: the guard's sandbox once it has begun, else the option.
    var launchWrapper: (any LaunchWrapper)? {
        state.withLock { s in s.phaseGuard.map { $0.wrapper } ?? options.wrapper }
    }

    /// The results dir of a plan: the plan's `results:`, else `results/<spec file name>` of the spec's workspace.
    public static func resultsDir(for plan: ProtocolPlan) throws(ProtocolError) -> String {
        if let dir = plan.resultsDirectory { return dir }
        guard let workspace = Workspace.containing(specPath: plan.specPath) else { throw .noResultsDir(specPath: plan.specPath) }
        return workspace.resultsDir(forExperiment: Workspace.experimentID(specPath: plan.specPath))
    }

    public init(checked: CheckedPlan, resultsDir: String, executor: any RunExecutor, options: ProtocolOptions,
                sink: any ProtocolEventSink = SilentSink()) {
        self.checked = checked; self.resultsDir = resultsDir; self.executor = executor; self.options = options; self.sink = sink
    }

    var plan: ProtocolPlan { checked.plan }

    /// Runs (or resumes) the protocol. Throws only when the engine cannot work (lock held, files unwritable);
    /// an experiment that aborts is a normal outcome with `aborted == true`.
    public func run() async throws(ProtocolError) -> ProtocolOutcome {
        do {
            try FileManager.default.createDirectory(atPath: resultsDir + "/runs", withIntermediateDirectories: true)
        } catch { throw .io(path: resultsDir, reason: "cannot create the results dir: \(error.localizedDescription)") }
        let lock = try ExperimentLock(resultsDir: resultsDir)
        defer { withExtendedLifetime(lock) {} }
        try SpecFreeze.ensure(spec: checked.spec, resultsDir: resultsDir)
        let journal = try ProtocolJournal(resultsDir: resultsDir)
        let entries = try ProtocolJournal.read(path: journal.path)
        let units = checked.units
        let history = RunHistory.load(resultsDir: resultsDir, units: units, journal: entries)
        // The plan may only change where no run was made yet (docs/plan.md, "Plan changes").
        let fingerprint = PlanFingerprint(checked)
        let conflicts = PlanFingerprint.conflicts(checked, history: history, journal: entries)
        if !conflicts.isEmpty { throw .planChanged(planPath: plan.path, differences: conflicts) }
        if let previous = entries.last(where: { $0["event"]?.stringValue == "session_started" && $0["plan_fingerprint"] != nil }),
           let was = previous["plan_fingerprint"]?.stringValue, was != fingerprint.sha256 {
            let changed = fingerprint.changedSections(since: previous["plan"]?.objectValue ?? JSONObject())
            try journal.append("plan_revised", JSONObject([
                ("from", .string(was)), ("to", .string(fingerprint.sha256)), ("changed", .array(changed.map { .string($0) })),
            ]))
        }
        if let begin = options.beginGuard {
            do { let g = try begin(); state.withLock { $0.phaseGuard = g } } catch {
                throw .guardFailed(reason: "\(error)")
            }
        }

        // Facts from earlier sessions: records, superseded attempts.
        state.withLock { s in
            for unit in units {
                for attempt in history.attempts(of: unit) { if let r = attempt.record { s.records[r.runID] = r } }
            }
            s.superseded = entries.compactMap { $0["event"]?.stringValue == "run_superseded" ? $0["run_id"]?.stringValue : nil }
        }
        let resumed = !entries.isEmpty
        let alreadyFinished = units.filter { unit in
            let attempts = history.attempts(of: unit)
            return attempts.contains(where: \.succeeded) || attempts.filter(\.isFinished).count > plan.retries
        }.count
        sink.handle(.started(experiment: checked.spec.experimentID, slots: options.slots, unitsTotal: units.count,
                             alreadyFinished: alreadyFinished, resumed: resumed))
        try journal.append("session_started", JSONObject([
            ("pid", .number(Double(getpid()))), ("resumed", .bool(resumed)), ("slots", .number(Double(options.slots))),
            ("plan_sha256", .string((try? SHA256.hex(fileAt: plan.path)) ?? "")),
            ("plan_fingerprint", .string(fingerprint.sha256)), ("plan", .object(fingerprint.sections)),
            ("workspace_root", Workspace.containing(specPath: plan.specPath).map { .string($0.root) } ?? .null),
        ]))
        // Attempts an earlier session left unfinished: kept as they are, marked superseded, re-run under a new attempt.
        for unit in units {
            for attempt in history.unfinished(of: unit) where !history.superseded.contains(attempt.runID) {
                let reason = attempt.record.map { "its record says \($0.status.rawValue)\($0.endedAt == nil ? ", no end" : "")" }
                    ?? "no run record was written"
                try journal.append("run_superseded", JSONObject([("run_id", .string(attempt.runID)), ("reason", .string(reason))]))
                state.withLock { $0.superseded.append(attempt.runID) }
                sink.handle(.runSuperseded(runID: attempt.runID, unit: unit, reason: reason))
            }
        }

        let context = RunContext(history: history, journal: journal)
        let phases: Result<PhaseResults, ProtocolError> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.tickLoop() }
            let result: Result<PhaseResults, ProtocolError>
            do throws(ProtocolError) { result = .success(try await self.runPhases(context)) } catch { result = .failure(error) }
            group.cancelAll()
            return result
        }
        let results = try phases.get()
        if Task.isCancelled {
            try journal.append("interrupted")
            throw .interrupted
        }
        return try finish(results, journal: journal)
    }

    // MARK: - Phases

    struct RunContext: Sendable {
        let history: RunHistory
        let journal: ProtocolJournal
    }

    /// Everything the phases produced, for metrics.json.
    struct PhaseResults: Sendable {
        var sanity: [UnitResult] = []
        var sanityOutcomes: [CheckOutcome] = []
        var baseline: [UnitResult] = []
        var baselineLines: [String] = []
        var mve: [UnitResult] = []
        var mveOutcomes: [CheckOutcome] = []
        var full: [UnitResult] = []
        var abortReason: String?
        var reachedFull = false
        /// A run could not be launched: the session stops without writing metrics.json, and
        /// the unit runs again once the cause is fixed.
        var launchFailure: String?
    }

    /// The first unit of `phase` that could not be launched, as the session's stop reason.
    func launchFailure(in units: [UnitResult]) -> String? {
        units.first(where: \.launchFailed).map(\.failureText)
    }

    func runPhases(_ context: RunContext) async throws(ProtocolError) -> PhaseResults {
        var results = PhaseResults()
        let journal = context.journal

        // 1. Sanity checks.
        if !checked.sanityUnits.isEmpty {
            sink.handle(.phaseStarted(.sanity, units: checked.sanityUnits.count))
            results.sanity = try await runUnits(checked.sanityUnits, context, stopOnAnyFailure: true)
            if let why = launchFailure(in: results.sanity) { results.launchFailure = why; return results }
            if let why = state.withLock({ $0.experimentStop }) { results.abortReason = why; return results }
            var failures: [String] = []
            for result in results.sanity {
                guard let step = plan.sanity.first(where: { $0.name == result.unit.step }) else { continue }
                guard let record = result.record else { failures.append("sanity '\(step.name)': " + result.failureText); continue }
                for check in step.checks {
                    let outcome = CheckEvaluator.evaluate(check, record: record)
                    results.sanityOutcomes.append(outcome)
                    if !outcome.passed { failures.append("sanity check '\(check.name)' failed: \(outcome.text)") }
                }
            }
            if results.sanity.count < checked.sanityUnits.count && failures.isEmpty { failures.append("sanity checks stopped before every step ran") }
            let passed = failures.isEmpty
            try gate(.sanity, passed: passed, detail: passed ? "\(results.sanity.count) sanity step(s) passed" : failures.joined(separator: "; "), journal)
            if !passed { results.abortReason = failures.joined(separator: "; "); return results }
        }

        // 2. Baseline reproduction.
        sink.handle(.phaseStarted(.baseline, units: checked.baselineUnits.count))
        results.baseline = try await runUnits(checked.baselineUnits, context, stopOnAnyFailure: true)
        if let why = launchFailure(in: results.baseline) { results.launchFailure = why; return results }
        if let why = state.withLock({ $0.experimentStop }) { results.abortReason = why; return results }
        if let failed = results.baseline.first(where: { !$0.succeeded }) {
            let reason = "baseline reproduction: " + failed.failureText
            try gate(.baseline, passed: false, detail: reason, journal)
            results.abortReason = reason
            return results
        }
        var outside: [String] = []
        for e in checked.expectations {
            let event = plan.metrics.first { $0.metric == e.metric }?.event ?? e.metric
            let values = results.baseline.compactMap { $0.record.flatMap { EventValues.value(event, in: $0)?.doubleValue } }
            let expected = "expected \(fmt(e.expected)) ± \(fmt(e.tolerance)) (\(e.source))"
            guard let aggregate = MetricAggregate(values), values.count == results.baseline.count else {
                outside.append("\(e.metric): no value reported by \(results.baseline.count - values.count) baseline run(s); \(expected)")
                continue
            }
            let line = "\(e.metric) measured \(fmt(aggregate.mean)) (mean of \(aggregate.n) run(s)), \(expected)"
            results.baselineLines.append(line)
            if !(abs(aggregate.mean - e.expected) <= e.tolerance) { outside.append("baseline outside tolerance: " + line) }
        }
        let baselinePassed = outside.isEmpty
        try gate(.baseline, passed: baselinePassed, detail: baselinePassed ? results.baselineLines.joined(separator: "; ") : outside.joined(separator: "; "), journal)
        if !baselinePassed { results.abortReason = outside.joined(separator: "; "); return results }

        // 3. Minimum viable experiment.
        if let mve = plan.mve {
            sink.handle(.phaseStarted(.mve, units: checked.mveUnits.count))
            results.mve = try await runUnits(checked.mveUnits, context, stopOnAnyFailure: true)
            if let why = launchFailure(in: results.mve) { results.launchFailure = why; return results }
            if let why = state.withLock({ $0.experimentStop }) { results.abortReason = why; return results }
            var failures: [String] = []
            for result in results.mve {
                guard let record = result.record else { failures.append("MVE: " + result.failureText); continue }
                for check in mve.checks {
                    let outcome = CheckEvaluator.evaluate(check, record: record)
                    results.mveOutcomes.append(outcome)
                    if !outcome.passed { failures.append("MVE check '\(check.name)' failed: \(outcome.text)") }
                }
            }
            let passed = failures.isEmpty
            try gate(.mve, passed: passed, detail: passed ? "\(results.mveOutcomes.count) MVE check(s) passed" : failures.joined(separator: "; "), journal)
            if !passed { results.abortReason = failures.joined(separator: "; "); return results }
        }

        // 4. Full protocol: seeds × arms on the slots.
        results.reachedFull = true
        sink.handle(.phaseStarted(.full, units: checked.fullUnits.count))
        results.full = try await runUnits(checked.fullUnits, context, stopOnAnyFailure: plan.onFailure == .stop)
        if let why = launchFailure(in: results.full) { results.launchFailure = why; return results }
        if let stopper = results.full.first(where: { !$0.succeeded && !$0.continuesExperiment && ($0.stoppedByRule || plan.onFailure == .stop) }) {
            results.abortReason = "full protocol: " + stopper.failureText
        } else if let why = state.withLock({ $0.experimentStop }) {
            results.abortReason = why
        }
        return results
    }

    func gate(_ phase: RunPhase, passed: Bool, detail: String, _ journal: ProtocolJournal) throws(ProtocolError) {
        try journal.append("gate", JSONObject([("phase", .string(phase.rawValue)), ("passed", .bool(passed)), ("detail", .string(detail))]))
        sink.handle(.gate(phase, passed: passed, detail: detail))
    }

    func fmt(_ d: Double) -> String { JSONValue.format(number: d).replacingOccurrences(of: "\"", with: "") }
}
