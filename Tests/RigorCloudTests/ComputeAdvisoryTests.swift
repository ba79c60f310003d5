import Foundation
import RigorCloud
import RigorSpec
import RigorTestSupport
import Testing

/// `rigor preflight`'s rules (issue 9, item 2), one row per case, on specs written for the test
/// and a machine described by numbers (the decision takes the measured capacity as input).
struct ComputeAdvisoryTests {
    static func spec(tier: String = "Standard", profile: String) -> ExperimentSpec {
        SpecParser.parse(text: """
        # Experiment: exp-001-x

        ## Hypothesis
        h

        ## Metrics
        ### Primary
        - **accuracy**: a

        ## Success Criteria
        - [ ] x

        ## Resource Budget
        **Tier:** \(tier)
        - Max GPU-hours: 4
        - Max wall-clock time: 8 hours
        - Max training runs: 10
        - Max seeds per configuration: 3

        ### Compute Profile
        ```yaml
        \(profile)
        ```

        ## Abort Criteria
        - NaN loss
        """, path: "exp-001-x.md")
    }

    static let cpuOnly = MachineCapacity(cores: 16, memoryTotalGB: 32, memoryAvailableGB: 16, gpus: [])
    static let withGPU = MachineCapacity(cores: 16, memoryTotalGB: 128, memoryAvailableGB: 100,
                                         gpus: [.init(model: "NVIDIA H200", memoryMiB: 143_771)])

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var tier = "Standard"
        var profile: String
        var machine = ComputeAdvisoryTests.cpuOnly
        var preference = CloudPreference.local
        var kind: ComputeAdvice.Kind
        var reason: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "GPU compute type, no GPU here", profile: "compute_type: gpu\nestimated_wall_hours: 1", kind: .mustOffload, reason: "compute_type gpu"),
        Case(name: "GPU compute type, a GPU here", profile: "compute_type: gpu\nestimated_wall_hours: 1", machine: withGPU, kind: .none, reason: "it fits here"),
        Case(name: "a GPU type other than none", profile: "compute_type: cpu\ngpu_type: A100\nestimated_wall_hours: 1", kind: .mustOffload, reason: "gpu_type A100"),
        Case(name: "a pytorch model", profile: "compute_type: cpu\nmodel_type: pytorch-lstm\nestimated_wall_hours: 1", kind: .mustOffload, reason: "model_type pytorch-lstm"),
        Case(name: "gpu_type none is not a GPU workload", profile: "compute_type: cpu\ngpu_type: none\nestimated_wall_hours: 1", kind: .none, reason: "preference local"),
        Case(name: "tier Heavy", tier: "Heavy", profile: "compute_type: cpu\nestimated_wall_hours: 1", kind: .mustOffload, reason: "tier Heavy"),
        Case(name: "estimate above the local limit", profile: "compute_type: cpu\nestimated_wall_hours: 3", kind: .mustOffload, reason: "estimated_wall_hours 3 is above the local limit of 2 h"),
        Case(name: "memory above what is free", profile: "compute_type: cpu\nmemory_gb: 64\nestimated_wall_hours: 1", kind: .mustOffload, reason: "memory_gb 64 is more than the 16 GB available here"),
        Case(name: "fits, cloud-first, worth the overhead", profile: "compute_type: cpu\nestimated_wall_hours: 1", preference: .cloudFirst, kind: .cloudPreferred, reason: "above the overhead floor of 0.15 h"),
        Case(name: "fits, cloud-always, worth the overhead", profile: "compute_type: cpu\nestimated_wall_hours: 0.5", preference: .cloudAlways, kind: .cloudPreferred, reason: "preference cloud-always"),
        Case(name: "fits, cloud-first, under the overhead floor", profile: "compute_type: cpu\nestimated_wall_hours: 0.1", preference: .cloudFirst, kind: .availabilityNote, reason: "within the overhead floor"),
        Case(name: "fits, local", profile: "compute_type: cpu\nestimated_wall_hours: 1", kind: .none, reason: "preference local"),
        Case(name: "a mandatory cloud target", profile: "compute: cloud GPU (mandatory)\ncompute_type: gpu", machine: withGPU, kind: .mandatory, reason: "compute target says \"cloud GPU (mandatory)\""),
        Case(name: "a tier that makes cloud mandatory", tier: "Cloud GPU MANDATORY", profile: "compute_type: gpu", machine: withGPU, kind: .mandatory, reason: "tier says \"Cloud GPU MANDATORY\""),
    ]

    @Test(arguments: cases)
    func decides(_ c: Case) {
        let spec = Self.spec(tier: c.tier, profile: c.profile)
        #expect(spec.diagnostics.filter { $0.severity == .error } == [], "\(spec.diagnostics)")
        let advice = ComputeAdvisory.decide(spec, capacity: c.machine, preference: c.preference)
        #expect(advice.kind == c.kind, "\(advice.reasons)")
        #expect(advice.reasons.contains { $0.contains(c.reason) }, "\(advice.reasons)")
        let heading: String? = switch c.kind {
        case .mustOffload, .mandatory: "## Compute Advisory\n"
        case .cloudPreferred: "## Compute Advisory (Cloud Preferred)\n"
        case .availabilityNote: "## Cloud Availability Note\n"
        case .none: nil
        }
        #expect(advice.section.map { String($0.prefix(heading?.count ?? 0)) } == heading)
    }

    @Test func preferenceComesFromTheFlagThenTheEnvironmentThenRigorYAML() throws {
        let ws = TempDirectory(prefix: "rigor-pref")
        ws.write("rigor.yaml", "agent: claude\ncloud_preference: cloud-always\n")
        #expect(try CloudPreference.resolve(flag: "cloud-first", environment: ["RIGOR_CLOUD_PREFERENCE": "local"], workspaceRoot: ws.path).0 == .cloudFirst)
        #expect(try CloudPreference.resolve(flag: nil, environment: ["RIGOR_CLOUD_PREFERENCE": "local"], workspaceRoot: ws.path).0 == .local)
        let fromFile = try CloudPreference.resolve(flag: nil, environment: [:], workspaceRoot: ws.path)
        #expect(fromFile.0 == .cloudAlways && fromFile.source.hasSuffix("rigor.yaml:2: cloud_preference"))
        #expect(try CloudPreference.resolve(flag: nil, environment: [:], workspaceRoot: nil).0 == .local)
        #expect(throws: CloudPreferenceError.self) { try CloudPreference.resolve(flag: "sometimes", environment: [:], workspaceRoot: nil) }
    }

    @Test func theMachineIsMeasured() {
        let m = MachineCapacity.measure()
        #expect(m.cores == ProcessInfo.processInfo.activeProcessorCount)
        #expect(m.memoryTotalGB > 0 && m.memoryAvailableGB > 0 && m.memoryAvailableGB <= m.memoryTotalGB)
    }
}
