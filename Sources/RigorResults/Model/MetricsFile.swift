import Foundation
import RigorBasics

/// metrics.json: the one results file the RUN phase must write, with exactly the structure of
/// the RUN-phase prompt. Metric values are free JSON; NaN/±Infinity are written as the strings
/// "NaN", "Infinity", "-Infinity". Unknown top-level keys are kept in `extra` (never dropped).
public struct MetricsFile: Sendable, Equatable, Codable {
    /// The top-level keys of the contract, in the order Rigor writes them.
    public static let topLevelKeys = [
        "experiment", "timestamp", "baseline", "treatment", "per_seed", "sanity_checks",
        "resource_usage", "abort_triggered", "abort_reason", "notes",
    ]

    /// In `baseline` or `treatment`, a text value under this key names the arm the group
    /// belongs to (`"arm": "hidden32"`); it is a label, not a metric.
    public static let armLabelKey = "arm"

    public var experiment: String
    /// `YYYY-MM-DDTHH:MM:SS` (fraction and zone allowed).
    public var timestamp: String
    public var baseline: JSONObject
    public var treatment: JSONObject
    public var perSeed: [SeedResult]
    public var sanityChecks: JSONObject
    public var resourceUsage: ResourceUsage
    public var abortTriggered: Bool
    public var abortReason: String?
    /// Factual observations only; never interpretation.
    public var notes: String?
    /// Top-level keys outside the contract, as read (the validator reports them).
    public var extra: JSONObject

    public init(experiment: String, timestamp: String, baseline: JSONObject = JSONObject(),
                treatment: JSONObject = JSONObject(), perSeed: [SeedResult] = [],
                sanityChecks: JSONObject = JSONObject(), resourceUsage: ResourceUsage = ResourceUsage(),
                abortTriggered: Bool = false, abortReason: String? = nil, notes: String? = nil,
                extra: JSONObject = JSONObject()) {
        self.experiment = experiment; self.timestamp = timestamp; self.baseline = baseline
        self.treatment = treatment; self.perSeed = perSeed; self.sanityChecks = sanityChecks
        self.resourceUsage = resourceUsage; self.abortTriggered = abortTriggered
        self.abortReason = abortReason; self.notes = notes; self.extra = extra
    }

    /// The contract's timestamp text for a moment, in UTC: `2026-02-11T12:46:32Z`.
    public static func timestamp(for date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// The file as an ordered JSON value (contract keys first, then `extra`).
    public var jsonValue: JSONValue {
        var o = JSONObject()
        o["experiment"] = .string(experiment)
        o["timestamp"] = .string(timestamp)
        o["baseline"] = .object(baseline)
        o["treatment"] = .object(treatment)
        o["per_seed"] = .array(perSeed.map(\.jsonValue))
        o["sanity_checks"] = .object(sanityChecks)
        o["resource_usage"] = resourceUsage.jsonValue
        o["abort_triggered"] = .bool(abortTriggered)
        o["abort_reason"] = abortReason.map(JSONValue.string) ?? .null
        o["notes"] = notes.map(JSONValue.string) ?? .null
        for entry in extra where o[entry.key] == nil { o[entry.key] = entry.value }
        return .object(o)
    }

    /// Builds the model from parsed JSON; the first structural mismatch is thrown with its pointer.
    /// Use `MetricsValidator` to get every violation.
    public init(json: JSONValue, path: String = "metrics.json") throws(ResultsError) {
        let d = ModelDecoder(path: path)
        let o = try d.object(json, "")
        experiment = try d.string(o, "experiment", "")
        timestamp = try d.string(o, "timestamp", "")
        baseline = try d.object(d.required(o, "baseline", ""), "/baseline")
        treatment = try d.object(d.required(o, "treatment", ""), "/treatment")
        let seeds = try d.array(d.required(o, "per_seed", ""), "/per_seed")
        var entries: [SeedResult] = []
        for (i, item) in seeds.enumerated() {
            entries.append(try SeedResult(json: item, pointer: "/per_seed/\(i)", decoder: d))
        }
        perSeed = entries
        sanityChecks = try d.object(d.required(o, "sanity_checks", ""), "/sanity_checks")
        resourceUsage = try ResourceUsage(json: d.required(o, "resource_usage", ""), decoder: d)
        guard let aborted = try d.required(o, "abort_triggered", "").boolValue else {
            throw d.fail("/abort_triggered", "abort_triggered must be true or false")
        }
        abortTriggered = aborted
        abortReason = try d.optionalString(o, "abort_reason", "")
        notes = try d.optionalString(o, "notes", "")
        var rest = JSONObject()
        for entry in o where !MetricsFile.topLevelKeys.contains(entry.key) { rest[entry.key] = entry.value }
        extra = rest
    }

    /// Reads and decodes a metrics.json (bounded read; bare NaN/Infinity tokens accepted).
    public static func read(from path: String) throws(ResultsError) -> MetricsFile {
        try MetricsFile(json: ModelDecoder.readJSON(path), path: path)
    }

    /// Writes the file atomically (temp file, fsync, rename) as standard, pretty JSON.
    public func write(to path: String) throws(ResultsError) {
        do { try AtomicFile.write(json: jsonValue, to: path) } catch {
            throw .write(path: path, reason: "\(error)")
        }
    }

    public init(from decoder: Decoder) throws {
        let value = try JSONValue(from: decoder)
        do { self = try MetricsFile(json: value) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: Encoder) throws { try jsonValue.encode(to: encoder) }
}

/// One `per_seed` entry: the seed and that seed's metric values.
public struct SeedResult: Sendable, Equatable {
    public var seed: Int
    /// Every other key of the entry, in order.
    public var values: JSONObject

    public init(seed: Int, values: JSONObject = JSONObject()) { self.seed = seed; self.values = values }

    public var jsonValue: JSONValue {
        var o = JSONObject()
        o["seed"] = .number(Double(seed))
        for entry in values where entry.key != "seed" { o[entry.key] = entry.value }
        return .object(o)
    }

    init(json: JSONValue, pointer: String, decoder d: ModelDecoder) throws(ResultsError) {
        let o = try d.object(json, pointer)
        guard let raw = try d.required(o, "seed", pointer).doubleValue, raw.isFinite, raw == raw.rounded(),
              abs(raw) < 9.0e15 else {
            throw d.fail(pointer + "/seed", "seed must be an integer")
        }
        seed = Int(raw)
        var rest = JSONObject()
        for entry in o where entry.key != "seed" { rest[entry.key] = entry.value }
        values = rest
    }
}

/// `resource_usage`: what the run consumed, all numbers.
public struct ResourceUsage: Sendable, Equatable {
    public static let keys = ["gpu_hours", "wall_clock_seconds", "total_training_steps", "total_runs"]

    public var gpuHours: Double
    public var wallClockSeconds: Double
    public var totalTrainingSteps: Double
    public var totalRuns: Double

    public init(gpuHours: Double = 0, wallClockSeconds: Double = 0, totalTrainingSteps: Double = 0, totalRuns: Double = 0) {
        self.gpuHours = gpuHours; self.wallClockSeconds = wallClockSeconds
        self.totalTrainingSteps = totalTrainingSteps; self.totalRuns = totalRuns
    }

    public var jsonValue: JSONValue {
        .object(JSONObject([
            ("gpu_hours", .number(gpuHours)), ("wall_clock_seconds", .number(wallClockSeconds)),
            ("total_training_steps", .number(totalTrainingSteps)), ("total_runs", .number(totalRuns)),
        ]))
    }

    init(json: JSONValue, decoder d: ModelDecoder) throws(ResultsError) {
        let o = try d.object(json, "/resource_usage")
        func number(_ key: String) throws(ResultsError) -> Double {
            guard case .number(let n) = try d.required(o, key, "/resource_usage") else {
                throw d.fail("/resource_usage/" + key, "\(key) must be a number")
            }
            return n
        }
        gpuHours = try number("gpu_hours")
        wallClockSeconds = try number("wall_clock_seconds")
        totalTrainingSteps = try number("total_training_steps")
        totalRuns = try number("total_runs")
    }
}
