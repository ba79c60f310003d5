import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Environment variables that hold secrets (API keys, tokens, cloud credentials), and the
/// redaction of their values from anything Rigor writes.
public enum Secrets {
    /// Words that mark a variable as secret, whatever its prefix.
    public static let markers = ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH"]

    public static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return markers.contains { upper.contains($0) }
    }

    /// `environment` without its secret variables.
    public static func scrubbed(_ environment: [String: String]) -> [String: String] {
        environment.filter { !isSecret($0.key) }
    }

    /// Keeps the secret in `name` in this process's memory only: removed from the environment
    /// and overwritten where the process started with it (neither a child nor
    /// `/proc/<pid>/environ` shows it again), and the process made non-dumpable (its memory is
    /// closed to same-user processes through /proc and ptrace). For a key Rigor uses itself
    /// (the builtin agent's API key).
    public static func keepInMemoryOnly(_ name: String) {
        if let value = getenv(name) { memset(value, 0, strlen(value)) }
        unsetenv(name)
        _ = GlibcExtras.prctlFunction?(4 /* PR_SET_DUMPABLE */, 0, 0, 0, 0)
    }

    /// The values of the secret variables of `environment` long enough to be recognised (8 or
    /// more characters), longest first.
    public static func values(in environment: [String: String]) -> [String] {
        Set(environment.filter { isSecret($0.key) && $0.value.count >= 8 }.map(\.value)).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }
}

/// Replaces every occurrence of known secret values with `[redacted]`.
public struct Redactor: Sendable {
    public let secrets: [String]
    public static let mark = "[redacted]"

    public init(secrets: [String]) { self.secrets = secrets.filter { !$0.isEmpty } }

    /// A redactor for the secret variables of the current environment.
    public static func current() -> Redactor { Redactor(secrets: Secrets.values(in: ProcessInfo.processInfo.environment)) }

    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var out = text
        for s in secrets where out.contains(s) { out = out.replacingOccurrences(of: s, with: Self.mark) }
        return out
    }

    public func redact(_ bytes: [UInt8]) -> [UInt8] {
        guard !secrets.isEmpty else { return bytes }
        let text = String(decoding: bytes, as: UTF8.self)
        guard secrets.contains(where: { text.contains($0) }) else { return bytes }
        return Array(redact(text).utf8)
    }
}
