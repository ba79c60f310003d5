import Foundation
import RigorBasics

/// Runs the programs provenance needs facts from (git, the run's Python, nvidia-smi). They
/// run outside the run's sandbox, so they are hostile-input aware (docs/guard.md, threat model):
/// - with a sandbox wrapper, every probe runs inside a read-only sandbox of its own (no
///   writable path, no network, Rigor's state hidden), so code a child planted (a git
///   fsmonitor, a shadowing `python3`, a `json.py`) can run but change nothing;
/// - without one (chmod fallback, `--no-guard`), only system programs run (`TrustedExecutable`:
///   in the system directories, root-owned, not group/world-writable), never a program found
///   elsewhere on PATH; git's diff (which can run workspace-configured filters) is skipped.
/// Always: a scrubbed environment, `/` as working directory, a timeout.
struct ProbeRunner: Sendable {
    var wrapper: (any LaunchWrapper)?
    /// Directories a sandboxed child can write (workspace, results dir).
    var untrustedRoots: [String]
    /// True once the run was asked to stop (SIGINT/SIGTERM): a probe still running is ended.
    var cancelled: @Sendable () -> Bool = { false }

    /// Whether probes run in a sandbox of their own.
    var sandboxed: Bool { wrapper?.wrapProbe(["/bin/true"]) != nil }

    /// Output of a probe, or nil when it cannot run safely here (or could not be started).
    func run(_ argv: [String], environment: [String: String] = [:], limit: Int = 1 << 20, timeout: Double = 30,
             sink: ((UnsafeRawBufferPointer) -> Void)? = nil) -> CapturedCommand.Output? {
        guard let program = argv.first, let trusted = executable(program) else { return nil }
        var full = argv
        full[0] = trusted
        let env = TrustedExecutable.scrubbedEnvironment(adding: environment)
        if let wrapper, let wrapped = wrapper.wrapProbe(full) {
            guard let bwrap = wrapped.first, TrustedExecutable.isTrusted(bwrap) else { return nil }
            return CapturedCommand.run(wrapped, cwd: "/", environment: env, limit: limit, timeout: timeout, cancelled: cancelled, sink: sink)
        }
        return CapturedCommand.run(full, cwd: "/", environment: env, limit: limit, timeout: timeout, cancelled: cancelled, sink: sink)
    }

    /// The program to run: in a probe sandbox any existing program (it can change nothing);
    /// outside one only a system program, never one in a workspace, a results dir or anywhere
    /// else on PATH.
    func executable(_ program: String) -> String? {
        if sandboxed {
            if program.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
            return TrustedExecutable.resolve(program)
        }
        guard let trusted = TrustedExecutable.resolve(program) else { return nil }
        let real = (trusted as NSString).resolvingSymlinksInPath
        if untrustedRoots.contains(where: { real == $0 || real.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) { return nil }
        return trusted
    }
}
