import ArgumentParser
import Foundation
import RigorBasics
import RigorGuard

/// `rigor guard exec SPEC -- CMD…`: run a command with the protected set read-only.
struct GuardExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command with the protected set mounted read-only (bubblewrap), then verify and restore.",
        discussion: "Exit status: the command's; 3 when the protected set was changed (after restoring it).")
    @Argument(help: "The experiment spec.") var spec: String
    @Flag(help: "Use the chmod + manifest fallback even when bubblewrap works (same as \(GuardProbe.forceFallbackVariable)=1).") var fallback = false
    @Option(help: "Phase name recorded in tamper.jsonl.") var phase = "exec"
    @Argument(parsing: .postTerminator, help: "The command to run.") var command: [String] = []

    func run() async throws {
        guard !command.isEmpty else { throw fail("guard exec: no command given after --", code: 2) }
        StrayProcesses.becomeSubreaper()
        let set = try loadSet(spec)
        let probe = fallback ? GuardProbe(mode: .chmodFallback, bwrapPath: nil, detail: "forced by --fallback") : GuardProbe.current()
        let session: GuardSession
        do { session = try GuardSession.begin(set: set, probe: probe, phase: phase) } catch { throw fail("\(error)") }
        let cwd = FileManager.default.currentDirectoryPath
        let argv: [String]
        do { argv = try session.wrapper?.wrap(command, workingDirectory: cwd) ?? command } catch { throw fail("\(error)") }
        var status: Int32
        // With a wrapper the command runs in a session of its own (bwrap --new-session, setsid);
        // without one it still gets a process group of its own, so it cannot signal Rigor's.
        do { status = try ChildProcess.runInheriting(argv, ownGroup: session.wrapper == nil) } catch { Console.error(error.description); status = 127 }
        let strays = StrayProcesses.sweep()
        if strays > 0 { Console.error("note: \(strays) process(es) the command left behind were killed") }
        let events: [TamperEvent]
        do { events = try session.end() } catch { throw fail("\(error)") }
        if let w = probe.warning { FileHandle.standardError.write(Data((w + "\n").utf8)) }
        for n in TamperCheck.notes(for: events) { Console.error("TAMPER: \(n)") }
        if !events.isEmpty { throw ExitCode(3) }
        if status != 0 { throw ExitCode(status) }
    }
}
