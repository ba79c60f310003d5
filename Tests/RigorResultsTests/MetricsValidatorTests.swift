import Foundation
import Testing
import RigorBasics
@testable import RigorSpec
import RigorResults
import RigorTestSupport

@Suite struct MetricsValidatorTests {
    let validator = MetricsValidator()

    func validate(_ fixture: String, spec: ExperimentSpec? = nil) -> MetricsReport {
        validator.validate(text: Fixtures.text("schema/" + fixture), path: fixture, spec: spec)
    }

    @Test func validFileHasNoViolations() {
        let report = validate("valid-minimal.json")
        #expect(report.violations.isEmpty, "\(report.violations.map(\.textLine))")
        #expect(report.isValid)
    }

    @Test func truncatedFileSaysWhereTheOpenObjectStarted() throws {
        let report = validate("invalid-truncated.json")
        #expect(report.codes == [.truncatedJSON])
        let v = try #require(report.first(.truncatedJSON))
        #expect(v.message.contains("truncated: the file ends inside an object opened at line 26, column 21"))
        #expect(v.pointer == "/resource_usage")
        #expect(v.line == 27)
    }

    @Test func truncatedInsideArrayOfObjectsPointsAtTheElement() throws {
        let text = "{\n  \"per_seed\": [\n    {\"seed\": 1},\n    {\"seed\": 2, \"loss\": 0."
        let report = validator.validate(text: text, path: "m.json", spec: nil)
        let v = try #require(report.first(.truncatedJSON))
        #expect(v.pointer == "/per_seed/1")
        #expect(v.message.contains("opened at line 4, column 5"))
    }

    @Test func bareNaNTokensAreReportedWithPositions() {
        let report = validate("invalid-nan-tokens.json")
        let tokens = report.violations.filter { $0.code == .nonStandardJSONToken }
        #expect(tokens.map(\.pointer) == ["/treatment/brier_skill_score", "/sanity_checks/max_loss", "/sanity_checks/min_loss"])
        #expect(tokens.map { "\($0.line ?? 0):\($0.column ?? 0)" } == ["10:26", "25:17", "26:17"])
        #expect(report.codes.allSatisfy { $0 == .nonStandardJSONToken }, "the rest of the file is still checked and is fine")
    }

    @Test func missingAndExtraTopLevelKeys() throws {
        let missing = validate("invalid-missing-abort-triggered.json")
        let v = try #require(missing.first(.missingTopLevelKey))
        #expect(v.pointer == "" && v.line == 1 && v.column == 1)
        #expect(v.message.contains("\"abort_triggered\""))
        let extra = validate("invalid-extra-top-level-key.json")
        let e = try #require(extra.first(.extraTopLevelKey))
        #expect(e.pointer == "/reproducibility")
        #expect(e.line == 35 && e.column == 3)
    }

    @Test func wrongTypes() {
        #expect(validate("invalid-abort-triggered-string.json").codes.contains(.wrongType))
        #expect(validate("invalid-resource-usage-string.json").first(.wrongType)?.pointer == "/resource_usage/gpu_hours")
        #expect(validate("invalid-resource-usage-nan-string.json").first(.wrongType)?.pointer == "/resource_usage/gpu_hours")
        #expect(validate("invalid-per-seed-object.json").first(.wrongType)?.pointer == "/per_seed")
        #expect(validate("invalid-per-seed-fractional-seed.json").first(.wrongType)?.pointer == "/per_seed/0/seed")
        #expect(validate("invalid-per-seed-string-seed.json").first(.wrongType)?.pointer == "/per_seed/0/seed")
        #expect(validate("invalid-top-level-array.json").codes == [.wrongType])
        #expect(validate("invalid-resource-usage-negative.json").codes == [.negativeValue])
        #expect(validate("invalid-timestamp.json").codes == [.invalidTimestamp])
        #expect(validate("invalid-per-seed-missing-seed.json").first(.missingKey)?.pointer == "/per_seed/0")
    }

    @Test func abortFieldsMustAgree() {
        #expect(validate("invalid-abort-without-reason.json").codes == [.abortReasonMissing])
        #expect(validate("invalid-reason-without-abort.json").codes == [.abortReasonWithoutAbort])
        #expect(validate("valid-nested-aborted.json").violations.isEmpty)
        #expect(validate("valid-empty-reason-no-abort.json").violations.isEmpty)
    }

    @Test func duplicateKeysAreReported() {
        let text = Fixtures.text("schema/valid-minimal.json").replacingOccurrences(
            of: "\"notes\":", with: "\"abort_reason\": \"x\",\n  \"notes\":")
        let report = validator.validate(text: text, path: "m.json", spec: nil)
        #expect(report.first(.duplicateKey)?.pointer == "/abort_reason")
    }

    @Test func interpretiveNotesAreReportedAtTheWord() throws {
        let report = validate("valid-interpretive-notes.json")
        let hits = report.violations.filter { $0.code == .interpretiveLanguage }
        #expect(hits.count == 3)
        // "notes": "The results show …" — the string starts at column 12, its first letter at 13.
        #expect(hits.map { $0.column ?? 0 } == [13, 48, 60])
        #expect(hits.allSatisfy { $0.line == 34 && $0.pointer == "/notes" })
    }

    @Test func notesLikeKeysAnywhereAreLinted() throws {
        let text = Fixtures.text("schema/valid-minimal.json").replacingOccurrences(
            of: "\"n_samples\": 454164", with: "\"n_samples\": 454164, \"gate_note\": \"tab\\there: this suggests a leak\", \"label\": \"clearly not notes\"")
        let report = validator.validate(text: text, path: "m.json", spec: nil)
        let hits = report.violations.filter { $0.code == .interpretiveLanguage }
        #expect(hits.count == 1)
        #expect(hits.first?.pointer == "/sanity_checks/gate_note")
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).first { $0.contains("gate_note") }.map(String.init) ?? ""
        let expectedColumn = (line.range(of: "this suggests").map { line.utf8.distance(from: line.startIndex, to: $0.lowerBound) } ?? -1) + 1
        #expect(hits.first?.column == expectedColumn)
    }

    @Test func specMetricsMissingAreReportedAtTheirSpecLine() throws {
        let spec = Fixtures.spec(metrics: [
            Fixtures.metric("Mean val return", .primary, line: 20),
            Fixtures.metric("Brier skill score (BSS)", .primary, line: 21),
            Fixtures.metric("Bootstrap p-value", .secondary, line: 25),
            Fixtures.metric("N_samples", .sanity, line: 30),
        ])
        let text = Fixtures.text("schema/valid-minimal.json").replacingOccurrences(of: "brier_skill_score", with: "bss")
        let report = validator.validate(text: text, path: "m.json", spec: spec)
        let missing = report.violations.filter { $0.code == .specMetricMissing }
        #expect(missing.count == 1)
        #expect(missing.first?.specLine == 25 && missing.first?.file == spec.path && missing.first?.line == 25)
        let matches = Dictionary(uniqueKeysWithValues: report.specMetrics.map { ($0.name, $0) })
        #expect(matches["Mean val return"]?.match == .sameWords)
        #expect(matches["Mean val return"]?.pointers == ["/baseline/val_mean_return", "/treatment/val_mean_return", "/per_seed/0/val_mean_return", "/per_seed/1/val_mean_return"])
        #expect(matches["Brier skill score (BSS)"]?.match == .alias)
        #expect(matches["N_samples"]?.match == .exactKey)
        #expect(matches["Bootstrap p-value"]?.match == nil)
    }

    @Test func keysOutsideTheSpecAreWarnings() throws {
        let spec = Fixtures.spec(metrics: [Fixtures.metric("Mean val return", .primary, line: 20)])
        let report = validate("valid-nested-aborted.json", spec: spec)
        let promoted = report.violations.filter { $0.code == .metricNotInSpec }
        #expect(promoted.allSatisfy { $0.severity == .warning })
        #expect(Set(promoted.compactMap(\.pointer)) == [
            "/baseline/mlp_20d/entropy_trajectory/500K", "/baseline/mlp_20d/entropy_trajectory/1000K",
            "/baseline/mlp_20d/val_positive_episodes", "/treatment/mlp_199d/calibration", "/treatment/mlp_199d/converged",
        ])
        #expect(report.isValid, "warnings alone keep the file valid: \(report.violations.map(\.textLine))")
    }

    @Test func budgetLimitsAreChecked() {
        let over = Fixtures.spec(budget: Fixtures.budget(gpu: 0, wall: 900, runs: 2, seeds: 1))
        let report = validate("valid-minimal.json", spec: over)
        #expect(Set(report.codes) == [.gpuHoursOverBudget, .wallClockOverBudget, .runsOverBudget, .seedsOverBudget])
        #expect(report.first(.gpuHoursOverBudget)?.specLine == 50)
        #expect(report.first(.seedsOverBudget)?.message.contains("2 seeds (42, 43)") == true)
        let within = Fixtures.spec(budget: Fixtures.budget(gpu: 1, wall: 7200, runs: 4, seeds: 2))
        #expect(validate("valid-minimal.json", spec: within).violations.isEmpty)
        var na = Fixtures.budget()
        na.maxGPUHours = Fixtures.limit(nil, line: 50, notApplicable: true)
        #expect(validate("valid-minimal.json", spec: Fixtures.spec(budget: na)).violations.isEmpty)
    }

    @Test func seedsAreCountedPerConfiguration() {
        let text = Fixtures.text("schema/valid-minimal.json").replacingOccurrences(
            of: "{\n      \"seed\": 43,", with: "{\n      \"seed\": 43, \"arm\": \"treatment\",")
        let spec = Fixtures.spec(budget: Fixtures.budget(seeds: 1))
        #expect(validator.validate(text: text, path: "m.json", spec: spec).violations.isEmpty)
    }

    @Test func tickedCriteriaAreReported() {
        let spec = Fixtures.spec(criteria: [
            SuccessCriterion(id: "C1", text: "BSS > 0", checked: true, isCheckbox: true, line: 40),
            SuccessCriterion(id: "C2", text: "p < 0.05", checked: false, isCheckbox: true, line: 41),
        ])
        let report = validate("valid-minimal.json", spec: spec)
        #expect(report.codes == [.criterionPreTicked])
        #expect(report.first(.criterionPreTicked)?.line == 40)
    }

    @Test func everyCodeIsDocumented() throws {
        let doc = try String(contentsOfFile: RepoPaths.root + "/docs/metrics-schema.md", encoding: .utf8)
        for code in ViolationCode.allCases { #expect(doc.contains("`\(code.rawValue)`"), "\(code.rawValue) is not in docs/metrics-schema.md") }
    }
}
