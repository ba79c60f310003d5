import Foundation

/// How a write refused by the sandbox's read-only mounts shows in a command's output, and the
/// one line of it the transcript keeps as the reason of a `blocked` entry (`by: kernel`).
enum KernelRefusal {
    static let marker = "Read-only file system"

    /// The first line of `output` that reports a refused write (cut to 500 characters), or nil.
    static func line(in output: String) -> String? {
        guard output.contains(marker) else { return nil }
        return firstLine(output.split(separator: "\n").first { $0.contains(marker) }.map(String.init) ?? output)
    }

    /// The first non-empty line of `s`, cut to 500 characters.
    static func firstLine(_ s: String) -> String {
        let line = s.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? s
        return line.count > 500 ? String(line.prefix(500)) + "…" : line
    }
}
