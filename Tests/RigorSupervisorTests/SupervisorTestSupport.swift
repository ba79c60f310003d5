import Foundation
import RigorBasics
import RigorSpec
import RigorSupervisor
import RigorTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A temp experiment folder and helpers to run the fixture scripts under the supervisor.
struct SupervisedFixture {
    let temp = TempDirectory(prefix: "rigor-sup")
    var experimentDir: String { temp.path + "/results/exp-001-test" }

    init() {
        try? FileManager.default.createDirectory(atPath: temp.path + "/results/exp-001-test", withIntermediateDirectories: true)
    }

    static func script(_ name: String) -> String { RepoPaths.root + "/Tests/RigorSupervisorTests/Scripts/" + name }

    /// The Python interpreter itself (a launcher such as a pyenv shim costs a shell and
    /// ~0.2 s per start, which loaded machines turn into seconds); "python3" when unknown.
    static let python: String = {
        guard let r = try? runProcess(["/usr/bin/env", "python3", "-c", "import sys; print(sys.executable)"], timeout: 30), r.status == 0 else { return "python3" }
        let path = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.isExecutableFile(atPath: path) ? path : "python3"
    }()

    func request(_ script: String, _ args: [String] = [], rules: [String] = [], timeout: Double? = nil,
                 phase: RunPhase = .adhoc, budget: ResourceBudget? = nil) -> RunRequest {
        var r = RunRequest(experimentDir: experimentDir, command: [SupervisedFixture.python, SupervisedFixture.script(script)] + args,
                           workingDirectory: temp.path, seed: 7, phase: phase, timeoutSeconds: timeout, abortRules: rules, budget: budget)
        r.killGraceSeconds = 2
        return r
    }

    func runDir(_ record: RunRecord) -> String { experimentDir + "/runs/" + record.runID }
}

/// True when no process is left in the process group.
func groupIsEmpty(_ pgid: pid_t) -> Bool { kill(-pgid, 0) != 0 && errno == ESRCH }

/// Waits (bounded) for a file to appear and returns its text.
func waitForFile(_ path: String, seconds: Double = 20) -> String? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let s = try? String(contentsOfFile: path, encoding: .utf8), !s.isEmpty { return s }
        usleep(20_000)
    }
    return nil
}

/// Waits (bounded) for a file to appear and returns its text, sleeping without holding a
/// thread of the cooperative pool (async tests must not block it: other tests' runs need it).
func waitForFile(_ path: String, seconds: Double = 20) async -> String? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let s = try? String(contentsOfFile: path, encoding: .utf8), !s.isEmpty { return s }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return nil
}

/// Runs blocking work (waiting for a child process) on its own thread, so the test's
/// suspension leaves the cooperative pool free for the tests running beside it.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// The supervisor process's resident set (VmRSS) in kB.
func residentKB() -> Int {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return -1 }
    return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
}

/// A spec parsed from text (the spec model has no public memberwise initialisers).
func spec(runs: String = "10", wall: String = "N/A", gpuHours: String = "0", estimatedHours: String? = nil, abort: [String] = []) -> ExperimentSpec {
    SpecParser.parse(text: specText(runs: runs, wall: wall, gpuHours: gpuHours, estimatedHours: estimatedHours, abort: abort),
                     path: "experiments/exp-001-test.md")
}

/// The text of a minimal experiment spec with the given budget and abort criteria.
func specText(runs: String = "10", wall: String = "N/A", gpuHours: String = "0", estimatedHours: String? = nil, abort: [String] = []) -> String {
    var text = """
    # exp-001-test

    ## Hypothesis

    H.

    ## Resource Budget

    **Tier:** Standard

    - Max GPU-hours: \(gpuHours)
    - Max wall-clock time: \(wall)
    - Max training runs: \(runs)
    - Max seeds per configuration: 3

    """
    if let estimatedHours {
        text += "### Compute Profile\n\n```yaml\ncompute_type: cpu\nestimated_wall_hours: \(estimatedHours)\n```\n\n"
    }
    text += "## Abort Criteria\n\n" + abort.map { "- " + $0 }.joined(separator: "\n") + "\n"
    return text
}

func budget(runs: Double? = nil, wallSeconds: Double? = nil, gpuHours: Double? = nil) -> ResourceBudget {
    let b = spec(runs: runs.map { String(Int($0)) } ?? "N/A", wall: wallSeconds.map { "\($0) seconds" } ?? "N/A",
                 gpuHours: gpuHours.map { "\($0)" } ?? "N/A").resourceBudget
    precondition(b != nil, "test spec has no budget")
    return b!
}
