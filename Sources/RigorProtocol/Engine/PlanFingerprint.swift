import Foundation
import RigorBasics
import RigorSpec
import RigorSupervisor

/// What a plan decides, as data: the fingerprint recorded with every session and compared when
/// an experiment resumes. A change that alters a started unit's command, working directory,
/// kind, time limit or abort rules is refused; any other change (a new metric mapping, an
/// added arm or seed, a new check) is accepted and recorded as a plan revision.
struct PlanFingerprint: Sendable {
    /// Sections of the plan, each as JSON with sorted keys.
    let sections: JSONObject
    let sha256: String

    init(_ checked: CheckedPlan) {
        let plan = checked.plan
        func strings(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }
        var units = JSONObject()
        for unit in checked.units { units[unit.idPrefix] = strings(checked.command(for: unit)) }
        var arms = JSONObject()
        for arm in plan.arms { arms[arm.name] = arm.config.map { .string($0) } ?? .null }
        var mapping = JSONObject()
        for m in plan.metrics { mapping[m.event] = .string(m.metric) }
        var sanity = JSONObject()
        for step in plan.sanity {
            sanity[step.name] = .object(JSONObject([
                ("kind", .string(step.kind.rawValue)),
                ("metrics", .object(JSONObject(step.metrics.map { ($0.event, JSONValue.string($0.metric)) }))),
                ("checks", strings(step.checks.map(PlanFingerprint.describe))),
            ]))
        }
        let s = JSONObject([
            ("unit_commands", .object(units)),
            ("working_directory", .string(plan.workingDirectory)),
            ("seeds", .array(plan.seeds.map { .number(Double($0)) })),
            ("arms", .object(arms)),
            ("baseline_arm", .string(plan.baselineArm)),
            ("kind", .string(plan.kind.rawValue)),
            ("metric_mapping", .object(mapping)),
            ("computed", strings(plan.computed)),
            ("sanity", .object(sanity)),
            ("baseline_expectations", strings(checked.expectations.map { "\($0.metric) \($0.expected) ± \($0.tolerance)" })),
            ("mve_checks", strings(plan.mve?.checks.map(PlanFingerprint.describe) ?? [])),
            ("abort_rules", strings(checked.abortRules)),
            ("timeout_seconds", plan.timeoutSeconds.map { .number($0) } ?? .null),
            ("gpus_per_run", .number(Double(plan.gpusPerRun))),
            ("retries", .number(Double(plan.retries))),
            ("on_failure", .string(plan.onFailure.rawValue)),
        ])
        sections = JSONValue.object(s).canonical.objectValue ?? s
        sha256 = SHA256.hex(Array(JSONValue.object(sections).serialized(pretty: false).utf8))
    }

    static func describe(_ c: ValueCheck) -> String {
        var parts = [c.name, c.event]
        if let v = c.min { parts.append("min \(v)") }
        if let v = c.max { parts.append("max \(v)") }
        if let e = c.equals { parts.append("equals \(e)") }
        if c.finite { parts.append("finite") }
        return parts.joined(separator: " ")
    }

    /// The names of the sections that differ from an earlier fingerprint's sections, sorted.
    func changedSections(since earlier: JSONObject) -> [String] {
        let names = Set(sections.keys).union(earlier.keys)
        return names.filter { sections[$0]?.canonical != earlier[$0]?.canonical }.sorted()
    }

    /// Whether a run's recorded working directory is the plan's, allowing for the workspace
    /// having been moved or copied since: the same place relative to the workspace root, where
    /// `earlierRoots` are the roots the journal's sessions recorded.
    static func sameFolder(_ recorded: String, _ planned: String, root: String?, earlierRoots: [String] = []) -> Bool {
        if recorded == planned { return true }
        guard let root, planned == root || planned.hasPrefix(root + "/") else { return false }
        let relative = String(planned.dropFirst(root.count))
        for earlier in earlierRoots where recorded == earlier || recorded.hasPrefix(earlier + "/") {
            if String(recorded.dropFirst(earlier.count)) == relative { return true }
        }
        return false
    }

    /// Why the plan may not go on with the runs already made: one line per started unit whose
    /// command, working directory, kind, time limit or abort rules would change, and per started
    /// unit the plan no longer has. Empty: the change (if any) is a revision.
    static func conflicts(_ checked: CheckedPlan, history: RunHistory, journal: [JSONObject]) -> [String] {
        var out: [String] = []
        let plan = checked.plan
        func words(_ w: [String]) -> String { w.map { $0.contains(" ") || $0.isEmpty ? "'\($0)'" : $0 }.joined(separator: " ") }
        let started = history.startedUnits
        let root = Workspace.containing(specPath: plan.specPath)?.root
        let roots = journal.compactMap { $0["event"]?.stringValue == "session_started" ? $0["workspace_root"]?.stringValue : nil }
        for unit in checked.units {
            guard let records = started[unit], let last = records.last else { continue }
            let id = unit.idPrefix
            let command = checked.command(for: unit)
            if last.command != command { out.append("\(id): command was `\(words(last.command))`, the plan now gives `\(words(command))`") }
            if !sameFolder(last.workingDirectory, plan.workingDirectory, root: root, earlierRoots: roots) {
                out.append("\(id): working directory was \(last.workingDirectory), the plan now gives \(plan.workingDirectory)")
            }
            let kind = unit.phase == .sanity ? (plan.sanity.first { $0.name == unit.step }?.kind ?? .training) : plan.kind
            if let was = last.kind, was != kind { out.append("\(id): kind was \(was.rawValue), the plan now gives \(kind.rawValue)") }
            // The plan's own rules must be as they were. A rule the spec's criteria now derive from
            // a new metric mapping applies to runs started from now on (a revision, not a change).
            let derivedNow = Set(checked.specAbortRules)
            if let was = last.abortRules, Set(was.filter { !derivedNow.contains($0) }) != Set(plan.abortRules) {
                out.append("\(id): abort rules were [\(was.joined(separator: ", "))], the plan now gives [\(checked.abortRules.joined(separator: ", "))]")
            }
            if last.abortRules != nil, last.timeoutSeconds != plan.timeoutSeconds {
                func t(_ s: Double?) -> String { s.map { DurationText.format(seconds: $0) } ?? "none" }
                out.append("\(id): time limit was \(t(last.timeoutSeconds)), the plan now gives \(t(plan.timeoutSeconds))")
            }
        }
        // Units with runs that the plan no longer has (an arm, seed or sanity step removed).
        let current = Set(checked.units.map(\.idPrefix))
        var removed: Set<String> = []
        let neverStarted = Set(journal.filter { $0["event"]?.stringValue == "run_launch_failed" }.compactMap { $0["run_id"]?.stringValue })
        for entry in journal where entry["event"]?.stringValue == "run_started" {
            guard let runID = entry["run_id"]?.stringValue, !neverStarted.contains(runID),
                  let cut = runID.range(of: "-a", options: .backwards) else { continue }
            let prefix = String(runID[..<cut.lowerBound])
            if !current.contains(prefix) { removed.insert(prefix) }
        }
        for prefix in removed.sorted() { out.append("\(prefix): has runs, but the plan no longer has this unit") }
        return out
    }
}
