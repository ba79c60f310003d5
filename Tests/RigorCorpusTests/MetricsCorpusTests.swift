import Foundation
import RigorBasics
import RigorResults
import RigorSpec
import RigorTestSupport
import Testing

/// The real program's metrics files (../shared/corpus/results), each validated against its spec
/// (same `lob-rl--exp-NNN` prefix in ../shared/corpus/specs). Real input, messy on purpose.
@Suite(.enabled(if: RepoPaths.corpus != nil, "../shared/corpus is absent"))
struct MetricsCorpusTests {
    /// (metrics file, its spec) for every corpus results file.
    static var pairs: [(metrics: String, spec: String?)] {
        guard let corpus = RepoPaths.corpus else { return [] }
        let results = corpus + "/results", specs = corpus + "/specs"
        let specNames = (try? FileManager.default.contentsOfDirectory(atPath: specs)) ?? []
        return ((try? FileManager.default.contentsOfDirectory(atPath: results)) ?? []).filter { $0.hasSuffix(".json") }.sorted().map { name in
            let prefix = name.range(of: #"^.*?exp-[0-9]+"#, options: .regularExpression).map { String(name[$0]) } ?? name
            let spec = specNames.first { $0.hasPrefix(prefix + "-") && $0.hasSuffix(".md") }
            return (results + "/" + name, spec.map { specs + "/" + $0 })
        }
    }

    static func report(_ experiment: String) throws -> MetricsReport {
        let pair = try #require(pairs.first { $0.metrics.contains(experiment) }, "no corpus file for \(experiment)")
        let spec = try pair.spec.map { try SpecParser.parse(path: $0) }
        return try MetricsValidator().validate(MetricsLocation.locate(pair.metrics), spec: spec)
    }

    @Test func everyCorpusFileIsValidatedAgainstItsSpecWithoutCrashing() throws {
        #expect(Self.pairs.count >= 6)
        for pair in Self.pairs {
            let spec = try #require(pair.spec, "no spec for \(pair.metrics)")
            let report = try MetricsValidator().validate(MetricsLocation.locate(pair.metrics), spec: SpecParser.parse(path: spec))
            #expect(report.specPath == spec)
            #expect(!report.specMetrics.isEmpty, "\(spec): no metrics to match")
            // Every violation names a code and a file; those in the metrics file carry a position.
            for v in report.violations where v.file == pair.metrics && v.code != .missingTopLevelKey {
                #expect(v.line != nil && v.column != nil, "\(v.textLine)")
            }
        }
    }

    @Test func exp004LacksTheAbortFieldsAndPerSeed() throws {
        let report = try Self.report("exp-004")
        let missing = report.violations.filter { $0.code == .missingTopLevelKey }.map(\.message)
        for key in ["abort_triggered", "abort_reason", "baseline", "treatment", "per_seed", "sanity_checks"] {
            #expect(missing.contains { $0.contains("\"\(key)\"") }, "\(key) should be reported missing")
        }
        #expect(report.violations.contains { $0.code == .extraKey && $0.pointer == "/resource_usage/total_training_runs" })
        #expect(report.violations.contains { $0.code == .extraTopLevelKey && $0.pointer == "/set_a" })
    }

    @Test func exp001HasExtraTopLevelKeysAndInterpretiveNotes() throws {
        let report = try Self.report("exp-001")
        let extra = Set(report.violations.filter { $0.code == .extraTopLevelKey }.compactMap(\.pointer))
        #expect(extra == ["/reproducibility", "/mve", "/in_sample_evaluation"])
        let phrases = report.violations.filter { $0.code == .interpretiveLanguage }.map(\.message)
        #expect(phrases.contains { $0.contains("\"suggesting\"") })
        #expect(report.violations.filter { $0.code == .interpretiveLanguage }.allSatisfy { $0.pointer == "/notes" && $0.line != nil })
        // Spec metric "Mean val return" is found under the arms, nested.
        let meanVal = report.specMetrics.first { $0.key.contains("val") && $0.key.contains("return") }
        #expect(meanVal?.pointers.contains("/baseline/mlp_20d/val_mean_return") == true, "\(report.specMetrics.map(\.key))")
    }

    @Test func exp005And006FindTheirPrimaryMetrics() throws {
        let r5 = try Self.report("exp-005")
        #expect(r5.specMetrics.filter { $0.kind == .primary }.allSatisfy { $0.match == .exactKey }, "\(r5.specMetrics)")
        #expect(r5.specMetrics.first { $0.key == "ybar_long" }?.pointers.contains("/primary/ybar_long") == true)
        let r6 = try Self.report("exp-006")
        let bss = try #require(r6.specMetrics.first { $0.name.contains("BSS") })
        #expect(bss.match == .alias)
        #expect(bss.pointers.contains("/primary/logistic_long/bss"))
        // The spec allows 0 training runs; the file reports 4.
        #expect(r6.violations.contains { $0.code == .runsOverBudget })
    }
}
