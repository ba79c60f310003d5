import ArgumentParser
import Foundation

/// One-line errors on stderr, the way every command reports unusable input.
enum Console {
    static func error(_ message: String) {
        try? FileHandle.standardError.write(contentsOf: Data(("rigor: " + message + "\n").utf8))
    }

    static func warn(_ message: String) {
        try? FileHandle.standardError.write(contentsOf: Data(("rigor: warning: " + message + "\n").utf8))
    }

    static func print(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }
}

extension ExitCode {
    /// Exit status 2: the input could not be used at all.
    static let unusableInput = ExitCode(2)
}
