import Foundation
import RigorBasics
import RigorGuard

/// One request to the run broker (docs/broker.md): a `rigor exec` or `rigor protocol run`
/// command line from inside the sandbox, to be run by the Rigor process outside it. Requests
/// are hostile input: every field is checked like command-line input, and a request that is
/// not well formed gets an error reply naming the field.
public struct BrokerRequest: Sendable, Equatable {
    public enum Command: String, Sendable, CaseIterable {
        case exec
        case protocolRun = "protocol-run"

        /// The `rigor` subcommand words.
        public var words: [String] { self == .exec ? ["exec"] : ["protocol", "run"] }
    }

    public static let version = 1
    /// Largest request line accepted, in bytes.
    public static let maxBytes = 256 << 10
    static let maxArguments = 1024
    static let maxArgumentBytes = 16 << 10

    public var command: Command
    public var arguments: [String]
    /// The client's working directory (the same path outside: the sandbox binds paths in place).
    public var workingDirectory: String
    /// Variables of the client's environment passed on to the run (`forwardedVariable`).
    public var environment: [String: String]

    public init(command: Command, arguments: [String], workingDirectory: String, environment: [String: String] = [:]) {
        self.command = command; self.arguments = arguments
        self.workingDirectory = workingDirectory; self.environment = environment
    }

    /// Variables a client may pass on: how to find programs and how the run uses the machine
    /// (devices, threads, seeds). Never the loader's (`LD_*`) or anything secret.
    public static func forwardedVariable(_ name: String) -> Bool {
        if Secrets.isSecret(name) { return false }
        if ["PATH", "VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "PYTHONHASHSEED", "PYTHONUNBUFFERED",
            "PYTHONDONTWRITEBYTECODE", "CUBLAS_WORKSPACE_CONFIG", "LANG", "LC_ALL", "TZ"].contains(name) { return true }
        return ["CUDA_", "OMP_", "MKL_", "OPENBLAS_", "NCCL_", "TORCH_", "PYTORCH_", "HF_", "TF_", "JAX_", "XLA_", "WANDB_"]
            .contains { name.hasPrefix($0) }
    }

    public var json: JSONValue {
        var env = JSONObject()
        for k in environment.keys.sorted() { env[k] = .string(environment[k] ?? "") }
        return .object(JSONObject([("version", .number(Double(Self.version))), ("command", .string(command.rawValue)),
                                   ("arguments", .array(arguments.map { .string($0) })), ("cwd", .string(workingDirectory)),
                                   ("environment", .object(env))]))
    }

    /// Parses and checks one request line against the broker's scope.
    public static func parse(_ bytes: [UInt8], workspaceRoot: String) -> Result<BrokerRequest, BrokerRefusal> {
        guard bytes.count <= maxBytes else { return .failure(BrokerRefusal("request larger than \(maxBytes) bytes")) }
        let value: JSONValue
        do { value = try JSONReader.parse(bytes: bytes).value } catch {
            return .failure(BrokerRefusal("request is not JSON: \(error.description)"))
        }
        guard let o = value.objectValue else { return .failure(BrokerRefusal("request: expected a JSON object, got \(value.typeName)")) }
        let known: Set<String> = ["version", "command", "arguments", "cwd", "environment"]
        if let extra = o.keys.first(where: { !known.contains($0) }) { return .failure(BrokerRefusal("\(extra): unknown field")) }
        guard let v = o["version"]?.doubleValue, v == Double(version) else {
            return .failure(BrokerRefusal("version: expected \(version)"))
        }
        guard let name = o["command"]?.stringValue, let command = Command(rawValue: name) else {
            return .failure(BrokerRefusal("command: expected one of \(Command.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        guard let list = o["arguments"]?.arrayValue, list.count <= maxArguments else {
            return .failure(BrokerRefusal("arguments: expected an array of at most \(maxArguments) strings"))
        }
        var arguments: [String] = []
        for (i, a) in list.enumerated() {
            guard let s = a.stringValue, s.utf8.count <= maxArgumentBytes, !s.utf8.contains(0) else {
                return .failure(BrokerRefusal("arguments[\(i)]: expected a string of at most \(maxArgumentBytes) bytes without NUL"))
            }
            arguments.append(s)
        }
        guard let cwd = o["cwd"]?.stringValue, cwd.hasPrefix("/"), !cwd.utf8.contains(0) else {
            return .failure(BrokerRefusal("cwd: expected an absolute path"))
        }
        let resolved = PathResolution.resolve(cwd, relativeTo: "/")
        guard PathResolution.isWithin(resolved, workspaceRoot) else {
            return .failure(BrokerRefusal("cwd: \(cwd) is outside the workspace \(workspaceRoot)"))
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDir), isDir.boolValue else {
            return .failure(BrokerRefusal("cwd: \(cwd) is not a folder"))
        }
        var environment: [String: String] = [:]
        if let env = o["environment"] {
            guard let eo = env.objectValue else { return .failure(BrokerRefusal("environment: expected an object of strings")) }
            for (k, v) in eo {
                guard let s = v.stringValue, !s.utf8.contains(0), s.utf8.count <= maxArgumentBytes else {
                    return .failure(BrokerRefusal("environment.\(k): expected a string"))
                }
                if forwardedVariable(k) { environment[k] = s }
            }
        }
        // The run must stay inside the guard: an unguarded run is the one thing the broker never starts.
        if command == .exec, arguments.prefix(while: { $0 != "--" }).contains("--no-guard") {
            return .failure(BrokerRefusal("arguments: --no-guard is not available to the agent; every run is guarded"))
        }
        return .success(BrokerRequest(command: command, arguments: arguments, workingDirectory: resolved, environment: environment))
    }
}

/// Why the broker refused a request (sent back as an error reply; the client exits 2).
public struct BrokerRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "broker: " + message }
}
