import Foundation
import RigorBasics
import RigorGuard
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What every agent runtime's processes get: Rigor's environment without Rigor's internal
/// variables and without secrets (except those `keepSecret` names: a CLI's own credentials),
/// with the broker's socket, the spec for the hook, and `rigor` first on PATH; and a private
/// home folder, bound as HOME inside the sandbox and removed when the phase ends.
public enum AgentEnvironment {
    public static func make(base: [String: String], brokerSocket: String, specPath: String, rigorExecutable: String,
                            keepSecret: (String) -> Bool = { _ in false }, removing: [String] = []) -> [String: String] {
        var env = base.filter { !$0.key.hasPrefix("RIGOR_") && (!Secrets.isSecret($0.key) || keepSecret($0.key)) && !removing.contains($0.key) }
        env[RunBroker.socketVariable] = brokerSocket
        env["RIGOR_GUARD_SPEC"] = specPath
        let rigorDir = (rigorExecutable as NSString).deletingLastPathComponent
        env["PATH"] = rigorDir + ":" + (base["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
        return env
    }

    /// `<executable> --version`, first line (nil when it cannot be run). Run inside `wrapper`
    /// (the guard sandbox) when there is one: the executable is found on PATH, which may lead
    /// into a folder an earlier agent could write.
    public static func version(executable: String, wrapper: (any LaunchWrapper)?, workingDirectory: String) -> String? {
        let argv = [executable, "--version"]
        let wrapped = wrapper.flatMap { try? $0.wrap(argv, workingDirectory: workingDirectory) } ?? argv
        return CapturedCommand.text(wrapped, environment: TrustedExecutable.scrubbedEnvironment(), timeout: 20)?
            .split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    /// A new private home: `<temp>/rigor-agent-XXXXXX/home` (mode 0700); remove its parent when done.
    public static func makeHome() throws -> String {
        var template = Array("/tmp/rigor-agent-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw RigorFileError.unwritable(path: "/tmp/rigor-agent-XXXXXX", reason: String(cString: strerror(errno))) }
        let home = String(cString: made) + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return home
    }
}
