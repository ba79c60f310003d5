import Foundation
import Testing
import RigorBasics
import RigorResults
import RigorTestSupport

@Suite struct ResultsModelTests {
    @Test func metricsFileRoundTripsThroughAnAtomicWrite() throws {
        let dir = TempDirectory()
        var file = MetricsFile(experiment: "exp-900-fixture", timestamp: MetricsFile.timestamp(for: Date(timeIntervalSince1970: 0)))
        file.baseline = JSONObject([("loss", .number(.nan)), ("acc", 0.5)])
        file.treatment = JSONObject([("loss", .number(-.infinity)), ("nested", ["a": [1, 2]])])
        file.perSeed = [SeedResult(seed: 42, values: JSONObject([("loss", 0.25)]))]
        file.resourceUsage = ResourceUsage(gpuHours: 0.1, wallClockSeconds: 12.5, totalTrainingSteps: 100, totalRuns: 1)
        file.abortTriggered = true
        file.abortReason = "loss NaN at step 3"
        let path = dir.path + "/metrics.json"
        try file.write(to: path)
        let text = try #require(dir.read("metrics.json"))
        #expect(text.contains("\"loss\": \"NaN\"") && text.contains("\"-Infinity\""))
        #expect(file.timestamp == "1970-01-01T00:00:00Z")
        let back = try MetricsFile.read(from: path)
        #expect(back.jsonValue.serialized() == file.jsonValue.serialized())
        #expect(back.baseline["loss"]?.doubleValue?.isNaN == true)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(leftovers == ["metrics.json"])
        // What Rigor writes passes its own validator.
        let report = try MetricsValidator().validate(MetricsLocation.locate(path), spec: nil)
        #expect(report.codes == [.configMissing])
        // Codable conformance goes through the same model.
        let decoded = try JSONDecoder().decode(MetricsFile.self, from: Data(text.utf8))
        #expect(decoded.experiment == "exp-900-fixture" && decoded.perSeed.first?.seed == 42)
    }

    @Test func unknownTopLevelKeysAreKept() throws {
        let text = Fixtures.text("schema/invalid-extra-top-level-key.json")
        let file = try MetricsFile(json: JSONReader.parse(text).value)
        #expect(file.extra.keys == ["reproducibility"])
        #expect(file.jsonValue["reproducibility"]?["seed"] == 42)
    }

    @Test func decodingNamesTheField() {
        #expect(throws: ResultsError.decoding(path: "metrics.json", pointer: "", reason: "missing key \"abort_triggered\"")) {
            try MetricsFile(json: JSONReader.parse(Fixtures.text("schema/invalid-missing-abort-triggered.json")).value)
        }
        #expect(throws: ResultsError.decoding(path: "metrics.json", pointer: "/per_seed/0/seed", reason: "seed must be an integer")) {
            try MetricsFile(json: JSONReader.parse(Fixtures.text("schema/invalid-per-seed-fractional-seed.json")).value)
        }
    }

    @Test func configFileRoundTripsWithExtraKeys() throws {
        let dir = TempDirectory()
        var config = ConfigFile(experiment: "exp-900-fixture",
                                spec: SpecReference(path: "experiments/exp-900-fixture.md", sha256: String(repeating: "a", count: 64)),
                                commands: ["python train.py --seed 42"], seeds: [42, 43],
                                arms: [ConfigArm(name: "baseline", parameters: JSONObject([("lr", 0.001)]))],
                                hyperparameters: JSONObject([("batch_size", 64)]),
                                environment: JSONObject([("git_commit", "abc123"), ("python", "3.11.9")]),
                                sandbox: "bubblewrap: spec and other results read-only")
        config.extra = JSONObject([("data_version", "v2")])
        let path = dir.path + "/config.json"
        try config.write(to: path)
        let back = try ConfigFile.read(from: path)
        #expect(back == config)
        let minimal = try ConfigFile(json: JSONReader.parse("{\"experiment\": \"x\", \"learning_rate\": 0.1}").value)
        #expect(minimal.seeds.isEmpty && minimal.extra.keys == ["learning_rate"])
        #expect(throws: ResultsError.decoding(path: "config.json", pointer: "/seeds/1", reason: "expected an integer seed, found string")) {
            try ConfigFile(json: JSONReader.parse("{\"experiment\": \"x\", \"seeds\": [1, \"2\"]}").value)
        }
    }

    @Test func writeIntoMissingDirectoryFailsClearly() {
        let file = MetricsFile(experiment: "x", timestamp: "2026-01-01T00:00:00")
        #expect(throws: ResultsError.self) { try file.write(to: "/nonexistent-dir-rigor/metrics.json") }
    }
}
