import Foundation
import RigorBasics
@testable import RigorSpec
import RigorResults
import RigorTestSupport

/// Fixture files shipped with the tests, and specs built in code.
enum Fixtures {
    static var root: String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.path
            ?? RepoPaths.root + "/Tests/RigorResultsTests/Fixtures"
    }

    static func path(_ relative: String) -> String { root + "/" + relative }

    static func text(_ relative: String) -> String {
        (try? String(contentsOfFile: path(relative), encoding: .utf8)) ?? ""
    }

    /// Names of the schema-agreement fixtures, sorted.
    static var schemaFixtures: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path("schema"))) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    static func metric(_ name: String, _ kind: MetricKind, line: Int) -> SpecMetric {
        SpecMetric(name: name, key: MetricKey.normalize(name), kind: kind, detail: "", line: line)
    }

    static func limit(_ value: Double?, line: Int, notApplicable: Bool = false, raw: String = "") -> BudgetLimit {
        BudgetLimit(value: value, notApplicable: notApplicable, raw: raw.isEmpty ? (value.map { "\($0)" } ?? "N/A") : raw, line: line)
    }

    /// A spec as the parser would produce it for the fixture metrics files.
    static func spec(path: String = "/ws/experiments/exp-900-fixture.md", sha256: String = "",
                     metrics: [SpecMetric]? = nil, budget: ResourceBudget? = nil,
                     criteria: [SuccessCriterion] = []) -> ExperimentSpec {
        ExperimentSpec(
            path: path, sha256: sha256, experimentID: "exp-900-fixture", title: "Fixture",
            hypothesis: nil, independentVariables: nil, controls: nil,
            metrics: metrics ?? [
                metric("Mean val return", .primary, line: 20),
                metric("Brier skill score (BSS)", .primary, line: 21),
                metric("N_samples", .sanity, line: 30),
                metric("Loss finite", .sanity, line: 31),
            ],
            baselines: nil, successCriteria: criteria, minimumViableExperiment: nil, fullProtocol: [],
            resourceBudget: budget, computeProfile: nil, abortCriteria: [], confounds: nil,
            otherSections: [], diagnostics: [])
    }

    static func budget(gpu: Double? = nil, wall: Double? = nil, runs: Double? = nil, seeds: Double? = nil) -> ResourceBudget {
        ResourceBudget(tier: .quick, maxGPUHours: gpu.map { limit($0, line: 50) },
                       maxWallClockSeconds: wall.map { limit($0, line: 51) }, maxTrainingRuns: runs.map { limit($0, line: 52) },
                       maxSeedsPerConfiguration: seeds.map { limit($0, line: 53) }, line: 49, text: "")
    }
}

extension MetricsReport {
    var codes: [ViolationCode] { violations.map(\.code) }
    func first(_ code: ViolationCode) -> MetricsViolation? { violations.first { $0.code == code } }
}
