import RigorSpec
import RigorSupervisor

/// An expected baseline number with its tolerance, ready to compare.
public struct ResolvedExpectation: Sendable, Equatable {
    public var metric: String
    public var expected: Double
    public var tolerance: Double
    /// Where the numbers came from (`plan.yaml:12` or `spec line 40: "Accuracy"`).
    public var source: String
}

/// A plan whose names have been checked against its spec.
public struct CheckedPlan: Sendable {
    public var plan: ProtocolPlan
    public var spec: ExperimentSpec
    public var expectations: [ResolvedExpectation]
    /// Whether and how each of the spec's abort criteria is enforced, in spec order.
    public var enforcement: [CriterionEnforcement] = []

    /// Every derived rule of the spec, in spec order.
    public var derivedRules: [DerivedAbortRule] { enforcement.flatMap(\.rules) }

    /// Live rules derived from the spec's abort criteria, handed to every run after the plan's
    /// own `abort_rules` (a rule the plan already states is not repeated).
    public var specAbortRules: [String] {
        var out: [String] = []
        for r in derivedRules where r.scope == .live && !plan.abortRules.contains(r.rule) && !out.contains(r.rule) { out.append(r.rule) }
        return out
    }
    /// The spec's abort criteria Rigor does not enforce, as facts for the notes ("spec line N: why").
    public var specAbortNotEnforced: [String] {
        enforcement.filter { !$0.isEnforced }.map { "spec line \($0.criterion.line): \($0.notEnforced ?? "")" }
    }

    /// Every abort rule a run gets: the plan's, then the spec's.
    public var abortRules: [String] { plan.abortRules + specAbortRules }

    /// What the engine does when a live rule trips: a rule derived from a spec criterion does
    /// what the criterion says (also when the plan states the same rule: the pre-registered spec
    /// decides); the plan's other rules stop the experiment.
    public func action(forLiveRule rule: String) -> AbortAction {
        derivedRules.first { $0.scope == .live && $0.rule == rule }?.action ?? .abortExperiment
    }

    /// Rules evaluated on a run's final values once it ends (for its phase).
    public func finalRules(for phase: RunPhase) -> [DerivedAbortRule] {
        derivedRules.filter { if case .final(let p) = $0.scope { return p == nil || p == phase } else { return false } }
    }

    /// Rules over the experiment's totals (wall clock, GPU-hours).
    public var experimentRules: [DerivedAbortRule] { derivedRules.filter { $0.scope == .experiment } }

    /// The criterion that says to retry a run once after it ran out of memory.
    public var outOfMemoryRetry: DerivedAbortRule? { derivedRules.first { $0.scope == .outOfMemory } }

    /// The keys the plan's runs are known to log, for matching criteria's words: mapped event
    /// names (also under the spec metric they map to), check values, and the plan rules' metrics.
    static func loggedKeys(_ plan: ProtocolPlan) -> [String: String] {
        var keys: [String: String] = [:]
        func add(_ event: String) { keys[MetricKey.normalize(event)] = keys[MetricKey.normalize(event)] ?? event }
        for m in plan.metrics + plan.sanity.flatMap(\.metrics) { add(m.event); keys[m.metric] = keys[m.metric] ?? m.event }
        for c in plan.sanity.flatMap(\.checks) + (plan.mve?.checks ?? []) { add(c.event) }
        for rule in plan.abortRules { if let parsed = try? AbortRule.parse(rule) { parsed.metrics.sorted().forEach(add) } }
        return keys
    }
}

/// Checks a plan against its spec: mapped metrics exist in the spec, baseline expectations resolve.
public enum PlanChecker {
    public static func check(_ plan: ProtocolPlan, against spec: ExperimentSpec, planDisplayPath: String? = nil) throws(PlanError) -> CheckedPlan {
        let (checked, diagnostics) = diagnose(plan, against: spec, planDisplayPath: planDisplayPath)
        guard let checked, diagnostics.isEmpty else { throw .invalid(diagnostics) }
        return checked
    }

    /// Every problem of the plan against its spec, all at once; the checked plan when there are none
    /// that stop it from being resolved (a plan with diagnostics must still not run).
    public static func diagnose(_ plan: ProtocolPlan, against spec: ExperimentSpec, planDisplayPath: String? = nil)
        -> (CheckedPlan?, [PlanDiagnostic]) {
        let path = planDisplayPath ?? plan.path
        var diagnostics: [PlanDiagnostic] = []
        func error(_ line: Int, _ message: String) { diagnostics.append(PlanDiagnostic(path: path, line: line, message: message)) }

        // Abort rules: every one must parse before anything runs.
        for (i, rule) in plan.abortRules.enumerated() {
            do { _ = try AbortRule.parse(rule) } catch let problem {
                let line = i < plan.abortRuleLines.count ? plan.abortRuleLines[i] : 1
                error(line, "abort_rules[\(i)]: \(problem.description.split(separator: "\n").first.map(String.init) ?? "")")
            }
        }

        let specKeys = spec.metrics.map(\.key)
        let known = specKeys.isEmpty ? "the spec lists no metrics" : "spec metrics: " + specKeys.joined(separator: ", ")
        func checkMapping(_ m: MetricMapping, _ what: String) {
            if !specKeys.contains(m.metric) { error(m.line, "\(what).\(m.event): '\(m.metric)' is not a metric of the spec (\(known))") }
        }
        for m in plan.metrics { checkMapping(m, "metrics") }
        var seenTargets: [String: Int] = [:]
        for m in plan.metrics {
            if let first = seenTargets[m.metric] { error(m.line, "metrics.\(m.event): spec metric '\(m.metric)' is already mapped on line \(first)") }
            else { seenTargets[m.metric] = m.line }
        }
        for step in plan.sanity { for m in step.metrics { checkMapping(m, "sanity '\(step.name)' metrics") } }
        // Every spec metric is produced: mapped from a run's values, or declared computed elsewhere.
        let produced = Set(plan.metrics.map(\.metric) + plan.sanity.flatMap { $0.metrics.map(\.metric) })
        for name in plan.computed where !specKeys.contains(name) {
            error(plan.computedLine ?? 1, "computed: '\(name)' is not a metric of the spec (\(known))")
        }
        for name in plan.computed where produced.contains(name) {
            error(plan.computedLine ?? 1, "computed: '\(name)' is also mapped in 'metrics'; declare it in one place")
        }
        for metric in spec.metrics where !produced.contains(metric.key) && !plan.computed.contains(metric.key) {
            error(plan.metricsLine, "spec metric '\(metric.name)' (key \(metric.key), spec line \(metric.line)) is not produced: map a reported value to it under 'metrics', or list it under 'computed' if a script outside the plan computes it")
        }

        var expectations: [ResolvedExpectation] = []
        let mappedMetrics = Set(plan.metrics.map(\.metric))
        for e in plan.baseline.expectations {
            if !specKeys.contains(e.metric) { error(e.line, "baseline.expect: '\(e.metric)' is not a metric of the spec (\(known))"); continue }
            if !mappedMetrics.contains(e.metric) { error(e.line, "baseline.expect: '\(e.metric)' is not produced by any entry of 'metrics'"); continue }
            if let value = e.value {
                guard let tolerance = e.tolerance else { error(e.line, "baseline.expect '\(e.metric)': 'value' needs a 'tolerance'"); continue }
                expectations.append(ResolvedExpectation(metric: e.metric, expected: value, tolerance: tolerance, source: "\(path):\(e.line)"))
                continue
            }
            guard let label = e.specLabel else { continue }
            let values = spec.baselines?.values ?? []
            if values.isEmpty { error(e.line, "baseline.expect '\(e.metric)': the spec's Baselines section states no numbers to take '\(label)' from"); continue }
            let wanted = MetricKey.normalize(label, keepParentheticals: true)
            var matches = values.filter { MetricKey.normalize($0.label, keepParentheticals: true) == wanted }
            if matches.isEmpty {
                matches = values.filter { MetricKey.normalize($0.label, keepParentheticals: true).contains(wanted) }
            }
            if matches.isEmpty {
                let listed = values.map { "'\($0.label)' (line \($0.line))" }.joined(separator: ", ")
                error(e.line, "baseline.expect '\(e.metric)': no value labelled '\(label)' in the spec's Baselines (stated: \(listed))")
                continue
            }
            if matches.count > 1 {
                let listed = matches.map { "'\($0.label)' (line \($0.line))" }.joined(separator: ", ")
                error(e.line, "baseline.expect '\(e.metric)': '\(label)' matches several spec baselines: \(listed); quote one label exactly")
                continue
            }
            let found = matches[0]
            guard let tolerance = e.tolerance ?? found.tolerance.map({ $0 * e.scale }) else {
                error(e.line, "baseline.expect '\(e.metric)': the spec states no tolerance for '\(found.label)' (line \(found.line)); give 'tolerance'")
                continue
            }
            expectations.append(ResolvedExpectation(metric: e.metric, expected: found.value * e.scale, tolerance: tolerance,
                                                    source: "spec line \(found.line): \"\(found.label)\""))
        }
        var checked = CheckedPlan(plan: plan, spec: spec, expectations: expectations)
        let context = AbortDerivationContext(budget: spec.resourceBudget, computeProfile: spec.computeProfile,
                                             metricKeys: specKeys, loggedKeys: CheckedPlan.loggedKeys(plan))
        checked.enforcement = AbortRuleDerivation.enforcement(of: spec.abortCriteria, context: context)
        return (checked, diagnostics.sorted { ($0.line, $0.message) < ($1.line, $1.message) })
    }
}
