import Foundation
import RigorBasics

/// config.json: the configuration a RUN used, for reproducibility. Every field but
/// `experiment` may be absent; keys Rigor does not model are kept in `extra`.
public struct ConfigFile: Sendable, Equatable, Codable {
    public static let knownKeys = [
        "experiment", "spec", "commands", "seeds", "arms", "hyperparameters", "environment", "sandbox",
    ]

    public var experiment: String
    /// The spec the run executed, with its SHA-256 at the time of the run.
    public var spec: SpecReference?
    /// Commands run, in order, as executed.
    public var commands: [String]
    public var seeds: [Int]
    public var arms: [ConfigArm]
    /// Hyperparameters as used (free JSON).
    public var hyperparameters: JSONObject
    /// Provenance: git commit, dirty-diff hash, Python and package versions, GPU model … (free JSON).
    public var environment: JSONObject
    /// One line saying how protected paths were guarded (e.g. "bubblewrap read-only binds").
    public var sandbox: String?
    /// Keys outside the model, as read.
    public var extra: JSONObject

    public init(experiment: String, spec: SpecReference? = nil, commands: [String] = [], seeds: [Int] = [],
                arms: [ConfigArm] = [], hyperparameters: JSONObject = JSONObject(),
                environment: JSONObject = JSONObject(), sandbox: String? = nil, extra: JSONObject = JSONObject()) {
        self.experiment = experiment; self.spec = spec; self.commands = commands; self.seeds = seeds
        self.arms = arms; self.hyperparameters = hyperparameters; self.environment = environment
        self.sandbox = sandbox; self.extra = extra
    }

    /// The file as an ordered JSON value (modelled keys first, then `extra`).
    public var jsonValue: JSONValue {
        var o = JSONObject()
        o["experiment"] = .string(experiment)
        o["spec"] = spec.map(\.jsonValue) ?? .null
        o["commands"] = .array(commands.map(JSONValue.string))
        o["seeds"] = .array(seeds.map { .number(Double($0)) })
        o["arms"] = .array(arms.map(\.jsonValue))
        o["hyperparameters"] = .object(hyperparameters)
        o["environment"] = .object(environment)
        o["sandbox"] = sandbox.map(JSONValue.string) ?? .null
        for entry in extra where o[entry.key] == nil { o[entry.key] = entry.value }
        return .object(o)
    }

    /// Builds the model from parsed JSON; the first mismatch is thrown with its pointer.
    public init(json: JSONValue, path: String = "config.json") throws(ResultsError) {
        let d = ModelDecoder(path: path)
        let o = try d.object(json, "")
        experiment = try d.string(o, "experiment", "")
        if let s = o["spec"], !s.isNull {
            let so = try d.object(s, "/spec")
            spec = SpecReference(path: try d.string(so, "path", "/spec"), sha256: try d.string(so, "sha256", "/spec"))
        } else { spec = nil }
        var cmds: [String] = []
        for (i, c) in try d.array(o["commands"] ?? .array([]), "/commands").enumerated() {
            guard let s = c.stringValue else { throw d.fail("/commands/\(i)", "expected a string, found \(c.typeName)") }
            cmds.append(s)
        }
        commands = cmds
        var seedList: [Int] = []
        for (i, s) in try d.array(o["seeds"] ?? .array([]), "/seeds").enumerated() {
            guard case .number(let n) = s, n == n.rounded(), abs(n) < 9.0e15 else {
                throw d.fail("/seeds/\(i)", "expected an integer seed, found \(s.typeName)")
            }
            seedList.append(Int(n))
        }
        seeds = seedList
        var armList: [ConfigArm] = []
        for (i, a) in try d.array(o["arms"] ?? .array([]), "/arms").enumerated() {
            let ao = try d.object(a, "/arms/\(i)")
            var parameters = JSONObject()
            for entry in ao where entry.key != "name" { parameters[entry.key] = entry.value }
            armList.append(ConfigArm(name: try d.string(ao, "name", "/arms/\(i)"), parameters: parameters))
        }
        arms = armList
        hyperparameters = try d.object(o["hyperparameters"] ?? .object(JSONObject()), "/hyperparameters")
        environment = try d.object(o["environment"] ?? .object(JSONObject()), "/environment")
        if let s = o["sandbox"], !s.isNull {
            guard let text = s.stringValue else { throw d.fail("/sandbox", "expected a string, found \(s.typeName)") }
            sandbox = text
        } else { sandbox = nil }
        var rest = JSONObject()
        for entry in o where !ConfigFile.knownKeys.contains(entry.key) { rest[entry.key] = entry.value }
        extra = rest
    }

    /// Reads and decodes a config.json (bounded read).
    public static func read(from path: String) throws(ResultsError) -> ConfigFile {
        try ConfigFile(json: ModelDecoder.readJSON(path), path: path)
    }

    /// Writes the file atomically (temp file, fsync, rename) as standard, pretty JSON.
    public func write(to path: String) throws(ResultsError) {
        do { try AtomicFile.write(json: jsonValue, to: path) } catch {
            throw .write(path: path, reason: "\(error)")
        }
    }

    public init(from decoder: Decoder) throws {
        let value = try JSONValue(from: decoder)
        do { self = try ConfigFile(json: value) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: Encoder) throws { try jsonValue.encode(to: encoder) }
}

/// The spec a run executed: its path (as given) and SHA-256 of its bytes.
public struct SpecReference: Sendable, Equatable {
    public var path: String
    public var sha256: String
    public init(path: String, sha256: String) { self.path = path; self.sha256 = sha256 }
    public var jsonValue: JSONValue { .object(JSONObject([("path", .string(path)), ("sha256", .string(sha256))])) }
}

/// One arm (configuration) of the experiment: a name and its settings.
public struct ConfigArm: Sendable, Equatable {
    public var name: String
    public var parameters: JSONObject
    public init(name: String, parameters: JSONObject = JSONObject()) { self.name = name; self.parameters = parameters }

    public var jsonValue: JSONValue {
        var o = JSONObject()
        o["name"] = .string(name)
        for entry in parameters where entry.key != "name" { o[entry.key] = entry.value }
        return .object(o)
    }
}
