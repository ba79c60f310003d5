import ArgumentParser
import Foundation
import RigorBasics
import RigorSpec
import RigorSupervisor

struct SpecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec", abstract: "Read experiment specs.", subcommands: [SpecCheckCommand.self, SpecBenchCommand.self])
}

struct SpecCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse specs, print what each states, and report every problem with its line.",
        discussion: "Exit status: 0 all specs usable, 1 a spec has errors (or warnings with --strict), 2 a file could not be read.")

    @Argument(help: "Spec files (experiments/exp-NNN-*.md).") var paths: [String]
    @Flag(help: "Print the typed contract of each spec as JSON.") var json = false
    @Flag(help: "Count warnings as errors.") var strict = false

    func run() async throws {
        var specs: [ExperimentSpec] = []
        var unreadable = false
        for path in paths {
            do { specs.append(try SpecParser.parse(path: path)) } catch {
                Console.error(error.description)
                unreadable = true
            }
        }
        if json {
            let objects = try specs.map(Self.jsonWithEnforcement)
            let value = specs.count == 1 && paths.count == 1 ? objects[0] : JSONValue.array(objects)
            Console.print(value.serialized(pretty: true).trimmingCharacters(in: .newlines))
        } else if !specs.isEmpty {
            Console.print(Self.table(specs))
            for spec in specs {
                for d in spec.diagnostics { Console.print(d.description) }
                for e in Self.abortEnforcement(spec) { Console.print("\(spec.path): abort criterion \(e.description)") }
            }
        }
        if unreadable { throw ExitCode.unusableInput }
        if specs.contains(where: { $0.hasErrors || (strict && !$0.diagnostics.isEmpty) }) { throw ExitCode.failure }
    }

    static func table(_ specs: [ExperimentSpec]) -> String {
        var t = TextTable("SPEC", "SECTIONS", "PRI", "SEC", "SAN", "CRIT", "ABORT", "TIER", "GPU-H", "WALL", "RUNS", "SEEDS",
                          "COMPUTE", "ERR", "WARN")
        for spec in specs {
            let s = SpecSummary(spec)
            t.add([s.experimentID, "\(s.sectionsFound.count)/12", "\(s.primary)", "\(s.secondary)", "\(s.sanity)",
                   "\(s.successCriteria)", "\(s.abortCriteria)", s.tier ?? "-", s.maxGPUHours, s.maxWallClock,
                   s.maxTrainingRuns, s.maxSeeds, s.computeProfile, "\(s.errors)", "\(s.warnings)"])
        }
        return t.render()
    }
}

// The abort criteria with their enforcement (docs/abort-rules.md, "Derived from the spec"):
// without a plan, the derivation matches the spec's own metric keys only.
extension SpecCheckCommand {
    static func abortEnforcement(_ spec: ExperimentSpec) -> [CriterionEnforcement] {
        let context = AbortDerivationContext(budget: spec.resourceBudget, computeProfile: spec.computeProfile,
                                             metricKeys: spec.metrics.map(\.key))
        return AbortRuleDerivation.enforcement(of: spec.abortCriteria, context: context)
    }

    /// The spec's JSON with `abort_enforcement` added, keys sorted.
    static func jsonWithEnforcement(_ spec: ExperimentSpec) throws -> JSONValue {
        let items: [JSONValue] = abortEnforcement(spec).map { e in
            let rules: [JSONValue] = e.rules.map { r in
                ["action": .string(r.action.rawValue), "basis": .string(r.basis), "rule": .string(r.rule), "scope": .string(r.scope.name)]
            }
            return ["enforced": .bool(e.isEnforced), "line": .number(Double(e.criterion.line)),
                    "reason": e.notEnforced.map(JSONValue.string) ?? .null, "rules": .array(rules), "text": .string(e.criterion.text)]
        }
        var object = try JSONValue.encode(spec).objectValue ?? JSONObject()
        object["abort_enforcement"] = .array(items)
        return .object(JSONObject(object.entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }
}
