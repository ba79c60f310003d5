import Foundation
import Testing

/// A seeded random generator (SplitMix64) for tests that draw random schedules, so that a
/// failure can be replayed: the seed comes from `RIGOR_TEST_SEED` when set, else a fixed default,
/// and the test prints it.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `RIGOR_TEST_SEED` (decimal) when set, else `fallback`; prints the seed and how to replay it.
    /// A RIGOR_TEST_SEED that is not a decimal number is a test failure (the default is used).
    public static func testSeed(_ test: String, default fallback: UInt64) -> UInt64 {
        let raw = ProcessInfo.processInfo.environment["RIGOR_TEST_SEED"]?.trimmingCharacters(in: .whitespaces)
        let parsed = raw.flatMap { UInt64($0) }
        if let raw, parsed == nil { Issue.record("RIGOR_TEST_SEED=\(raw) is not a decimal number") }
        let seed = parsed ?? fallback
        print("\(test): random seed \(seed) (\(parsed == nil ? "default" : "RIGOR_TEST_SEED")); replay with RIGOR_TEST_SEED=\(seed)")
        return seed
    }
}

/// Processes (other than this one) whose working directory is `dir` or below it, from /proc.
public func processesWorking(in dir: String) -> [Int32] {
    let real = URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { Int32($0) }.filter { pid in
        guard pid != getpid(), let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else { return false }
        return cwd == real || cwd.hasPrefix(real + "/")
    }.sorted()
}
