import ArgumentParser
import Foundation
import RigorGuard

/// `rigor guard probe`: which guard mode this machine gets.
struct GuardProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "probe", abstract: "Print the guard mode (bubblewrap or chmod-fallback) and why.")
    func run() async throws {
        let p = GuardProbe.current()
        print("\(p.mode.rawValue)\t\(p.detail)")
        if let w = p.warning { FileHandle.standardError.write(Data((w + "\n").utf8)) }
    }
}
