import Foundation
import RigorBasics
import RigorSpec
import RigorTestSupport
import Testing

@Suite struct SpecParserTests {
    @Test func exampleSpecParsesCompletely() throws {
        let spec = SpecParser.parse(text: SpecFixtures.example, path: "examples/two-spirals/experiments/exp-001-hidden-width.md")
        #expect(spec.diagnostics.isEmpty, "\(spec.diagnostics)")
        #expect(spec.experimentID == "exp-001-hidden-width")
        #expect(spec.metrics.map(\.key) == ["val_accuracy", "val_loss", "train_accuracy", "train_loss_decreased", "n_val"])
        #expect(spec.metrics.map(\.kind) == [.primary, .secondary, .secondary, .sanity, .sanity])
        #expect(spec.resourceBudget?.tier == .quick)
        #expect(spec.resourceBudget?.maxWallClockSeconds?.value == 600)
        #expect(spec.resourceBudget?.maxTrainingRuns?.value == 12)
        #expect(spec.resourceBudget?.maxSeedsPerConfiguration?.value == 3)
        #expect(spec.resourceBudget?.maxGPUHours?.value == 0)
        #expect(spec.computeProfile?.source == .yamlBlock)
        #expect(spec.computeProfile?.computeType == "cpu")
        #expect(spec.computeProfile?.estimatedWallHours == 0.02)
        let baseline = try #require(spec.baselines?.values.first)
        #expect(baseline.value == 0.778)
        #expect(baseline.tolerance == 0.05)
        #expect(baseline.label.contains("4 hidden units"))
        #expect(spec.successCriteria.map(\.id) == ["C1", "C2", "C3"])
        #expect(spec.successCriteria.allSatisfy { $0.isCheckbox && !$0.checked })
        #expect(spec.abortCriteria.count == 3)
        #expect(spec.fullProtocol.count == 5)
        #expect(spec.hypothesis?.text.hasPrefix("A one-hidden-layer MLP") == true)
    }

    @Test func fingerprintIsSHA256OfTheBytes() {
        let spec = SpecParser.parse(text: SpecFixtures.minimal, path: "x.md")
        #expect(spec.sha256 == SHA256.hex(Array(SpecFixtures.minimal.utf8)))
        #expect(spec.sha256.count == 64)
    }

    @Test func minimalSpecFieldsAndLines() throws {
        let spec = SpecParser.parse(text: SpecFixtures.minimal, path: "m.md")
        #expect(!spec.hasErrors, "\(spec.diagnostics)")
        #expect(spec.metrics.map(\.key) == ["accuracy", "loss", "n_samples"])
        #expect(spec.metrics.first?.line == 8)
        #expect(spec.resourceBudget?.tier == .standard)
        #expect(spec.resourceBudget?.maxGPUHours?.value == 2.5)
        #expect(spec.resourceBudget?.maxWallClockSeconds?.value == 5400)
        #expect(spec.resourceBudget?.maxSeedsPerConfiguration?.notApplicable == true)
        #expect(spec.successCriteria.map(\.checked) == [false, true])
        #expect(spec.otherSections.map(\.heading) == ["Mystery Section"])
        #expect(spec.otherSections.first?.text == "Kept as written.")
    }

    @Test(arguments: [
        ("## Hypothesis", "## 1. Hypothesis"),
        ("## Metrics (ALL must be reported)", "## Metrics"),
        ("## Success Criteria (immutable once RUN begins)", "## Success Criteria (pre-committed)"),
        ("## Abort Criteria", "## ABORT CRITERIA"),
    ])
    func headingVariantsAreRecognised(old: String, new: String) {
        let spec = SpecParser.parse(text: SpecFixtures.minimal(replacing: old, with: new), path: "v.md")
        #expect(!spec.hasErrors, "\(spec.diagnostics)")
    }

    @Test func computeTargetSectionStandsForTheProfile() {
        let text = SpecFixtures.minimal(replacing: "### Compute Profile\n```yaml\ncompute_type: gpu\nestimated_wall_hours: 1.5\n```",
                                        with: "## Compute Target\n\n**Compute:** `runpod`\n**GPU type:** RTX 4090\n")
        let spec = SpecParser.parse(text: text, path: "c.md")
        #expect(!spec.hasErrors, "\(spec.diagnostics)")
        #expect(spec.computeProfile?.source == .computeTarget)
        #expect(spec.computeProfile?.target == "runpod")
        #expect(spec.computeProfile?.gpuType == "RTX 4090")
    }

    @Test(arguments: ["## Hypothesis", "## Abort Criteria", "## Resource Budget", "## Success Criteria (immutable once RUN begins)"])
    func missingMandatorySectionIsAnError(heading: String) {
        let text = SpecFixtures.minimal(replacing: heading, with: "## Renamed Away")
        let spec = SpecParser.parse(text: text, path: "s.md")
        #expect(spec.diagnostics.contains { $0.severity == .error && $0.code == "missing-section" })
    }

    @Test func missingComputeProfileIsAnError() {
        let text = SpecFixtures.minimal(replacing: "### Compute Profile\n```yaml\ncompute_type: gpu\nestimated_wall_hours: 1.5\n```", with: "")
        let spec = SpecParser.parse(text: text, path: "s.md")
        let d = spec.diagnostics.first { $0.code == "missing-compute-profile" }
        #expect(d?.severity == .error)
    }

    @Test func duplicateSectionIsAWarningNamingBothLines() throws {
        let text = SpecFixtures.minimal + "\n## Hypothesis\nA second one.\n"
        let spec = SpecParser.parse(text: text, path: "d.md")
        let d = try #require(spec.diagnostics.first { $0.code == "duplicate-section" })
        #expect(d.severity == .warning)
        #expect(spec.hypothesis?.text.contains("Widening") == true)
        #expect(d.message.contains("line 3"))
        #expect(d.line == text.components(separatedBy: "\n").count - 2)
    }

    @Test func yamlWithTabsIsAnErrorAtItsLine() throws {
        let text = SpecFixtures.minimal(replacing: "estimated_wall_hours: 1.5", with: "\testimated_wall_hours: 1.5")
        let spec = SpecParser.parse(text: text, path: "y.md")
        let d = try #require(spec.diagnostics.first { $0.code == "compute-profile-yaml" })
        #expect(d.message.contains("tab"))
        #expect(d.line == SpecFixtures.line(of: "\testimated_wall_hours", in: text))
    }

    @Test func yamlGarbageIsAnError() throws {
        let text = SpecFixtures.minimal(replacing: "estimated_wall_hours: 1.5", with: "estimated_wall_hours: [1.5\n: : {")
        let spec = SpecParser.parse(text: text, path: "y.md")
        #expect(spec.diagnostics.contains { $0.code == "compute-profile-yaml" && $0.severity == .error })
    }

    @Test func wallClockWithoutUnitIsAWarning() {
        let text = SpecFixtures.minimal(replacing: "**90 minutes**", with: "90")
        let spec = SpecParser.parse(text: text, path: "w.md")
        #expect(spec.diagnostics.contains { $0.code == "budget-duration" && $0.line == SpecFixtures.line(of: "Max wall-clock time", in: text) })
    }

    @Test func collidingMetricNamesKeepTheirParentheticals() {
        let text = SpecFixtures.minimal(replacing: "- **loss** — cross-entropy.",
                                        with: "- **accuracy (with cost)** — with cost.")
        let spec = SpecParser.parse(text: text, path: "k.md")
        #expect(spec.metrics.map(\.key).prefix(2) == ["accuracy", "accuracy_with_cost"])
    }

    @Test func headingsInsideCodeFencesAreNotSections() {
        let text = SpecFixtures.minimal(replacing: "Kept as written.", with: "```bash\n## Hypothesis\n```")
        let spec = SpecParser.parse(text: text, path: "f.md")
        #expect(!spec.diagnostics.contains { $0.code == "duplicate-section" })
    }
}
