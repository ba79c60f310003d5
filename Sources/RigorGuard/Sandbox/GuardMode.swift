import Foundation
import RigorBasics
import Synchronization

/// How protection is enforced for a run; recorded as `guard_mode` in config.json.
public enum GuardMode: String, Sendable, Codable {
    /// Read-only bind mounts in a bubblewrap sandbox (kernel-enforced).
    case bubblewrap
    /// chmod 0444 + manifest hash verification: NOT enforced against root, only detected and restored.
    case chmodFallback = "chmod-fallback"
}

/// The result of probing for a usable bubblewrap.
public struct GuardProbe: Sendable, Equatable {
    public var mode: GuardMode
    /// bwrap's path when usable.
    public var bwrapPath: String?
    /// One line: why this mode (for stderr and records).
    public var detail: String

    public init(mode: GuardMode, bwrapPath: String?, detail: String) {
        self.mode = mode; self.bwrapPath = bwrapPath; self.detail = detail
    }

    /// The line printed on stderr whenever the fallback is in force.
    public var warning: String? {
        mode == .bubblewrap ? nil :
            "rigor: WARNING: guard mode chmod-fallback: \(detail). Protected files are NOT kernel-protected (root ignores file modes); tampering will only be detected and restored afterwards."
    }

    /// The environment variable that forces the fallback (for tests and for machines where bwrap misbehaves).
    public static let forceFallbackVariable = "RIGOR_GUARD_FORCE_FALLBACK"

    private static let cache = Mutex<GuardProbe?>(nil)

    /// Probes once per process: finds `bwrap` and runs `/bin/true` inside a minimal sandbox.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> GuardProbe {
        if let v = environment[forceFallbackVariable], !v.isEmpty, v != "0" {
            return GuardProbe(mode: .chmodFallback, bwrapPath: nil, detail: "forced by \(forceFallbackVariable)=\(v)")
        }
        if let cached = cache.withLock({ $0 }) { return cached }
        let probe = run(environment: environment)
        cache.withLock { $0 = probe }
        return probe
    }

    static func run(environment: [String: String]) -> GuardProbe {
        // Only a system bwrap that only root can replace: Rigor runs it outside any sandbox.
        guard let bwrap = TrustedExecutable.resolve("bwrap") else {
            return GuardProbe(mode: .chmodFallback, bwrapPath: nil, detail: "no trusted bwrap in \(TrustedExecutable.systemDirectories.joined(separator: ":")) (Debian package `bubblewrap`)")
        }
        let argv = [bwrap, "--die-with-parent", "--unshare-pid", "--new-session", "--cap-drop", "ALL",
                    "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--", "/bin/true"]
        let result = CapturedCommand.run(argv, environment: TrustedExecutable.scrubbedEnvironment(), timeout: 20)
        if let result, result.status == 0 {
            return GuardProbe(mode: .bubblewrap, bwrapPath: bwrap, detail: "bubblewrap at \(bwrap) started a test sandbox")
        }
        let firstLine: String? = result?.stderrText.split(separator: "\n").first.map(String.init)
        let status: String = result?.status.map { String($0) } ?? "unknown"
        let why = firstLine ?? "exit status \(status)"
        return GuardProbe(mode: .chmodFallback, bwrapPath: nil, detail: "bwrap at \(bwrap) cannot start a sandbox here: \(why)")
    }
}
