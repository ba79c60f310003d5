import Foundation
import RigorBasics
import RigorSpec
import RigorSupervisor
import Yams

/// Reads a protocol plan (YAML, docs/plan.md) into a `ProtocolPlan`, with line-numbered errors.
public enum PlanParser {
    static let topKeys = ["spec", "workdir", "results", "seeds", "arms", "baseline_arm", "commands", "metrics",
                          "sanity", "baseline", "mve", "gpus_per_run", "timeout", "retries", "on_failure", "abort_rules",
                          "kind", "computed"]

    /// Reads and parses the plan file at `path`.
    public static func parse(path: String) throws(PlanError) -> ProtocolPlan {
        let text: String
        do { text = try TextFile.read(path, limit: 1 << 20) } catch { throw .unreadable(path: path, reason: "\(error)") }
        return try parse(text: text, path: path)
    }

    /// Parses plan text; relative paths resolve against the folder of `path`.
    public static func parse(text: String, path: String) throws(PlanError) -> ProtocolPlan {
        let (plan, diagnostics) = try parseCollecting(text: text, path: path)
        guard diagnostics.isEmpty, let plan else { throw .invalid(diagnostics) }
        return plan
    }

    /// Reads the plan file and parses it as far as it can: the plan (when its spec, commands and
    /// baseline could be read, even with other errors) and every finding, so a check can go on
    /// to report the rest. Throws only when the file is unreadable or not YAML.
    public static func parseCollecting(path: String) throws(PlanError) -> (ProtocolPlan?, [PlanDiagnostic]) {
        let text: String
        do { text = try TextFile.read(path, limit: 1 << 20) } catch { throw .unreadable(path: path, reason: "\(error)") }
        return try parseCollecting(text: text, path: path)
    }

    static func parseCollecting(text: String, path: String) throws(PlanError) -> (ProtocolPlan?, [PlanDiagnostic]) {
        let absolutePath = Workspace.absolute(path)
        let folder = (absolutePath as NSString).deletingLastPathComponent
        let reader = PlanNodeReader(path: path)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw PlanError.invalid([PlanDiagnostic(path: path, line: 1, message: "the plan is empty")])
            }
            root = node
        } catch let error as PlanError {
            throw error
        } catch let error as YamlError {
            throw .invalid([yamlDiagnostic(error, path: path, source: text)])
        } catch {
            throw .invalid([PlanDiagnostic(path: path, line: 1, message: "not valid YAML: \(error)")])
        }
        guard let top = reader.mapping(root, "plan", allowed: topKeys,
                                        required: ["spec", "seeds", "arms", "baseline_arm", "commands", "metrics", "baseline"])
        else { throw .invalid(reader.diagnostics) }

        func resolve(_ p: String) -> String { Workspace.absolute(p.hasPrefix("/") ? p : folder + "/" + p) }

        let specPath = top["spec"].flatMap { reader.string($0, "spec") }.map(resolve)
        let workdir = top["workdir"].flatMap { reader.string($0, "workdir") }.map(resolve) ?? folder
        let results = top["results"].flatMap { reader.string($0, "results") }.map(resolve)
        let seeds = top["seeds"].flatMap { reader.intList($0, "seeds") } ?? []
        if let node = top["seeds"] {
            if seeds.isEmpty, reader.diagnostics.isEmpty { reader.error(node, "seeds: the list is empty") }
            if Set(seeds).count != seeds.count { reader.error(node, "seeds: a seed is listed twice") }
        }
        let arms = top["arms"].map { parseArms($0, reader) } ?? []
        let baselineArm = top["baseline_arm"].flatMap { reader.string($0, "baseline_arm") } ?? ""
        if let node = top["baseline_arm"], !baselineArm.isEmpty, !arms.contains(where: { $0.name == baselineArm }) {
            reader.error(node, "baseline_arm: '\(baselineArm)' is not one of the arms (\(arms.map(\.name).joined(separator: ", ")))")
        }
        let commands = top["commands"].flatMap { parseCommands($0, reader) }
        let metrics = top["metrics"].map { parseMappings($0, "metrics", reader) } ?? []
        if let node = top["metrics"], metrics.isEmpty, case .mapping(let m) = node, m.count == 0 {
            reader.error(node, "metrics: no event value is mapped to a spec metric")
        }
        let sanity = top["sanity"].map { parseSanity($0, reader) } ?? []
        let baseline = top["baseline"].flatMap { parseBaseline($0, seeds: seeds, reader) }
        let mve = top["mve"].flatMap { parseMVE($0, arms: arms, seeds: seeds, reader) }
        let gpus = top["gpus_per_run"].flatMap { reader.int($0, "gpus_per_run") } ?? 0
        if let node = top["gpus_per_run"], gpus < 0 { reader.error(node, "gpus_per_run must be 0 or more") }
        var timeout: Double?
        if let node = top["timeout"] { timeout = parseDuration(node, "timeout", reader) }
        let retries = top["retries"].flatMap { reader.int($0, "retries") } ?? 0
        if let node = top["retries"], retries < 0 { reader.error(node, "retries must be 0 or more") }
        var onFailure = FailurePolicy.stop
        if let node = top["on_failure"], let text = reader.string(node, "on_failure") {
            if let policy = FailurePolicy(rawValue: text) { onFailure = policy } else {
                reader.error(node, "on_failure must be 'stop' or 'continue', found '\(text)'")
            }
        }
        let abortRuleItems = top["abort_rules"].map { parseAbortRules($0, reader) } ?? []
        let abortRules = abortRuleItems.map(\.text)
        let kind = top["kind"].flatMap { parseKind($0, "kind", reader) } ?? .training
        let computed = top["computed"].flatMap { reader.stringList($0, "computed") }.map { $0.map { MetricKey.normalize($0) } } ?? []

        // Placeholders: every command may use only {seed}, {arm}, {config}; {config} needs configs.
        var templates: [(CommandTemplate, String, Bool)] = []   // template, where, has arm context
        if let commands {
            templates.append((commands.full, "commands.full", true))
            if let b = commands.baseline { templates.append((b, "commands.baseline", true)) }
            if let m = commands.mve { templates.append((m, "commands.mve", true)) }
        }
        for step in sanity { templates.append((step.command, "sanity '\(step.name)' command", step.arm != nil)) }
        for (template, whereText, hasArm) in templates {
            for word in template.words {
                for name in CommandTemplate.placeholders(in: word) where !CommandTemplate.placeholders.contains(name) {
                    reader.error(line: template.line, "\(whereText): unknown placeholder {\(name)} (known: {seed}, {arm}, {config})")
                }
            }
            let used = template.placeholdersUsed
            if used.contains("config") {
                if !hasArm { reader.error(line: template.line, "\(whereText): {config} needs an arm (set 'arm:' on the sanity step)") }
                for arm in arms where arm.config == nil {
                    if hasArm { reader.error(line: arm.line, "arms: '\(arm.name)' has no config but \(whereText) uses {config}") }
                }
            }
            if used.contains("arm") && !hasArm { reader.error(line: template.line, "\(whereText): {arm} needs an arm (set 'arm:' on the sanity step)") }
        }
        for step in sanity {
            if step.command.placeholdersUsed.contains("seed") && step.seed == nil {
                reader.error(line: step.command.line, "sanity '\(step.name)' command: {seed} needs a seed (set 'seed:' on the sanity step)")
            }
            if let arm = step.arm, !arms.contains(where: { $0.name == arm }) {
                reader.error(line: step.line, "sanity '\(step.name)': arm '\(arm)' is not one of the arms")
            }
        }

        guard let specPath, let commands, let baseline else { return (nil, reader.diagnostics) }
        return (ProtocolPlan(path: absolutePath, specPath: specPath, workingDirectory: workdir, resultsDirectory: results,
                            seeds: seeds, arms: arms, baselineArm: baselineArm, commands: commands, metrics: metrics,
                            sanity: sanity, baseline: baseline, mve: mve, gpusPerRun: gpus, timeoutSeconds: timeout,
                            retries: retries, onFailure: onFailure, abortRules: abortRules, kind: kind, computed: computed,
                            abortRuleLines: abortRuleItems.map(\.line), computedLine: top["computed"].map { reader.line($0) },
                            metricsLine: top["metrics"].map { reader.line($0) } ?? 1),
                reader.diagnostics)
    }

    /// Abort rules with their lines (each is parsed by `PlanChecker`, with the other checks).
    static func parseAbortRules(_ node: Node, _ reader: PlanNodeReader) -> [(text: String, line: Int)] {
        guard let items = reader.sequence(node, "abort_rules") else { return [] }
        return items.enumerated().compactMap { i, item in
            reader.string(item, "abort_rules[\(i)]").map { ($0, reader.line(item)) }
        }
    }

    /// A run kind (`training`, `evaluation`, `analysis`, `export`).
    static func parseKind(_ node: Node, _ what: String, _ reader: PlanNodeReader) -> RunKind? {
        guard let text = reader.string(node, what) else { return nil }
        guard let kind = RunKind(rawValue: text) else {
            reader.error(node, "\(what) must be training, evaluation, analysis or export, found '\(text)'")
            return nil
        }
        return kind
    }

    static func yamlDiagnostic(_ error: YamlError, path: String, source: String = "") -> PlanDiagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return PlanDiagnostic(path: path, line: mark.line, message: "not valid YAML: \(problem)")
        default:
            // Other errors (duplicated keys) print a context block: keep the first line, and find
            // the line of the second occurrence of a duplicated key in the text.
            let text = "\(error)"
            let first = text.split(separator: "\n").first.map(String.init) ?? text
            var line = 1
            if let open = first.range(of: "duplicated key(s): '"), let close = first[open.upperBound...].firstIndex(of: "'") {
                let key = String(first[open.upperBound..<close])
                let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
                let hits = lines.indices.filter { lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix(key + ":") }
                if hits.count > 1 { line = hits[1] + 1 }
            }
            return PlanDiagnostic(path: path, line: line, message: "not valid YAML: " + first.replacingOccurrences(of: "Parser: ", with: ""))
        }
    }

    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") }
            && !name.hasPrefix(".")
    }

    static func parseArms(_ node: Node, _ reader: PlanNodeReader) -> [PlanArm] {
        guard let entries = reader.namedEntries(node, "arms") else { return [] }
        if entries.isEmpty { reader.error(node, "arms: no arm is listed") }
        var arms: [PlanArm] = []
        for (name, keyNode, value) in entries {
            if !isSafeName(name) { reader.error(keyNode, "arms: '\(name)' is not a usable arm name (letters, digits, '_', '.', '-')") }
            var config: String?
            if !reader.isNull(value), let fields = reader.mapping(value, "arms.\(name)", allowed: ["config"]) {
                config = fields["config"].flatMap { reader.string($0, "arms.\(name).config") }
            }
            arms.append(PlanArm(name: name, config: config, line: reader.line(keyNode)))
        }
        return arms
    }

    static func parseCommand(_ node: Node, _ what: String, _ reader: PlanNodeReader) -> CommandTemplate? {
        let line = reader.line(node)
        var words: [String]
        if case .sequence = node {
            guard let list = reader.stringList(node, what) else { return nil }
            words = list
        } else {
            guard let text = reader.string(node, what) else { return nil }
            do { words = try CommandWords.split(text) } catch {
                switch error {
                case .unterminatedQuote(let q): reader.error(node, "\(what): unterminated \(q) quote")
                case .trailingBackslash: reader.error(node, "\(what): ends with a lone backslash")
                }
                return nil
            }
        }
        if words.isEmpty { reader.error(node, "\(what): the command is empty"); return nil }
        return CommandTemplate(words: words, line: line)
    }

    static func parseCommands(_ node: Node, _ reader: PlanNodeReader) -> PhaseCommands? {
        guard let fields = reader.mapping(node, "commands", allowed: ["full", "baseline", "mve"], required: ["full"]) else { return nil }
        let full = fields["full"].flatMap { parseCommand($0, "commands.full", reader) }
        let baseline = fields["baseline"].flatMap { parseCommand($0, "commands.baseline", reader) }
        let mve = fields["mve"].flatMap { parseCommand($0, "commands.mve", reader) }
        guard let full else { return nil }
        return PhaseCommands(full: full, baseline: baseline, mve: mve)
    }

    static func parseMappings(_ node: Node, _ what: String, _ reader: PlanNodeReader) -> [MetricMapping] {
        guard let entries = reader.namedEntries(node, what) else { return [] }
        var out: [MetricMapping] = []
        for (event, keyNode, value) in entries {
            guard let metric = reader.string(value, "\(what).\(event)") else { continue }
            out.append(MetricMapping(event: event, metric: MetricKey.normalize(metric), line: reader.line(keyNode)))
        }
        return out
    }

    static func parseChecks(_ node: Node, _ what: String, _ reader: PlanNodeReader) -> [ValueCheck] {
        guard let items = reader.sequence(node, what) else { return [] }
        var checks: [ValueCheck] = []
        for (i, item) in items.enumerated() {
            let label = "\(what)[\(i)]"
            guard let f = reader.mapping(item, label, allowed: ["name", "value", "min", "max", "equals", "finite"],
                                         required: ["name", "value"]) else { continue }
            guard let name = f["name"].flatMap({ reader.string($0, "\(label).name") }),
                  let event = f["value"].flatMap({ reader.string($0, "\(label).value") }) else { continue }
            if !isSafeName(name) { reader.error(item, "\(label).name: '\(name)' is not a usable name (letters, digits, '_', '.', '-')") }
            if checks.contains(where: { $0.name == name }) { reader.error(item, "\(label).name: '\(name)' is used twice") }
            let minV = f["min"].flatMap { reader.number($0, "\(label).min") }
            let maxV = f["max"].flatMap { reader.number($0, "\(label).max") }
            var equals: ValueCheck.EqualsValue?
            if let e = f["equals"] {
                switch e.tagName {
                case .int, .float: equals = e.float.map { .number($0) }
                case .bool: equals = e.bool.map { .bool($0) }
                case .str: equals = e.string.map { .string($0) }
                default: reader.error(e, "\(label).equals must be a number, boolean or text")
                }
            }
            let finite = f["finite"].flatMap { reader.bool($0, "\(label).finite") } ?? false
            if minV == nil, maxV == nil, equals == nil, !finite, f["min"] == nil, f["max"] == nil, f["equals"] == nil, f["finite"] == nil {
                reader.error(item, "\(label): states no condition (give min, max, equals or finite)")
            }
            checks.append(ValueCheck(name: name, event: event, min: minV, max: maxV, equals: equals, finite: finite,
                                     line: reader.line(item)))
        }
        return checks
    }

    static func parseSanity(_ node: Node, _ reader: PlanNodeReader) -> [SanityStep] {
        guard let items = reader.sequence(node, "sanity") else { return [] }
        var steps: [SanityStep] = []
        for (i, item) in items.enumerated() {
            let label = "sanity[\(i)]"
            guard let f = reader.mapping(item, label, allowed: ["name", "command", "seed", "arm", "metrics", "checks", "kind"],
                                         required: ["name", "command"]) else { continue }
            guard let name = f["name"].flatMap({ reader.string($0, "\(label).name") }) else { continue }
            if !isSafeName(name) { reader.error(item, "\(label).name: '\(name)' is not a usable name (letters, digits, '_', '.', '-')") }
            if steps.contains(where: { $0.name == name }) { reader.error(item, "\(label).name: '\(name)' is used twice") }
            guard let command = f["command"].flatMap({ parseCommand($0, "\(label).command", reader) }) else { continue }
            let seed = f["seed"].flatMap { reader.int($0, "\(label).seed") }
            let arm = f["arm"].flatMap { reader.string($0, "\(label).arm") }
            let metrics = f["metrics"].map { parseMappings($0, "\(label).metrics", reader) } ?? []
            let checks = f["checks"].map { parseChecks($0, "\(label).checks", reader) } ?? []
            let kind = f["kind"].flatMap { parseKind($0, "\(label).kind", reader) } ?? .training
            steps.append(SanityStep(name: name, command: command, seed: seed, arm: arm, metrics: metrics, checks: checks,
                                    line: reader.line(item), kind: kind))
        }
        return steps
    }

    static func parseBaseline(_ node: Node, seeds: [Int], _ reader: PlanNodeReader) -> BaselineGate? {
        guard let f = reader.mapping(node, "baseline", allowed: ["seeds", "expect"], required: ["expect"]) else { return nil }
        let gateSeeds = f["seeds"].flatMap { reader.intList($0, "baseline.seeds") } ?? Array(seeds.prefix(1))
        if let s = f["seeds"], gateSeeds.isEmpty { reader.error(s, "baseline.seeds: the list is empty") }
        var expectations: [BaselineExpectation] = []
        if let e = f["expect"], let items = reader.sequence(e, "baseline.expect") {
            if items.isEmpty { reader.error(e, "baseline.expect: no expected value (baseline reproduction cannot be skipped)") }
            for (i, item) in items.enumerated() {
                let label = "baseline.expect[\(i)]"
                guard let g = reader.mapping(item, label, allowed: ["metric", "from_spec", "value", "tolerance", "scale"],
                                             required: ["metric"]) else { continue }
                guard let metric = g["metric"].flatMap({ reader.string($0, "\(label).metric") }) else { continue }
                let specLabel = g["from_spec"].flatMap { reader.string($0, "\(label).from_spec") }
                let value = g["value"].flatMap { reader.number($0, "\(label).value") }
                let tolerance = g["tolerance"].flatMap { reader.number($0, "\(label).tolerance") }
                let scale = g["scale"].flatMap { reader.number($0, "\(label).scale") } ?? 1
                if g["value"] == nil && specLabel == nil {
                    reader.error(item, "\(label): give 'value' (and 'tolerance') or 'from_spec' naming a value in the spec's Baselines")
                }
                if g["value"] != nil && specLabel != nil { reader.error(item, "\(label): give either 'value' or 'from_spec', not both") }
                if let tolerance, tolerance < 0 { reader.error(item, "\(label).tolerance must be 0 or more") }
                expectations.append(BaselineExpectation(metric: MetricKey.normalize(metric), specLabel: specLabel, value: value,
                                                        tolerance: tolerance, scale: scale, line: reader.line(item)))
            }
        }
        return BaselineGate(seeds: gateSeeds, expectations: expectations, line: reader.line(node))
    }

    static func parseMVE(_ node: Node, arms: [PlanArm], seeds: [Int], _ reader: PlanNodeReader) -> MVEGate? {
        guard let f = reader.mapping(node, "mve", allowed: ["arms", "seeds", "checks"], required: ["checks"]) else { return nil }
        let mveArms = f["arms"].flatMap { reader.stringList($0, "mve.arms") } ?? arms.map(\.name)
        if let a = f["arms"] {
            for name in mveArms where !arms.contains(where: { $0.name == name }) { reader.error(a, "mve.arms: '\(name)' is not one of the arms") }
            if mveArms.isEmpty { reader.error(a, "mve.arms: the list is empty") }
        }
        let mveSeeds = f["seeds"].flatMap { reader.intList($0, "mve.seeds") } ?? Array(seeds.prefix(1))
        if let s = f["seeds"], mveSeeds.isEmpty { reader.error(s, "mve.seeds: the list is empty") }
        let checks = f["checks"].map { parseChecks($0, "mve.checks", reader) } ?? []
        if let c = f["checks"], checks.isEmpty, case .sequence(let seq) = c, seq.count == 0 { reader.error(c, "mve.checks: no check is listed") }
        return MVEGate(arms: mveArms, seeds: mveSeeds, checks: checks, line: reader.line(node))
    }

    static func parseDuration(_ node: Node, _ what: String, _ reader: PlanNodeReader) -> Double? {
        if node.tagName == .int || node.tagName == .float, let v = node.float, v > 0 { return v }
        if node.tagName == .str, let text = node.string, let v = DurationText.seconds(in: text), v > 0 { return v }
        reader.error(node, "\(what) must be a positive number of seconds or a duration like '10m', found '\(node.string ?? "")'")
        return nil
    }
}
