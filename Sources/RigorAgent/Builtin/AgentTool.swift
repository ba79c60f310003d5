import Foundation
import RigorBasics

/// One tool the builtin agent offers the model: its name, what it does, and the JSON Schema
/// of its input (sent to the provider as is).
public struct AgentTool: Sendable {
    public var name: String
    public var description: String
    public var schema: JSONValue

    /// The fields the schema requires.
    var required: [String] { schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    static func object(_ properties: [(String, JSONValue)], required: [String]) -> JSONValue {
        .object(JSONObject([("type", "object"), ("properties", .object(JSONObject(properties))),
                            ("required", .array(required.map { .string($0) })), ("additionalProperties", false)]))
    }
    static func string(_ description: String) -> JSONValue { ["type": "string", "description": .string(description)] }
    static func integer(_ description: String) -> JSONValue { ["type": "integer", "description": .string(description)] }
    static func boolean(_ description: String) -> JSONValue { ["type": "boolean", "description": .string(description)] }

    /// The tools, in the order they are offered.
    public static let all: [AgentTool] = [
        AgentTool(name: "read_file", description: "Read a text file of the workspace, with line numbers. Paths are relative to the workspace root. Long files: pass offset and limit (lines).",
                  schema: object([("path", string("File path, relative to the workspace root or absolute inside it")),
                                  ("offset", integer("First line to read (1-based; default 1)")),
                                  ("limit", integer("Number of lines to read (default 2000)"))], required: ["path"])),
        AgentTool(name: "write_file", description: "Create or overwrite a file of the workspace with the given content (folders are created). Protected files (the spec, earlier results, Rigor's records) are refused.",
                  schema: object([("path", string("File path, relative to the workspace root")), ("content", string("The whole new content"))], required: ["path", "content"])),
        AgentTool(name: "edit_file", description: "Replace one exact string in a file with another. old_string must occur exactly once (include surrounding lines to make it unique), unless replace_all is true.",
                  schema: object([("path", string("File path, relative to the workspace root")), ("old_string", string("The exact text to replace")),
                                  ("new_string", string("The replacement text")), ("replace_all", boolean("Replace every occurrence (default false)"))],
                                 required: ["path", "old_string", "new_string"])),
        AgentTool(name: "list_files", description: "List a folder of the workspace (names; folders end with /).",
                  schema: object([("path", string("Folder, relative to the workspace root (default: the root)"))], required: [])),
        AgentTool(name: "glob", description: "Find files of the workspace whose path matches a glob pattern (* within a name, ** across folders, ? one character), e.g. scripts/**/*.py.",
                  schema: object([("pattern", string("Glob pattern relative to the workspace root"))], required: ["pattern"])),
        AgentTool(name: "grep", description: "Search text files of the workspace for a regular expression; answers path:line:text.",
                  schema: object([("pattern", string("Regular expression (ICU syntax)")), ("path", string("File or folder to search (default: the root)")),
                                  ("glob", string("Only files whose name matches this glob, e.g. *.py"))], required: ["pattern"])),
        AgentTool(name: "bash", description: "Run a bash command in the workspace, inside Rigor's sandbox (protected files are read-only; each call starts from the workspace root with a fresh /tmp). Start training and evaluation runs with `rigor exec` or `rigor protocol run`. Output is capped (head and tail kept).",
                  schema: object([("command", string("The bash command")),
                                  ("timeout_seconds", integer("Stop the command after this many seconds (default 600; at most the time budget left)"))], required: ["command"])),
        AgentTool(name: "finish", description: "End the session once metrics.json is written (or the experiment cannot go on). Give a one-paragraph factual summary.",
                  schema: object([("summary", string("What was done, as facts"))], required: ["summary"])),
    ]

    /// The input's problem, or nil when it is an object with the required string fields.
    static func problem(with input: JSONValue?, raw: String, for tool: AgentTool) -> String? {
        guard let input else {
            return "the arguments are not valid JSON (\(raw.prefix(200))); send the call again with a JSON object matching the tool's schema"
        }
        guard let object = input.objectValue else { return "the arguments must be a JSON object, not \(input.typeName)" }
        for field in tool.required where object[field] == nil { return "missing required field '\(field)'" }
        for (key, value) in object {
            guard let type = tool.schema["properties"]?[key]?["type"]?.stringValue else { return "unknown field '\(key)'" }
            let ok: Bool
            switch type {
            case "string": ok = value.stringValue != nil
            case "integer":
                if case .number(let d) = value { ok = d.isFinite && d == d.rounded() && abs(d) <= 1e9 } else { ok = false }
            case "boolean": ok = value.boolValue != nil
            default: ok = true
            }
            if !ok { return "field '\(key)' must be \(type == "integer" ? "an integer (at most 10^9)" : "a \(type)"), not \(value.typeName == "number" ? String(describing: value.doubleValue ?? 0) : value.typeName)" }
        }
        return nil
    }
}
