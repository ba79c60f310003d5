import Foundation
import RigorSpec
import RigorTestSupport
import Testing

/// The real research program's specs (../shared/corpus/specs): every one parses without error.
@Suite(.enabled(if: RepoPaths.corpus != nil, "../shared/corpus is absent"))
struct SpecCorpusTests {
    static var specPaths: [String] {
        guard let corpus = RepoPaths.corpus else { return [] }
        let dir = corpus + "/specs"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
            .map { dir + "/" + $0 }
    }

    @Test func everyCorpusSpecParsesWithoutErrors() throws {
        #expect(Self.specPaths.count >= 8)
        for path in Self.specPaths {
            let spec = try SpecParser.parse(path: path)
            #expect(!spec.hasErrors, "\(path): \(spec.diagnostics.filter { $0.severity == .error })")
        }
    }

    @Test func realSpecsYieldTheirStatedFacts() throws {
        guard let corpus = RepoPaths.corpus else { return }
        let s5 = try SpecParser.parse(path: corpus + "/specs/lob-rl--exp-005-null-calibration.md")
        #expect(s5.metrics(of: .primary).map(\.key) == ["ybar_long", "ybar_short"])
        #expect(s5.metrics.contains { $0.key == "sum_ybar" && $0.kind == .secondary })
        #expect(s5.resourceBudget?.tier == .quick)
        #expect(s5.resourceBudget?.maxWallClockSeconds?.value == 300)
        #expect(s5.resourceBudget?.maxSeedsPerConfiguration?.notApplicable == true)
        #expect(s5.successCriteria.map(\.id) == ["C1", "C2", "C3", "C4", "C5", "C6"])
        let s6 = try SpecParser.parse(path: corpus + "/specs/lob-rl--exp-006-signal-detection.md")
        #expect(s6.metrics(of: .primary).first?.key == "brier_skill_score")
        let s1 = try SpecParser.parse(path: corpus + "/specs/lob-rl--exp-001-does-increasing-training-data-from-20-to.md")
        #expect(s1.baselines?.values.contains { $0.value == -62.9 && $0.label.hasPrefix("MLP 20-day") } == true)
        #expect(s1.computeProfile?.target == "runpod")
        #expect(s1.resourceBudget?.maxGPUHours?.value == 8)
        let s2 = try SpecParser.parse(path: corpus + "/specs/lob-rl--exp-002-execution-cost-ablation.md")
        let keys = s2.metrics.map(\.key)
        #expect(keys.contains("mean_val_return_no_exec_cost_eval") && keys.contains("mean_val_return_with_exec_cost_eval"))
    }
}
