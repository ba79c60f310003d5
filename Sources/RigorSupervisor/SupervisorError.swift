import Foundation

/// Why a supervised run could not be started or recorded (a run that starts and then fails
/// is not an error: its `RunRecord` says how it ended).
public enum SupervisorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The command line is empty.
    case emptyCommand
    /// The executable was not found on the child's PATH (or the path does not exist).
    case commandNotFound(String)
    /// The script an interpreter is asked to run does not exist (nothing was started or charged).
    case scriptNotFound(String)
    /// The program is a script whose `#!` interpreter cannot be run (nothing was started).
    case interpreterNotFound(program: String, interpreter: String)
    /// An abort rule does not parse.
    case badAbortRule(AbortRuleError)
    /// The working directory does not exist.
    case badWorkingDirectory(String)
    /// A run id given by the caller is not a safe folder name.
    case badRunID(String)
    /// The experiment's budget refuses the run (ledger line written).
    case budgetRefused(String)
    /// The sandbox wrapper could not wrap the command.
    case wrapperFailed(String)
    /// posix_spawn (or pipe/open before it) failed.
    case spawnFailed(String)
    /// A file of the run (log, record, ledger) could not be written.
    case io(String)
    /// The budget ledger cannot be read.
    case ledger(LedgerError)

    public var description: String {
        switch self {
        case .emptyCommand: return "no command given: put the command after `--`"
        case .commandNotFound(let c): return "\(c): command not found on the run's PATH (or not an executable file); check the spelling, the file's execute permission, or give a path"
        case .scriptNotFound(let p): return "\(p): no such script; nothing was started and nothing is charged to the budget"
        case .interpreterNotFound(let p, let i): return "\(p): its #! interpreter \(i) cannot be run; nothing was started and nothing is charged to the budget"
        case .badAbortRule(let e): return e.description
        case .badWorkingDirectory(let d): return "\(d): working directory does not exist"
        case .badRunID(let id): return "run id '\(id)' is not usable as a folder name (use letters, digits, '.', '_', '-'; not starting with '.')"
        case .budgetRefused(let why): return "run refused by the experiment budget: \(why)"
        case .wrapperFailed(let why): return "the sandbox could not wrap the command: \(why)"
        case .spawnFailed(let why): return "cannot start the command: \(why)"
        case .io(let why): return why
        case .ledger(let e): return e.description
        }
    }
}
