import Foundation
import RigorBasics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        guard let program = ChildProcess.resolveExecutable(first, path: path, cwd: cwd) else {
            return SupervisorError.commandNotFound(first).description
        }
        if let interpreter = missingInterpreter(program, path: path, cwd: cwd) {
            return SupervisorError.interpreterNotFound(program: first, interpreter: interpreter).description
        }
        return missingScript(command, cwd: cwd).map { SupervisorError.scriptNotFound($0).description }
    }

    /// The `#!` interpreter of a script program when it cannot be run (`#!/nonexistent/python3`,
    /// or `#!/usr/bin/env NAME` with NAME not on PATH); nil for binaries and usable interpreters.
    public static func missingInterpreter(_ program: String, path: String?, cwd: String) -> String? {
        // Non-blocking and regular files only: the program may be a file of the (hostile) workspace.
        let head = TextFile.slice(program, count: 256)
        guard head.starts(with: [0x23, 0x21]) else { return nil }
        let line = String(decoding: head.dropFirst(2).prefix { $0 != 0x0A }, as: UTF8.self)
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
        guard let interpreter = words.first else { return "(empty #! line)" }
        guard ChildProcess.resolveExecutable(interpreter, path: path, cwd: cwd) != nil else { return interpreter }
        if (interpreter as NSString).lastPathComponent == "env", let name = words.dropFirst().first(where: { !$0.hasPrefix("-") }),
           ChildProcess.resolveExecutable(name, path: path, cwd: cwd) == nil {
            return "\(interpreter) \(name)"
        }
        return nil
    }
}
