import Foundation
import RigorBasics
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What lets a run started by `rigor run`'s broker begin a guard session of its own although
/// its parent holds one (the agent's). The parent writes a random token to its trusted store
/// (hidden inside every sandbox) and gives it to the runs it starts in `RIGOR_BROKER_GRANT`;
/// a process counts the session of the ancestor with that pid as not its own only when the
/// token it was given matches the one in the store. The variable is taken out of the
/// environment when Rigor starts (`takeFromEnvironment`), so nothing a run starts inherits it.
public enum BrokerGrant {
    public static let variable = "RIGOR_BROKER_GRANT"
    static let folder = "broker-grants"
    private static let presented = Mutex<String?>(nil)

    /// Reads and removes `RIGOR_BROKER_GRANT` from this process's environment (call first thing).
    public static func takeFromEnvironment() {
        guard let value = getenv(variable) else { return }
        let token = String(cString: value)
        unsetenv(variable)
        presented.withLock { $0 = token.isEmpty ? nil : token }
    }

    /// Issues a grant for this process's session: the token to give to brokered runs.
    public static func issue(store: TrustedStore = .current()) throws(GuardError) -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard fd >= 0, read(fd, &bytes, 32) == 32 else {
            if fd >= 0 { close(fd) }
            throw .stateUnavailable(path: "/dev/urandom", reason: "cannot read random bytes for the broker grant")
        }
        close(fd)
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        do {
            let dir = try store.open().subdirectory(folder, create: true)
            try dir.writeAtomically(String(getpid()), Array(token.utf8), mode: 0o600)
        } catch { throw .io(path: store.root + "/" + folder, reason: "cannot write the broker grant: \(error)") }
        return token
    }

    /// Withdraws this process's grant.
    public static func withdraw(store: TrustedStore = .current()) {
        guard let dir = try? store.open().subdirectory(folder, create: false) else { return }
        unlinkat(dir.fd, String(getpid()), 0)
    }

    /// Whether this process was given the grant of the session held by `pid`.
    static func isGranted(by pid: pid_t, store: TrustedStore) -> Bool {
        guard let token = presented.withLock({ $0 }),
              let dir = try? store.open().subdirectory(folder, create: false),
              let bytes = (try? dir.read(String(pid), limit: 128)) ?? nil else { return false }
        let held = String(decoding: bytes, as: UTF8.self)
        return !held.isEmpty && held == token
    }
}
