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
        /// xargs: standard input supplies operands (appended, or replacing the `replace_options` string).
        public var stdinOperands = false
        public var replaceOptions: [String] = []
    }
    public struct Writer: Sendable, Equatable {
        public enum Targets: String, Sendable { case operands, destination, key, none, patch, operandsAfterScript = "operands_after_script" }
        public enum Removes: String, Sendable { case operands, sources, none }
        public var name: String
        public var targets: Targets
        public var removes: Removes = .none
        public var key: String?
        public var optionsWithValue: [String] = []
        public var whenOption: [String] = []
        public var scriptOptions: [String] = []
        /// Options whose value is a path the command writes (`sort -o FILE`, `curl -o FILE`).
        public var outputOptions: [String] = []
        /// Short options whose value is attached (`perl -Mstrict`, `-0777`): they end a cluster.
        public var attachedValue: [String] = []
        /// Short options with an optional run of digits attached (`perl -0777pi`).
        public var digitValue: [String] = []
        /// With one of these (or, when `hardLinkUnless` is set, without one of those) the
        /// command makes hard links: a protected source is denied.
        public var hardLinkWhen: [String] = []
        public var hardLinkUnless: [String]?
        /// With one of these the command makes symbolic links, remembered for later commands.
        public var symlinkWhen: [String] = []
        /// With one of these, `file://` URL operands are written (`curl -T x file:///…`).
        public var fileURLWritesWhen: [String] = []
    }
    /// An archive extractor: writes unknown names into its target folder.
    public struct Extractor: Sendable, Equatable {
        public var name: String
        /// The rule applies only with one of these (empty: always); `tar xf` letters count.
        public var whenOption: [String] = []
        public var dirOptions: [String] = []
        public var optionsWithValue: [String] = []
    }
    /// A scripting language other than Python whose inline program is read for writes.
    public struct Scripting: Sendable, Equatable {
        public var names: [String]
        public var codeOptions: [String] = []
        /// The first operand is the program (awk) unless a code or file option is given.
        public var programOperand = false
        public var fileOptions: [String] = []
        public var shellCalls: [String] = []
        public var writeCalls: [String] = []
        /// Options that make the interpreter edit its file operands in place (`gawk -i inplace`).
        public var inPlace: [String] = []
    }
    /// How Rigor's own CLI is judged when the agent runs it.
    public struct RigorCLI: Sendable, Equatable {
        public var names: [String] = []
        /// Subcommands that run the command after `--` (checked like a wrapper's command).
        public var launchers: [String] = []
        /// Subcommands only the harness runs (they re-baseline or verify the guard).
        public var harnessOnly: [String] = []
        public var reason = ""
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
    /// Python call → the role of the receiver (methods, `.name`) and each positional argument:
    /// `read`, `write`, `remove`, `mode` (open mode of the argument before), `path`
    /// (written when the mode writes).
    public var pathCalls: [String: [String]] = [:]
    public var shellCalls: [String] = []
    /// `exec`/`eval`: a literal argument is read as code, a computed one is denied.
    public var dynamicCalls: [String] = []
    public var stdinCode = true
    public var gitPatchInput: Set<String> = []
    /// git configuration keys whose value is a command (`core.pager`); `alias.*` with `!` too.
    public var gitCommandConfig: [String] = []
    public var findOutputActions: Set<String> = []
    public var extractors: [String: Extractor] = [:]
    public var scripting: [Scripting] = []
    public var rigor = RigorCLI()
    /// Commands that decode or compute text: piped into a shell or interpreter, denied.
    public var decoders: Set<String> = []

    /// Parses rules; `source` names the file (or "built-in") in errors.
    public static func parse(yaml: String, source: String) throws(GuardError) -> PolicyRules {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch { throw .badPolicy(source: source, line: nil, message: "not valid YAML: \(error)") }
        guard let map = root?.mapping else { throw .badPolicy(source: source, line: nil, message: "expected a mapping at the top level") }
        var r = PolicyRules()
        let known: Set<String> = ["version", "deny_commands", "wrappers", "shells", "git", "writers", "find", "inline_code", "extractors", "scripting", "rigor", "decoders"]
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
            w.stdinOperands = e["stdin_operands"]?.bool ?? false
            w.replaceOptions = try strings(e["replace_options"], "replace_options")
            r.wrappers[name] = w
        }
        r.shells = Set(try strings(map["shells"], "shells"))
        r.gitDenyAlways = Set(try strings(map["git"]?["deny_always"], "git.deny_always"))
        r.gitPathScoped = Set(try strings(map["git"]?["path_scoped"], "git.path_scoped"))
        for e in try entries("writers") {
            guard let name = e["name"]?.string, let t = e["targets"]?.string, let targets = Writer.Targets(rawValue: t) else {
                throw .badPolicy(source: source, line: e.mark.map { $0.line }, message: "each writer needs name and targets (operands, destination, key, none, patch, operands_after_script)")
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
            w.outputOptions = try strings(e["output_options"], "output_options")
            w.attachedValue = try strings(e["attached_value"], "attached_value")
            w.digitValue = try strings(e["digit_value"], "digit_value")
            w.hardLinkWhen = try strings(e["hard_link_when"], "hard_link_when")
            if e["hard_link_unless"] != nil { w.hardLinkUnless = try strings(e["hard_link_unless"], "hard_link_unless") }
            w.symlinkWhen = try strings(e["symlink_when"], "symlink_when")
            w.fileURLWritesWhen = try strings(e["file_url_writes_when"], "file_url_writes_when")
            r.writers[name] = w
        }
        for e in try entries("extractors") {
            guard let name = e["name"]?.string else { throw .badPolicy(source: source, line: e.mark.map { $0.line }, message: "each extractor needs a name") }
            r.extractors[name] = Extractor(name: name, whenOption: try strings(e["when_option"], "when_option"),
                                           dirOptions: try strings(e["dir_options"], "dir_options"),
                                           optionsWithValue: try strings(e["options_with_value"], "options_with_value"))
        }
        for e in try entries("scripting") {
            let names = try strings(e["names"], "scripting.names")
            guard !names.isEmpty else { throw .badPolicy(source: source, line: e.mark.map { $0.line }, message: "each scripting entry needs names") }
            var sc = Scripting(names: names)
            sc.codeOptions = try strings(e["code_options"], "code_options")
            sc.programOperand = e["program_operand"]?.bool ?? false
            sc.fileOptions = try strings(e["file_options"], "file_options")
            sc.shellCalls = try strings(e["shell_calls"], "shell_calls")
            sc.writeCalls = try strings(e["write_calls"], "write_calls")
            sc.inPlace = try strings(e["in_place"], "in_place")
            r.scripting.append(sc)
        }
        if let rc = map["rigor"] {
            r.rigor = RigorCLI(names: try strings(rc["names"], "rigor.names"), launchers: try strings(rc["launchers"], "rigor.launchers"),
                               harnessOnly: try strings(rc["harness_only"], "rigor.harness_only"), reason: rc["reason"]?.string ?? "only the harness runs this")
        }
        r.decoders = Set(try strings(map["decoders"], "decoders"))
        r.findNames = Set(try strings(map["find"]?["names"], "find.names"))
        r.findExecActions = Set(try strings(map["find"]?["exec_actions"], "find.exec_actions"))
        r.findDeleteActions = Set(try strings(map["find"]?["delete_actions"], "find.delete_actions"))
        r.findOutputActions = Set(try strings(map["find"]?["output_actions"], "find.output_actions"))
        r.gitPatchInput = Set(try strings(map["git"]?["patch_input"], "git.patch_input"))
        r.gitCommandConfig = try strings(map["git"]?["command_config"], "git.command_config")
        let code = map["inline_code"]
        r.interpreters = Set(try strings(code?["interpreters"], "inline_code.interpreters"))
        r.interpreterPrefixes = try strings(code?["interpreter_prefixes"], "inline_code.interpreter_prefixes")
        r.codeOptions = Set(try strings(code?["code_options"], "inline_code.code_options"))
        r.denyCalls = try strings(code?["deny_calls"], "inline_code.deny_calls")
        if let pc = code?["path_calls"] {
            guard let m = pc.mapping else { throw .badPolicy(source: source, line: pc.mark.map { $0.line }, message: "inline_code.path_calls must map a call to its argument roles") }
            let roles: Set<String> = ["read", "write", "remove", "mode", "path"]
            for (k, v) in m {
                guard let call = k.string else { continue }
                let list = try strings(v, "inline_code.path_calls.\(call)")
                if let bad = list.first(where: { !roles.contains($0) }) {
                    throw .badPolicy(source: source, line: v.mark.map { $0.line }, message: "unknown role '\(bad)' for \(call) (roles: \(roles.sorted().joined(separator: ", ")))")
                }
                r.pathCalls[call] = list
            }
        }
        r.shellCalls = try strings(code?["shell_calls"], "inline_code.shell_calls")
        r.dynamicCalls = try strings(code?["dynamic_calls"], "inline_code.dynamic_calls")
        r.stdinCode = code?["stdin_code"]?.bool ?? true
        return r
    }

    func denyRule(for name: String) -> DenyCommand? { denyCommands.first { $0.names.contains(name) } }
    func scripting(for name: String) -> Scripting? { scripting.first { $0.names.contains(name) } }
    func isInterpreter(_ name: String) -> Bool { interpreters.contains(name) || interpreterPrefixes.contains { name.hasPrefix($0) } }
}
