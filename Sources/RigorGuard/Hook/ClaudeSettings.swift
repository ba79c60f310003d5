import Foundation
import RigorBasics

/// The Claude Code settings JSON that registers `rigor hook pre-tool-use` for every tool.
public enum ClaudeSettings {
    /// Settings text for one spec; `rigorPath` is the absolute path of the rigor binary.
    public static func json(specPath: String, rigorPath: String) -> String {
        let command = "\(shellQuote(rigorPath)) hook pre-tool-use --spec \(shellQuote(specPath))"
        let v: JSONValue = .object(JSONObject([
            ("env", .object(JSONObject([(PreToolUseHook.specVariable, .string(specPath))]))),
            ("hooks", .object(JSONObject([("PreToolUse", .array([.object(JSONObject([
                ("matcher", .string("*")),
                ("hooks", .array([.object(JSONObject([
                    ("type", .string("command")), ("command", .string(command)), ("timeout", .number(30)),
                ]))])),
            ]))]))]))),
        ]))
        return v.serialized(pretty: true) + "\n"
    }

    /// The rigor command for the settings: `rigor` as found on PATH (an absolute path, so that no
    /// later PATH change picks another program), else the running executable, with a note saying why.
    public static func hookExecutable(environment: [String: String] = ProcessInfo.processInfo.environment) -> (path: String, note: String?) {
        if let onPath = ExecutableSearch.resolve("rigor", path: environment["PATH"], cwd: "/") {
            return (onPath, nil)
        }
        let running = currentExecutable()
        return (running, "rigor is not on PATH; the settings name this build (\(running)). Install rigor on PATH (README) and write them again for a stable command")
    }

    /// Absolute path of the running executable (/proc/self/exe on Linux).
    public static func currentExecutable() -> String {
        if let p = PathResolution.readLink("/proc/self/exe") { return p }
        return PathResolution.resolve(CommandLine.arguments.first ?? "rigor", relativeTo: FileManager.default.currentDirectoryPath)
    }

    static func shellQuote(_ s: String) -> String {
        if s.allSatisfy({ $0.isLetter || $0.isNumber || "/._-+=:,@".contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
