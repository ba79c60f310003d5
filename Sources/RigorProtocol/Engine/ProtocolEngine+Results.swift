import Foundation
import RigorBasics
import RigorResults
import RigorSpec
import RigorSupervisor

extension ProtocolEngine {
    public static let metricsFileName = "metrics.json"
    public static let configFileName = "config.json"

    /// Assembles and writes config.json and metrics.json, validates, and journals the end.
    func finish(_ results: PhaseResults, journal: ProtocolJournal) throws(ProtocolError) -> ProtocolOutcome {
        let records = state.withLock { Array($0.records.values) }.sorted { $0.startedAt < $1.startedAt || ($0.startedAt == $1.startedAt && $0.runID < $1.runID) }
        let phaseGuard = state.withLock { $0.phaseGuard }
        var guardNotes: [String] = []
        if let phaseGuard {
            do { guardNotes = try phaseGuard.finish() } catch {
                guardNotes = ["The protected files could not be verified after the protocol: \(error)"]
            }
        }
        if let why = results.launchFailure {
            try journal.append("stopped", JSONObject([("reason", .string(why))]))
            sink.handle(.finished(aborted: false, reason: why, metricsPath: nil))
            return ProtocolOutcome(metricsPath: resultsDir + "/" + ProtocolEngine.metricsFileName,
                                   configPath: resultsDir + "/" + ProtocolEngine.configFileName, metrics: .null, aborted: false, abortReason: nil,
                                   validationProblems: [], launchFailure: why, guardNotes: guardNotes)
        }
        let metrics = assembleMetrics(results, records: records, extraNotes: guardNotes)
        let config = assembleConfig(results, records: records, sandbox: phaseGuard?.summary ?? options.wrapper?.summary)
        let metricsPath = resultsDir + "/" + ProtocolEngine.metricsFileName
        let configPath = resultsDir + "/" + ProtocolEngine.configFileName
        do { try AtomicFile.write(json: config, to: configPath) } catch { throw .io(path: configPath, reason: "\(error)") }
        do { try AtomicFile.write(json: metrics, to: metricsPath) } catch { throw .io(path: metricsPath, reason: "\(error)") }
        let problems = options.validator?(metricsPath, checked.spec) ?? []
        try journal.append(results.abortReason == nil ? "completed" : "aborted", JSONObject([
            ("abort_reason", results.abortReason.map { .string($0) } ?? .null),
            ("metrics_sha256", .string((try? SHA256.hex(fileAt: metricsPath)) ?? "")),
            ("validation_problems", .array(problems.map { .string($0) })),
        ]))
        sink.handle(.finished(aborted: results.abortReason != nil, reason: results.abortReason, metricsPath: metricsPath))
        return ProtocolOutcome(metricsPath: metricsPath, configPath: configPath, metrics: metrics,
                               aborted: results.abortReason != nil, abortReason: results.abortReason, validationProblems: problems,
                               launchFailure: nil, guardNotes: guardNotes)
    }

    /// The aggregates of mapped metrics over the succeeded runs of some units, labelled with
    /// the arm they belong to (`"arm": name`, a label the validator does not take for a metric).
    func aggregates(_ units: [UnitResult], arm: String? = nil) -> JSONValue {
        var out = JSONObject()
        if let arm { out[MetricsFile.armLabelKey] = .string(arm) }
        for m in plan.metrics {
            let values = units.compactMap { $0.record.flatMap { EventValues.value(m.event, in: $0)?.doubleValue } }
            out[m.metric] = MetricAggregate(values)?.json ?? .null
        }
        return .object(out)
    }

    func assembleMetrics(_ results: PhaseResults, records: [RunRecord], extraNotes: [String] = []) -> JSONValue {
        let ledger = (try? BudgetLedger(experimentDir: resultsDir).read(reconciling: true)) ?? LedgerSummary()
        var baseline: JSONValue = .object(JSONObject())
        var treatment: JSONValue = .object(JSONObject())
        var perSeed: [JSONValue] = []
        if results.reachedFull {
            baseline = aggregates(results.full.filter { $0.unit.arm == plan.baselineArm }, arm: plan.baselineArm)
            let arms = plan.treatmentArms
            if arms.count == 1 {
                treatment = aggregates(results.full.filter { $0.unit.arm == arms[0].name }, arm: arms[0].name)
            } else {
                var nested = JSONObject()
                for arm in arms { nested[arm.name] = aggregates(results.full.filter { $0.unit.arm == arm.name }) }
                treatment = .object(nested)
            }
            for r in results.full {
                guard let record = r.record else { continue }
                var row = JSONObject([("seed", r.unit.seed.map { .number(Double($0)) } ?? .null), ("arm", .string(r.unit.arm ?? ""))])
                for m in plan.metrics { row[m.metric] = EventValues.value(m.event, in: record) ?? .null }
                perSeed.append(.object(row))
            }
        } else if !results.baseline.isEmpty {
            baseline = aggregates(results.baseline, arm: plan.baselineArm)
        }
        var sanity = JSONObject()
        for r in results.sanity {
            guard let step = plan.sanity.first(where: { $0.name == r.unit.step }) else { continue }
            for m in step.metrics { sanity[m.metric] = r.record.flatMap { EventValues.value(m.event, in: $0) } ?? .null }
            for check in step.checks {
                sanity[check.name] = .bool(results.sanityOutcomes.contains { $0.check == check.name && $0.runID == r.record?.runID && $0.passed })
            }
        }
        return .object(JSONObject([
            ("experiment", .string(checked.spec.experimentID)),
            ("timestamp", .string(ProtocolClock.metricsTimestamp())),
            ("baseline", baseline),
            ("treatment", treatment),
            ("per_seed", .array(perSeed)),
            ("sanity_checks", .object(sanity)),
            ("resource_usage", ResourceUsage(ledger: ledger).json),
            ("abort_triggered", .bool(results.abortReason != nil)),
            ("abort_reason", results.abortReason.map { .string($0) } ?? .null),
            ("notes", .string(([notes(results, records: records), "resource_usage counts " + ledger.includes] + extraNotes).joined(separator: "; "))),
        ]))
    }

    /// Factual notes: run counts by phase and status, retries, re-runs, gate measurements, missing values.
    func notes(_ results: PhaseResults, records: [RunRecord]) -> String {
        var lines: [String] = []
        var byPhase: [String] = []
        for phase in RunPhase.allCases {
            let n = records.filter { $0.phase == phase }.count
            if n > 0 { byPhase.append("\(phase.rawValue) \(n)") }
        }
        var byStatus: [String: Int] = [:]
        for r in records { byStatus[r.status.rawValue, default: 0] += 1 }
        let statusText = byStatus.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        lines.append("\(records.count) supervised run(s) recorded (\(byPhase.joined(separator: ", "))): \(statusText)")
        let (retries, superseded) = state.withLock { ($0.retries, $0.superseded) }
        let allResults = results.sanity + results.baseline + results.mve + results.full
        let totalRetries = allResults.reduce(0) { $0 + $1.attempts.filter { $0.isFinished }.count } - allResults.count
        if max(retries, totalRetries) > 0 { lines.append("retries after a run that did not succeed: \(max(retries, totalRetries))") }
        if !superseded.isEmpty {
            lines.append("incomplete runs re-run from scratch after the engine stopped: \(superseded.count) (\(superseded.joined(separator: ", ")))")
        }
        for r in allResults where !r.succeeded { lines.append(r.failureText) }
        if results.reachedFull && results.full.count < checked.fullUnits.count {
            lines.append("full-protocol runs not started after the stop: \(checked.fullUnits.count - results.full.count) of \(checked.fullUnits.count)")
        }
        let (skippedArms, skippedUnits) = state.withLock { ($0.skippedArms, $0.skippedUnits) }
        for (arm, why) in skippedArms.sorted(by: { $0.key < $1.key }) {
            let units = skippedUnits.filter { $0.contains("-\(arm)-") }
            lines.append("arm \(arm) skipped after \(why); runs not started: \(units.isEmpty ? "none" : units.joined(separator: ", "))")
        }
        if !checked.derivedRules.isEmpty {
            lines.append("rules derived from the spec's abort criteria: " + checked.derivedRules.map { r in
                "line \(r.criterion.line): \(r.rule.isEmpty ? "out of memory" : "`\(r.rule)`") (\(r.scope.name), \(r.action.rawValue))"
            }.joined(separator: ", "))
        }
        if !checked.specAbortNotEnforced.isEmpty {
            lines.append("spec abort criteria not enforced by Rigor: " + checked.specAbortNotEnforced.joined(separator: "; "))
        }
        if !results.baselineLines.isEmpty { lines.append("baseline reproduction: " + results.baselineLines.joined(separator: "; ")) }
        for o in results.mveOutcomes { lines.append("MVE check '\(o.check)' \(o.passed ? "passed" : "failed"): \(o.text)") }
        for r in results.full {
            guard let record = r.record else { continue }
            let missing = plan.metrics.filter { EventValues.value($0.event, in: record) == nil }.map(\.event)
            if !missing.isEmpty { lines.append("run \(record.runID) reported no value for: \(missing.joined(separator: ", "))") }
        }
        return lines.joined(separator: "; ")
    }

    /// config.json in the results contract's shape (`ConfigFile`): the spec and its fingerprint,
    /// the commands as executed, seeds, arms, provenance, the guard; the plan's own facts as extra keys.
    func assembleConfig(_ results: PhaseResults, records: [RunRecord], sandbox: String?) -> JSONValue {
        func words(_ t: CommandTemplate?) -> JSONValue { t.map { .array($0.words.map { .string($0) }) } ?? .null }
        let arms = plan.arms.map { arm in
            ConfigArm(name: arm.name, parameters: JSONObject([("config", arm.config.map { .string($0) } ?? .null)]))
        }
        var mapping = JSONObject()
        for m in plan.metrics { mapping[m.event] = .string(m.metric) }
        let used = (results.sanity + results.baseline + results.mve + results.full).compactMap { $0.record?.runID ?? $0.lastFailure?.runID }
        var environment = JSONObject([("rigor_version", .string(options.toolVersion)), ("slots", .number(Double(options.slots)))])
        if let first = (results.full.first { $0.record != nil } ?? results.baseline.first { $0.record != nil })?.record {
            environment["first_run"] = .string(first.runID)
            environment["run_provenance"] = .object(first.provenance)
        }
        let executed = records.map { record in
            record.command.map { $0.contains(" ") || $0.isEmpty ? "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" : $0 }
                .joined(separator: " ")
        }
        let entries = (try? ProtocolJournal.read(path: resultsDir + "/" + ProtocolJournal.fileName)) ?? []
        let revisions: [JSONValue] = entries.filter { $0["event"]?.stringValue == "plan_revised" }.map { e in
            .object(JSONObject([("at", e["time"] ?? .null), ("from", e["from"] ?? .null), ("to", e["to"] ?? .null),
                                ("changed", e["changed"] ?? .array([]))]))
        }
        let extra = JSONObject([
            ("plan", .string(plan.path)),
            ("plan_fingerprint", .string(PlanFingerprint(checked).sha256)),
            ("plan_revisions", .array(revisions)),
            ("kind", .string(plan.kind.rawValue)),
            ("computed", .array(plan.computed.map { .string($0) })),
            ("plan_sha256", .string((try? SHA256.hex(fileAt: plan.path)) ?? "")),
            ("working_directory", .string(plan.workingDirectory)),
            ("baseline_arm", .string(plan.baselineArm)),
            ("plan_commands", .object(JSONObject([("full", words(plan.commands.full)), ("baseline", words(plan.commands.baseline)),
                                                  ("mve", words(plan.commands.mve))]))),
            ("sanity", .array(plan.sanity.map { .object(JSONObject([("name", .string($0.name)), ("command", words($0.command))])) })),
            ("metric_mapping", .object(mapping)),
            ("baseline_expectations", .array(checked.expectations.map {
                .object(JSONObject([("metric", .string($0.metric)), ("expected", .number($0.expected)),
                                    ("tolerance", .number($0.tolerance)), ("source", .string($0.source))]))
            })),
            ("abort_rules", .array(checked.abortRules.map { .string($0) })),
            ("gpus_per_run", .number(Double(plan.gpusPerRun))),
            ("retries", .number(Double(plan.retries))),
            ("on_failure", .string(plan.onFailure.rawValue)),
            ("runs", .array(used.map { .string($0) })),
        ])
        let config = ConfigFile(
            experiment: checked.spec.experimentID,
            spec: SpecReference(path: checked.spec.path, sha256: checked.spec.sha256),
            commands: executed, seeds: plan.seeds, arms: arms, hyperparameters: JSONObject(),
            environment: environment, sandbox: sandbox, extra: extra)
        return config.jsonValue
    }
}
