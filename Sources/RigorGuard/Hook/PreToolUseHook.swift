import Foundation
import RigorBasics

/// Claude Code's PreToolUse hook protocol: the tool call arrives as JSON on stdin
/// (`session_id`, `cwd`, `hook_event_name`, `tool_name`, `tool_input` …); a denial is exit
/// status 2 with the reason on stderr, and the same decision as JSON on stdout
/// (`hookSpecificOutput.permissionDecision: "deny"` + `permissionDecisionReason`).
public enum PreToolUseHook {
    /// The environment variable naming the spec when `--spec` is not given.
    public static let specVariable = "RIGOR_GUARD_SPEC"

    /// The hook's answer.
    public enum Outcome: Sendable, Equatable {
        case allow
        case deny(reason: String)

        /// Exit status for Claude Code: 0 allow, 2 block.
        public var exitCode: Int32 { if case .deny = self { return 2 }; return 0 }
        /// JSON for stdout (deny only).
        public var json: String? {
            guard case .deny(let reason) = self else { return nil }
            let v: JSONValue = .object(JSONObject([("hookSpecificOutput", .object(JSONObject([
                ("hookEventName", .string("PreToolUse")),
                ("permissionDecision", .string("deny")),
                ("permissionDecisionReason", .string(reason)),
            ])))]))
            return v.serialized(pretty: false)
        }
    }

    /// Tools that only read: always allowed.
    static let readOnlyTools: Set<String> = ["Read", "Glob", "Grep", "LS", "NotebookRead", "WebFetch", "WebSearch", "TodoWrite", "TodoRead", "Task", "BashOutput", "KillShell", "KillBash", "ExitPlanMode", "ListMcpResourcesTool", "ReadMcpResourceTool"]
    /// Tools of MCP servers (`mcp__<server>__<tool>`) known to only read.
    static let readOnlyMcpTools: Set<String> = ["read_file", "read_text_file", "read_media_file", "read_multiple_files", "list_directory",
                                                "list_directory_with_sizes", "directory_tree", "search_files", "get_file_info", "list_allowed_directories"]
    /// Input fields that name the file Claude Code's own file tools write.
    static let pathFields = ["file_path", "notebook_path", "path"]

    /// Whether a tool is known to only read (its input is not checked).
    static func isReadOnly(_ tool: String) -> Bool {
        if readOnlyTools.contains(tool) { return true }
        if tool.hasPrefix("mcp__"), let range = tool.range(of: "__", options: .backwards) {
            return readOnlyMcpTools.contains(String(tool[range.upperBound...]))
        }
        return false
    }

    /// Decides on one hook input. `set` nil: the spec is unknown, paths are judged by pattern.
    public static func evaluate(input: Data, set: ProtectedSet?, policy: CommandPolicy) -> Outcome {
        let value: JSONValue
        do { value = try JSONReader.parse(input).value } catch {
            return .deny(reason: "rigor hook: malformed PreToolUse input (\(error)); denied because the call cannot be checked")
        }
        guard case .object(let obj) = value else { return .deny(reason: "rigor hook: PreToolUse input is not a JSON object; denied") }
        guard case .string(let tool)? = obj["tool_name"], !tool.isEmpty else {
            return .deny(reason: "rigor hook: PreToolUse input has no tool_name; denied")
        }
        if case .string(let ev)? = obj["hook_event_name"], ev != "PreToolUse" {
            return .deny(reason: "rigor hook: expected hook_event_name PreToolUse, got \(ev); denied")
        }
        guard case .object(let toolInput)? = obj["tool_input"] else {
            return .deny(reason: "rigor hook: PreToolUse input has no tool_input object; denied")
        }
        var cwd = FileManager.default.currentDirectoryPath
        if case .string(let c)? = obj["cwd"], c.hasPrefix("/") { cwd = c }
        if isReadOnly(tool) { return .allow }
        if tool == "Bash" {
            guard case .string(let command)? = toolInput["command"] else {
                return .deny(reason: "rigor hook: Bash call without a command string; denied")
            }
            return judge(command: command, policy: policy, cwd: cwd)
        }
        for field in pathFields {
            guard let v = toolInput[field] else { continue }
            guard case .string(let raw) = v, !raw.isEmpty else { return .deny(reason: "rigor hook: \(tool) \(field) is not a non-empty string; denied") }
        }
        var paths: [ToolInputPaths.Found] = [], commands: [ToolInputPaths.Found] = []
        ToolInputPaths.scan(.object(toolInput), paths: &paths, commands: &commands)
        for c in commands {
            if case .deny(let reason) = judge(command: c.value, policy: policy, cwd: cwd) { return .deny(reason: "\(tool) \(c.key): " + reason) }
        }
        for f in paths where !f.value.isEmpty {
            let p = PathResolution.resolve(f.value, relativeTo: cwd)
            if let why = policy.oracle.writeViolation(p) {
                return .deny(reason: "Blocked by Rigor: \(tool) on \(f.value) (\(f.key)) — \(why). It is read-only for the RUN phase.")
            }
        }
        if ["Write", "Edit", "MultiEdit", "NotebookEdit"].contains(tool), !pathFields.contains(where: { toolInput[$0] != nil }) {
            return .deny(reason: "rigor hook: \(tool) call without file_path/notebook_path; denied")
        }
        return .allow
    }

    static func judge(command: String, policy: CommandPolicy, cwd: String) -> Outcome {
        let d = policy.evaluate(command, cwd: cwd)
        return d.allowed ? .allow : .deny(reason: "Blocked by Rigor's command policy (rule \(d.rule ?? "?")): \(d.reason). Protected files are read-only for the RUN phase; read them and carry on.")
    }
}
