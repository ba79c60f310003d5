import Foundation
import RigorSpec
import Testing

/// Specs as research programs really write them (issue 9, item 1): a spec is refused only when
/// a mandatory section or the compute profile is missing; everything else is kept and at most
/// warned about. One fixture per shape, written for the project.
struct RealSpecShapesTests {
    static func parse(_ text: String) -> ExperimentSpec { SpecParser.parse(text: text, path: "shape.md") }
    static func errors(_ spec: ExperimentSpec) -> [String] { spec.diagnostics.filter { $0.severity == .error }.map(\.description) }

    static let tiers: [(String, ResourceBudget.Tier?, String?)] = [
        ("Medium", nil, "Medium"),
        ("Cloud GPU MANDATORY", nil, "Cloud GPU MANDATORY"),
        ("Quick (CPU-only, local)", .quick, nil),
        ("Heavy", .heavy, nil),
    ]

    @Test(arguments: tiers)
    func tiersAreKeptAsWritten(_ written: String, _ tier: ResourceBudget.Tier?, _ kept: String?) {
        let spec = Self.parse(SpecFixtures.minimal(replacing: "**Tier:** Standard", with: "**Tier:** \(written)"))
        #expect(Self.errors(spec) == [])
        #expect(spec.resourceBudget?.tier == tier)
        #expect(spec.resourceBudget?.tierText == kept)
        #expect(spec.diagnostics.contains { $0.code == "budget-tier" && $0.severity == .warning } == (kept != nil))
    }

    @Test func sectionsThatMentionProtocolAreNotTheFullProtocol() throws {
        let extra = """

        ## Full Protocol
        1. Train each arm on seeds 0-2.

        ## Protocol
        Notes on how the data was split.

        ## CV Protocol
        5-fold, stratified.

        ## Training Protocol
        AdamW, 20 epochs.

        ## Resume Protocol
        Restart from the last checkpoint.
        """
        let spec = Self.parse(SpecFixtures.minimal + extra)
        #expect(Self.errors(spec) == [])
        #expect(!spec.diagnostics.contains { $0.code == "duplicate-section" })
        #expect(spec.fullProtocol.count == 1)
        let kept = spec.otherSections.map(\.heading)
        for title in ["Protocol", "CV Protocol", "Training Protocol", "Resume Protocol"] { #expect(kept.contains(title), "\(kept)") }
    }

    @Test func budgetLinesAreFoundAnywhereInTheSectionWithTheirVariants() throws {
        let budget = """
        ## Resource Budget
        **Tier:** Standard

        ### Compute Profile
        ```yaml
        compute_type: cpu
        estimated_wall_hours: 3
        ```

        ### Other Limits
        - **Max GPU-hours:** 0 (no model training)
        - Max wall-clock: 4 hours
        - Max training runs: ~900 (10 configs x 90 fits)
        - Max seeds: 5
        """
        let text = SpecFixtures.minimal.replacingOccurrences(of: """
        ## Resource Budget
        **Tier:** Standard
        - Max GPU-hours: **2.5**
        - Max wall-clock time: **90 minutes**
        - Max training runs: 10
        - Max seeds per configuration: N/A (deterministic)

        ### Compute Profile
        ```yaml
        compute_type: gpu
        estimated_wall_hours: 1.5
        ```
        """, with: budget)
        #expect(text != SpecFixtures.minimal)
        let spec = Self.parse(text)
        #expect(Self.errors(spec) == [])
        let b = try #require(spec.resourceBudget)
        #expect(b.maxGPUHours?.value == 0)
        #expect(b.maxWallClockSeconds?.value == 14_400.0)
        #expect(b.maxTrainingRuns?.value == 900)
        #expect(b.maxSeedsPerConfiguration?.value == 5)
        #expect(b.maxTrainingRuns?.line == SpecFixtures.line(of: "~900", in: text))
        #expect(spec.computeProfile?.estimatedWallHours == 3)
        #expect(!spec.diagnostics.contains { $0.code == "budget-field-missing" }, "\(spec.diagnostics)")
    }

    @Test(arguments: ["GPU hours: 4", "Max GPU-hours: 4", "**Max GPU-hours:** 4", "- GPU hours: **4**"])
    func gpuHourLabels(_ line: String) {
        let spec = Self.parse(SpecFixtures.minimal(replacing: "- Max GPU-hours: **2.5**", with: line))
        #expect(spec.resourceBudget?.maxGPUHours?.value == 4)
    }

    @Test(arguments: ["Max seeds: 3", "Seeds: 3", "- Max seeds per configuration: 3"])
    func seedLabels(_ line: String) {
        let spec = Self.parse(SpecFixtures.minimal(replacing: "- Max seeds per configuration: N/A (deterministic)", with: line))
        #expect(spec.resourceBudget?.maxSeedsPerConfiguration?.value == 3)
    }

    @Test func valuesRigorCannotReadAreKeptWithAWarningNotRefused() {
        let text = SpecFixtures.minimal(replacing: "- Max training runs: 10", with: "- Max training runs: as many as it takes")
            .replacingOccurrences(of: "**90 minutes**", with: "90")
        let spec = Self.parse(text)
        #expect(Self.errors(spec) == [])
        #expect(spec.diagnostics.contains { $0.code == "budget-value" && $0.severity == .warning })
        #expect(spec.diagnostics.contains { $0.code == "budget-duration" && $0.severity == .warning })
    }

    @Test func aMissingMandatorySectionOrComputeProfileIsStillRefused() {
        let noAbort = Self.parse(SpecFixtures.minimal(replacing: "## Abort Criteria\n- Loss is NaN\n- Any run longer than 20 minutes", with: ""))
        #expect(noAbort.diagnostics.contains { $0.code == "missing-section" && $0.severity == .error })
        let noProfile = Self.parse(SpecFixtures.minimal(replacing: "### Compute Profile\n```yaml\ncompute_type: gpu\nestimated_wall_hours: 1.5\n```", with: ""))
        #expect(noProfile.diagnostics.contains { $0.code == "missing-compute-profile" && $0.severity == .error })
    }
}
