import ArgumentParser
import Foundation
import RigorBasics
import RigorCloud
import RigorSpec
import RigorSupervisor

/// `rigor preflight SPEC [--json] [--cloud-preference P]`: the compute advisory, with its reasons.
struct PreflightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract: "Show the compute advisory the RUN-phase agent will see for a spec, with this machine's measured capacity.",
        discussion: """
        The preference comes from --cloud-preference, else RIGOR_CLOUD_PREFERENCE, else cloud_preference in the \
        workspace's rigor.yaml, else local. Exit status: 0 printed; 2 the spec cannot be read or has errors, or a \
        preference is not one of local, cloud-first, cloud-always.
        """)

    @Argument(help: "The experiment spec.") var spec: String
    @Option(help: "local, cloud-first or cloud-always.") var cloudPreference: String?
    @Flag(help: "Print the decision as JSON.") var json = false

    func run() async throws {
        let parsed: ExperimentSpec
        do { parsed = try SpecParser.parse(path: spec) } catch { ExecCLI.fail(error.description) }
        let errors = parsed.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty {
            for e in errors { Console.error(e.description) }
            ExecCLI.fail("\(spec): the spec has errors; fix them before preflight")
        }
        let preference: (CloudPreference, source: String)
        do {
            preference = try CloudPreference.resolve(flag: cloudPreference, workspaceRoot: Workspace.containing(specPath: parsed.path)?.root)
        } catch { ExecCLI.fail("\(error)") }
        let capacity = MachineCapacity.measure()
        let advice = ComputeAdvisory.decide(parsed, capacity: capacity, preference: preference.0)
        // How each of the spec's abort criteria will be enforced (without a plan: the spec's metric keys).
        let context = AbortDerivationContext(budget: parsed.resourceBudget, computeProfile: parsed.computeProfile,
                                             metricKeys: parsed.metrics.map(\.key))
        let criteria = AbortRuleDerivation.enforcement(of: parsed.abortCriteria, context: context).map(\.description)
        if json {
            let gpus: [JSONValue] = capacity.gpus.map { g in
                .object(JSONObject([("model", .string(g.model)), ("memory_mib", g.memoryMiB.map { .number($0) } ?? .null)]))
            }
            let o = JSONObject([
                ("advisory", .string(advice.kind.rawValue)),
                ("machine", .object(JSONObject([("cores", .number(Double(capacity.cores))), ("gpus", .array(gpus)),
                                                ("memory_available_gb", .number(capacity.memoryAvailableGB)),
                                                ("memory_total_gb", .number(capacity.memoryTotalGB))]))),
                ("abort_criteria", .array(criteria.map { .string($0) })),
                ("preference", .string(preference.0.rawValue)), ("preference_source", .string(preference.source)),
                ("reasons", .array(advice.reasons.map { .string($0) })),
                ("section", advice.section.map { .string($0) } ?? .null),
                ("spec", .string(parsed.path)),
            ])
            Console.print(JSONValue.object(o).serialized(pretty: true).trimmingCharacters(in: .newlines))
            return
        }
        Console.print("machine     \(capacity.summary)")
        Console.print("preference  \(preference.0.rawValue) (\(preference.source))")
        Console.print("advisory    \(advice.kind.rawValue): " + advice.reasons.joined(separator: "; "))
        Console.print("")
        Console.print(advice.section ?? "(no section: run everything locally)")
        if !criteria.isEmpty {
            Console.print("")
            Console.print("abort criteria (a plan's logged keys can enforce more: rigor protocol check)")
            for line in criteria { Console.print("  " + line) }
        }
    }
}
