import Foundation
import RigorBasics
import RigorSupervisor

extension ProtocolEngine {
    /// Runs units on at most `options.slots` at once; after a unit that did not succeed (when
    /// `stopOnAnyFailure`, or when an abort rule/the budget stopped it) no further unit is started.
    /// Units of an arm a spec criterion skipped are not started, nor is any unit once a criterion
    /// over the experiment's totals holds.
    func runUnits(_ units: [RunUnit], _ context: RunContext, stopOnAnyFailure: Bool) async throws(ProtocolError) -> [UnitResult] {
        let slots = options.slots
        let outcome: Result<[UnitResult], ProtocolError> = await withTaskGroup(of: (Result<UnitResult, ProtocolError>, Int).self) { group in
            var pending = units[...]
            var free = Array((0..<slots).reversed())
            var stop = false
            var results: [UnitResult] = []
            var failure: ProtocolError?
            while true {
                while !stop, !free.isEmpty, let unit = pending.first {
                    pending = pending.dropFirst()
                    if let arm = unit.arm, state.withLock({ $0.skippedArms[arm] != nil }) {
                        state.withLock { $0.skippedUnits.append(unit.idPrefix) }
                        continue
                    }
                    if let why = experimentLimitReached() {
                        state.withLock { s in if s.experimentStop == nil { s.experimentStop = why } }
                        stop = true
                        break
                    }
                    let slot = free.removeLast()
                    group.addTask {
                        do throws(ProtocolError) { return (.success(try await self.runUnit(unit, slot: slot, context)), slot) }
                        catch { return (.failure(error), slot) }
                    }
                }
                guard let (result, slot) = await group.next() else { break }
                free.append(slot)
                switch result {
                case .success(let r):
                    results.append(r)
                    if r.criterion?.action == .skipConfiguration, let arm = r.unit.arm {
                        state.withLock { s in if s.skippedArms[arm] == nil { s.skippedArms[arm] = r.failureText } }
                    }
                    if !r.succeeded && ((stopOnAnyFailure && !r.continuesExperiment) || r.stoppedByRule) { stop = true }
                case .failure(let e):
                    if failure == nil { failure = e }
                    stop = true
                }
            }
            if let failure { return .failure(failure) }
            // Report in plan order, whatever order they finished in.
            let order = Dictionary(uniqueKeysWithValues: units.enumerated().map { ($1, $0) })
            return .success(results.sorted { (order[$0.unit] ?? 0) < (order[$1.unit] ?? 0) })
        }
        return try outcome.get()
    }

    /// The first criterion over the experiment's totals that holds (finished runs' wall clock and
    /// GPU-hours from the ledger), as a stop reason; nil when none does.
    func experimentLimitReached() -> String? {
        let rules = checked.experimentRules
        guard !rules.isEmpty else { return nil }
        let ledger = (try? BudgetLedger(experimentDir: resultsDir).read(reconciling: true)) ?? LedgerSummary()
        for r in rules {
            guard let parsed = try? AbortRule.parse(r.rule), parsed.holds(values: [:], wall: ledger.wallSeconds, gpuHours: ledger.gpuHours) else { continue }
            return "spec abort criterion line \(r.criterion.line) (\(r.action.rawValue)): `\(r.rule)` holds over the experiment's totals (wall \(DurationText.format(seconds: ledger.wallSeconds)), \(fmt(ledger.gpuHours)) GPU-hours); no further run was started, partial results are reported"
        }
        return nil
    }

    /// What a spec criterion says about a finished run: a live rule of the spec that tripped it,
    /// or a final-value rule for its phase that holds.
    func criterionHit(_ unit: RunUnit, _ record: RunRecord) -> CriterionHit? {
        if record.status == .aborted, let rule = record.abortEvent?["rule"]?.stringValue {
            let action = checked.action(forLiveRule: rule)
            guard action != .abortExperiment, let derived = checked.derivedRules.first(where: { $0.scope == .live && $0.rule == rule }) else { return nil }
            return CriterionHit(action: action, text: "run \(record.runID): spec abort criterion line \(derived.criterion.line) (\(action.rawValue)): \(record.abortReason ?? "`\(rule)` tripped")")
        }
        guard record.status == .succeeded else { return nil }
        var values: [String: Double] = [:]
        for (k, v) in record.lastValues { if let d = v.doubleValue { values[k] = d } }
        for (k, v) in record.finalMetrics { if let d = v.doubleValue { values[k] = d } }
        for r in checked.finalRules(for: unit.phase) {
            guard let parsed = try? AbortRule.parse(r.rule), parsed.holds(values: values, wall: record.wallSeconds, gpuHours: record.gpuHours) else { continue }
            let read = parsed.metrics.sorted().map { "\($0)=\(values[$0].map(fmt) ?? "none")" }.joined(separator: ", ")
            return CriterionHit(action: r.action, text: "run \(record.runID): spec abort criterion line \(r.criterion.line) (\(r.action.rawValue)): `\(r.rule)` holds on its final values (\(read))")
        }
        return nil
    }

    /// Runs one unit to success or until its retries are spent, reusing what earlier sessions finished.
    func runUnit(_ unit: RunUnit, slot: Int, _ context: RunContext) async throws(ProtocolError) -> UnitResult {
        var attempts = context.history.attempts(of: unit)
        var ranNow = false
        while true {
            let finished = attempts.filter(\.isFinished)
            if let last = finished.last, let record = last.record, let hit = criterionHit(unit, record) {
                if !ranNow { sink.handle(.runReused(runID: last.runID, unit: unit, status: record.status.rawValue)) }
                markDone(unit, record: nil, fresh: false)
                return UnitResult(unit: unit, attempts: attempts, record: nil, lastFailure: last, criterion: hit)
            }
            if let ok = finished.first(where: \.succeeded), let record = ok.record {
                if !ranNow { sink.handle(.runReused(runID: ok.runID, unit: unit, status: record.status.rawValue)) }
                markDone(unit, record: record, fresh: ranNow)
                return UnitResult(unit: unit, attempts: attempts, record: record, lastFailure: nil)
            }
            // One more attempt than `retries` when the spec says to retry once after running out of memory.
            let outOfMemory = finished.filter { $0.record.map { OutOfMemory.detect($0, resultsDir: resultsDir) } ?? false }
            let extra = checked.outOfMemoryRetry != nil && !outOfMemory.isEmpty ? 1 : 0
            if finished.count > plan.retries + extra {
                if !ranNow, let last = finished.last {
                    sink.handle(.runReused(runID: last.runID, unit: unit, status: last.record?.status.rawValue ?? "launch_failed"))
                }
                markDone(unit, record: nil, fresh: false)
                return UnitResult(unit: unit, attempts: attempts, record: nil, lastFailure: finished.last)
            }
            if Task.isCancelled { throw .interrupted }
            if !finished.isEmpty { state.withLock { $0.retries += 1 } }
            let number = (attempts.map(\.number).max() ?? 0) + 1
            let lastWasOutOfMemory = finished.last.map { a in outOfMemory.contains { $0.runID == a.runID } } ?? false
            let attempt = try await runAttempt(unit, number: number, slot: slot, context.journal,
                                               retryReason: lastWasOutOfMemory && extra == 1 ? "out_of_memory" : nil)
            attempts.append(attempt)
            ranNow = true
            // A run that could not be launched (or that the budget refused) is not retried: the
            // cause is outside the run, and nothing was spent.
            if attempt.record == nil {
                markDone(unit, record: nil, fresh: false)
                return UnitResult(unit: unit, attempts: attempts, record: nil, lastFailure: attempt)
            }
        }
    }

    func runAttempt(_ unit: RunUnit, number: Int, slot: Int, _ journal: ProtocolJournal, retryReason: String? = nil) async throws(ProtocolError) -> RunAttempt {
        let runID = unit.runID(attempt: number)
        let command = checked.command(for: unit)
        var environment = ["RIGOR_SLOT": String(slot), "RIGOR_PHASE": unit.phase.rawValue]
        if let arm = unit.arm { environment["RIGOR_ARM"] = arm }
        if let retryReason { environment["RIGOR_RETRY_REASON"] = retryReason }
        if options.gpuSlots { environment["CUDA_VISIBLE_DEVICES"] = String(slot) }
        let kind = unit.phase == .sanity ? (plan.sanity.first { $0.name == unit.step }?.kind ?? .training) : plan.kind
        var request = RunRequest(
            experimentDir: resultsDir, command: command, workingDirectory: plan.workingDirectory, name: unit.idPrefix,
            seed: unit.seed, arm: unit.arm, phase: unit.phase, gpus: plan.gpusPerRun, timeoutSeconds: plan.timeoutSeconds,
            abortRules: checked.abortRules, environment: environment, echoOutput: options.echoOutput, wrapper: launchWrapper,
            runID: runID, budget: checked.spec.resourceBudget)
        request.observer = LiveValueObserver(live: live)
        request.kind = kind
        request.unit = unit.idPrefix
        request.source = "protocol"
        try journal.append("run_started", JSONObject([
            ("run_id", .string(runID)), ("phase", .string(unit.phase.rawValue)), ("arm", unit.arm.map { .string($0) } ?? .null),
            ("seed", unit.seed.map { .number(Double($0)) } ?? .null), ("attempt", .number(Double(number))),
            ("retry_reason", retryReason.map { .string($0) } ?? .null),
        ]))
        state.withLock { $0.running[runID] = (unit, Date()) }
        sink.handle(.runStarted(runID: runID, unit: unit, command: command))
        defer { state.withLock { _ = $0.running.removeValue(forKey: runID) }; live.remove(runID) }
        do {
            let record = try await executor.execute(request)
            state.withLock { $0.records[runID] = record }
            try journal.append("run_finished", JSONObject([
                ("run_id", .string(runID)), ("status", .string(record.status.rawValue)), ("wall_seconds", .number(record.wallSeconds)),
            ]))
            var values = JSONObject()
            for m in plan.metrics { if let v = EventValues.value(m.event, in: record) { values[m.event] = v } }
            sink.handle(.runFinished(runID: runID, unit: unit, status: record.status.rawValue, wallSeconds: record.wallSeconds, values: values))
            return RunAttempt(number: number, runID: runID, record: record, launchError: nil)
        } catch let error as ProtocolError {
            throw error
        } catch {
            var refused = false
            var text = "\(error)"
            if let e = error as? SupervisorError, case .budgetRefused(let why) = e { refused = true; text = why }
            try journal.append("run_launch_failed", JSONObject([("run_id", .string(runID)), ("error", .string(text)),
                                                               ("refused_by_budget", .bool(refused))]))
            sink.handle(.runFinished(runID: runID, unit: unit, status: refused ? "refused" : "launch_failed", wallSeconds: 0, values: JSONObject()))
            var attempt = RunAttempt(number: number, runID: runID, record: nil, launchError: text)
            attempt.refusedByBudget = refused
            return attempt
        }
    }

    func markDone(_ unit: RunUnit, record: RunRecord?, fresh: Bool) {
        state.withLock { s in
            s.finishedUnits.insert(unit)
            if unit.phase == .full, let record { s.fullDurations.append(record.wallSeconds) }
        }
    }
}
