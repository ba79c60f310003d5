import Foundation
import Testing
import RigorBasics
@testable import RigorSpec
import RigorResults
import RigorTestSupport

/// Validation of a results directory in a workspace: config.json, the frozen spec, spec discovery, unusable input.
@Suite struct ResultsDirectoryTests {
    func workspace(_ dir: TempDirectory, config: Bool = true, frozen: String? = nil) -> String {
        dir.write("experiments/exp-900-fixture.md", "# exp-900\n")
        dir.write("results/exp-900-fixture/metrics.json", Fixtures.text("schema/valid-minimal.json"))
        if config { dir.write("results/exp-900-fixture/config.json", "{\"experiment\": \"exp-900-fixture\"}\n") }
        if let frozen { dir.write("results/exp-900-fixture/spec.md", frozen) }
        return dir.path + "/results/exp-900-fixture"
    }

    @Test func cleanDirectoryFindsItsSpec() throws {
        let dir = TempDirectory()
        let results = workspace(dir)
        let location = try MetricsLocation.locate(results)
        #expect(location.workspaceSpecPath == dir.path + "/experiments/exp-900-fixture.md")
        let report = try MetricsValidator().validate(location, spec: nil)
        #expect(report.violations.isEmpty, "\(report.violations.map(\.textLine))")
    }

    @Test func missingAndInvalidConfig() throws {
        let dir = TempDirectory()
        let results = workspace(dir, config: false)
        let report = try MetricsValidator().validate(MetricsLocation.locate(results + "/metrics.json"), spec: nil)
        #expect(report.codes == [.configMissing])
        try "{\"experiment\": ".write(toFile: results + "/config.json", atomically: true, encoding: .utf8)
        let again = try MetricsValidator().validate(MetricsLocation.locate(results), spec: nil)
        #expect(again.codes == [.configInvalid])
    }

    @Test func aFileNotNamedMetricsJSONNeedsNoConfig() throws {
        let report = try MetricsValidator().validate(MetricsLocation.locate(Fixtures.path("schema/valid-minimal.json")), spec: nil)
        #expect(report.violations.isEmpty)
        #expect(report.checksSkipped.contains { $0.contains("config.json") })
    }

    @Test func frozenSpecMustMatch() throws {
        let specText = "# exp-900\n"
        let spec = Fixtures.spec(sha256: SHA256.hex(Array(specText.utf8)))
        let dir = TempDirectory(), other = TempDirectory()
        let same = workspace(dir, frozen: specText)
        #expect(try MetricsValidator().validate(MetricsLocation.locate(same), spec: spec).violations.isEmpty)
        let edited = workspace(other, frozen: specText + "- [x] C1\n")
        let report = try MetricsValidator().validate(MetricsLocation.locate(edited), spec: spec)
        #expect(report.codes == [.frozenSpecDiffers])
    }

    @Test func unusableInputIsThrownNotReported() throws {
        let dir = TempDirectory()
        #expect(throws: ResultsError.file(.missing(path: dir.path + "/nope"))) { try MetricsLocation.locate(dir.path + "/nope") }
        #expect(throws: ResultsError.noMetricsFile(directory: dir.path)) { try MetricsLocation.locate(dir.path) }
        let empty = dir.write("empty/metrics.json", "")
        #expect(throws: ResultsError.file(.empty(path: empty))) {
            try MetricsValidator().validate(MetricsLocation.locate(empty), spec: nil)
        }
        let binary = dir.path + "/binary.json"
        #expect(FileManager.default.createFile(atPath: binary, contents: Data([0x7B, 0x00, 0x7D])))
        #expect(throws: ResultsError.file(.binary(path: binary, offset: 1))) {
            try MetricsValidator().validate(MetricsLocation.locate(binary), spec: nil)
        }
        let huge = dir.path + "/huge.json"
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: UInt64(ResultsLimits.maxFileBytes + 1))
        try handle.close()
        #expect(throws: ResultsError.file(.tooLarge(path: huge, bytes: ResultsLimits.maxFileBytes + 1, limit: ResultsLimits.maxFileBytes))) {
            try MetricsValidator().validate(MetricsLocation.locate(huge), spec: nil)
        }
    }

    @Test func garbageNeverCrashes() {
        let samples = ["", " ", "{", "[", "\"", "{\"a\":", "{\"a\": [1, {\"b\": \"\\", "nul", "-", "{\"a\":1}}", "[[[[[[", "{\"notes\": \"\\ud800\"}",
                       String(repeating: "[", count: 2000), "{\"per_seed\": [null, 1, {\"seed\": 1e400}]}", "\u{FEFF}{}"]
        for text in samples {
            let report = MetricsValidator().validate(text: text, path: "x.json", spec: Fixtures.spec(budget: Fixtures.budget(gpu: 1, seeds: 1)))
            #expect(!report.isValid, "\(text.prefix(20)) should not be valid")
        }
    }
}
