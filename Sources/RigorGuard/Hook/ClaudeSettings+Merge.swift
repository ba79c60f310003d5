import Foundation
import RigorBasics

extension ClaudeSettings {
    /// The workspace-level hook command: no `--spec` (`rigor run` names the spec in the
    /// agent's environment, `RIGOR_GUARD_SPEC`; without it the hook protects by pattern).
    public static func workspaceHookCommand(rigorPath: String) -> String {
        "\(shellQuote(rigorPath)) hook pre-tool-use"
    }

    /// `existing` settings with Rigor's PreToolUse hook added, every other setting kept as it
    /// was; `changed` is false when a Rigor hook is already registered.
    public static func merging(hookInto existing: JSONObject, rigorPath: String) -> (settings: JSONObject, changed: Bool) {
        var settings = existing
        var hooks = existing["hooks"]?.objectValue ?? JSONObject()
        var preToolUse = hooks["PreToolUse"]?.arrayValue ?? []
        let registered = preToolUse.contains { entry in
            (entry["hooks"]?.arrayValue ?? []).contains { ($0["command"]?.stringValue ?? "").contains("hook pre-tool-use") }
        }
        if registered { return (existing, false) }
        preToolUse.append(.object(JSONObject([
            ("matcher", .string("*")),
            ("hooks", .array([.object(JSONObject([
                ("type", .string("command")), ("command", .string(workspaceHookCommand(rigorPath: rigorPath))), ("timeout", .number(30)),
            ]))])),
        ])))
        hooks["PreToolUse"] = .array(preToolUse)
        settings["hooks"] = .object(hooks)
        return (settings, true)
    }
}
