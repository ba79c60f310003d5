import Foundation
import RigorBasics
import Yams

/// The command policy's rules, loaded from YAML (format: docs/command-policy.md).
public struct PolicyRules: Sendable, Equatable {
    public struct DenyCommand: Sendable, Equatable { public var rule: String; public var names: [String]; public var reason: String }
    public struct Wrapper: Sendable, Equatable {
        public var name: String
        public var optionsWithValue: [String] = []
        public var skipAssignments = false
        public var splitOption: [String] = []
        public var flagsStop: [String] = []
        public var leadingOperands = 0
    }
    public struct Writer: Sendable, Equatable {
        public enum Targets: String, Sendable { case operands, destination, key, none, operandsAfterScript = "operands_after_script" }
        public enum Removes: String, Sendable { case operands, sources, none }
        public var name: String
        public var targets: Targets
        public var removes: Removes = .none
        public var key: String?
        public var optionsWithValue: [String] = []
        public var whenOption: [String] = []
        public var scriptOptions: [String] = []
    }
    public var denyCommands: [DenyCommand] = []
    public var wrappers: [String: Wrapper] = [:]
    public var shells: Set<String> = []
    public var gitDenyAlways: Set<String> = []
    public var gitPathScoped: Set<String> = []
    public var writers: [String: Writer] = [:]
    public var findNames: Set<String> = []
    public var findExecActions: Set<String> = []
    public var findDeleteActions: Set<String> = []
    public var interpreters: Set<String> = []
    public var interpreterPrefixes: [String] = []
    public var codeOptions: Set<String> = []
    public var denyCalls: [String] = []
    public var pathCalls: [String] = []
    public var shellCalls: [String] = []

    /// Parses rules; `source` names the file (or "built-in") in errors.
    public static func parse(yaml: String, source: String) throws(GuardError) -> PolicyRules {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch { throw .badPolicy(source: source, line: nil, message: "not valid YAML: \(error)") }
        guard let map = root?.mapping else { throw .badPolicy(source: source, line: nil, message: "expected a mapping at the top level") }
        var r = PolicyRules()
        let known: Set<String> = ["version", "deny_commands", "wrappers", "shells", "git", "writers", "find", "inline_code"]
        for (k, _) in map where !known.contains(k.string ?? "") {
            throw .badPolicy(source: source, line: k.mark.map { $0.line }, message: "unknown key '\(k.string ?? "?")' (known: \(known.sorted().joined(separator: ", ")))")
        }
        guard map["version"]?.int == 1 else { throw .badPolicy(source: source, line: nil, message: "version: 1 is required") }
        func strings(_ n: Node?, _ what: String) throws(GuardError) -> [String] {
            guard let n else { return [] }
            guard let seq = n.sequence else { throw .badPolicy(source: source, line: n.mark.map { $0.line }, message: "\(what) must be a list of strings") }
            var out: [String] = []
            for item in seq {
                guard let s = item.string else { throw .badPolicy(source: source, line: item.mark.map { $0.line }, message: "\(what) entries must be strings") }
                out.append(s)
            }
            return out
        }
        func entries(_ key: String) throws(GuardError) -> [Node] {
            guard let n = map[key] else { return [] }
            guard let s = n.sequence else { throw .badPolicy(source: source, line: n.mark.map { $0.line }, message: "\(key) must be a list") }
            return Array(s)
        }
        for e in try entries("deny_commands") {
            guard let rule = e["rule"]?.string, let reason = e["reason"]?.string else {
                throw .badPolicy(source: source, line: e.mark.map { $0.line }, message: "each deny_commands entry needs rule, names and reason")
            }
            r.denyCommands.append(DenyCommand(rule: rule, names: try strings(e["names"], "names"), reason: reason))
        }
        for e in try entries("wrappers") {
            guard let name = e["name"]?.string else { throw .badPolicy(source: source, line: e.mark.map { $0.line }, message: "each wrapper needs a name") }
            var w = Wrapper(name: name)
            w.optionsWithValue = try strings(e["options_with_value"], "options_with_value")
            w.skipAssignments = e["skip_assignments"]?.bool ?? false
            w.splitOption = try strings(e["split_option"], "split_option")
            w.flagsStop = try strings(e["flags_stop"], "flags_stop")
            w.leadingOperands = e["leading_operands"]?.int ?? 0
            r.wrappers[name] = w
        }
        r.shells = Set(try strings(map["shells"], "shells"))
        r.gitDenyAlways = Set(try strings(map["git"]?["deny_always"], "git.deny_always"))
        r.gitPathScoped = Set(try strings(map["git"]?["path_scoped"], "git.path_scoped"))
        for e in try entries("writers") {
            guard let name = e["name"]?.string, let t = e["targets"]?.string, let targets = Writer.Targets(rawValue: t) else {
                throw .badPolicy(source: source, line: e.mark.map { $0.line }, message: "each writer needs name and targets (operands, destination, key, none, operands_after_script)")
            }
            var w = Writer(name: name, targets: targets)
            if let rm = e["removes"]?.string {
                guard let v = Writer.Removes(rawValue: rm) else { throw .badPolicy(source: source, line: e.mark.map { $0.line }, message: "removes must be operands, sources or none") }
                w.removes = v
            }
            w.key = e["key"]?.string
            if targets == .key && w.key == nil { throw .badPolicy(source: source, line: e.mark.map { $0.line }, message: "targets: key needs key: (e.g. \"of=\")") }
            w.optionsWithValue = try strings(e["options_with_value"], "options_with_value")
            w.whenOption = try strings(e["when_option"], "when_option")
            w.scriptOptions = try strings(e["script_options"], "script_options")
            r.writers[name] = w
        }
        r.findNames = Set(try strings(map["find"]?["names"], "find.names"))
        r.findExecActions = Set(try strings(map["find"]?["exec_actions"], "find.exec_actions"))
        r.findDeleteActions = Set(try strings(map["find"]?["delete_actions"], "find.delete_actions"))
        let code = map["inline_code"]
        r.interpreters = Set(try strings(code?["interpreters"], "inline_code.interpreters"))
        r.interpreterPrefixes = try strings(code?["interpreter_prefixes"], "inline_code.interpreter_prefixes")
        r.codeOptions = Set(try strings(code?["code_options"], "inline_code.code_options"))
        r.denyCalls = try strings(code?["deny_calls"], "inline_code.deny_calls")
        r.pathCalls = try strings(code?["path_calls"], "inline_code.path_calls")
        r.shellCalls = try strings(code?["shell_calls"], "inline_code.shell_calls")
        return r
    }

    func denyRule(for name: String) -> DenyCommand? { denyCommands.first { $0.names.contains(name) } }
    func isInterpreter(_ name: String) -> Bool { interpreters.contains(name) || interpreterPrefixes.contains { name.hasPrefix($0) } }
}
