import Foundation
import RigorBasics

/// The script file of an interpreter command (`python3 train.py …`), checked before a run
/// starts so that a mistyped path is a launch failure that costs nothing, not a failed run.
public enum ScriptArgument {
    /// Interpreters whose first operand is a script path.
    static func isInterpreter(_ program: String) -> Bool {
        let name = (program as NSString).lastPathComponent
        if name == "python" || name == "python3" || name == "bash" || name == "sh" || name == "Rscript" || name == "julia" { return true }
        guard name.hasPrefix("python3.") else { return false }
        return name.dropFirst("python3.".count).allSatisfy(\.isNumber)
    }

    /// The script path when the command runs an interpreter on a file that does not exist
    /// (relative to `cwd`); nil when it exists, or when the command has no script operand
    /// (`python -m pkg`, `python -c …`, `bash -c …`, options Rigor does not know).
    public static func missingScript(_ command: [String], cwd: String) -> String? {
        guard let program = command.first, isInterpreter(program) else { return nil }
        for word in command.dropFirst() {
            if word == "-" || word == "-o" || word == "+o" { return nil }
            if word.hasPrefix("+") { continue }
            if word.hasPrefix("-") {
                // Options that take the rest of the command or a value Rigor cannot tell from a script.
                if word == "-c" || word == "-m" || word.hasPrefix("-c") || word.hasPrefix("-m") || word == "-W" || word == "-X" || word == "--" { return nil }
                continue
            }
            let path = word.hasPrefix("/") ? word : cwd + "/" + word
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue ? nil : word
        }
        return nil
    }
}

extension ScriptArgument {
    /// Why the command could not be launched from `cwd` (program not on PATH, script missing),
    /// or nil when it can: what a run checks before it starts, for checking plans ahead of time.
    public static func launchProblem(_ command: [String], cwd: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        guard let first = command.first, !first.isEmpty else { return "the command is empty" }
        guard ChildProcess.resolveExecutable(first, path: path, cwd: cwd) != nil else {
            return SupervisorError.commandNotFound(first).description
        }
        return missingScript(command, cwd: cwd).map { SupervisorError.scriptNotFound($0).description }
    }
}
