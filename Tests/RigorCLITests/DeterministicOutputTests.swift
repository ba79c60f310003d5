import Foundation
import RigorTestSupport
import Testing

/// The same input gives the same output, byte for byte, call after call (keys sorted).
@Suite(.serialized) struct DeterministicOutputTests {
    @Test func specCheckJSONIsStable() throws {
        let spec = RepoPaths.root + "/examples/two-spirals/experiments/exp-001-hidden-width.md"
        let outputs = try (0..<5).map { _ in try rigor(arguments: ["spec", "check", "--json", spec]).stdout }
        #expect(Set(outputs).count == 1)
        #expect(outputs[0].contains("\"abortCriteria\""))
    }

    @Test func statusFinalColumnIsStable() throws {
        let ws = TempDirectory(prefix: "rigor-stable")
        try FileManager.default.createDirectory(atPath: ws.path + "/results/exp-001-x", withIntermediateDirectories: true)
        let run = try rigor(arguments: ["exec", "--no-guard", "--experiment", "results/exp-001-x", "--", "python3", "-c",
                                        "import rigor; rigor.final(zeta=1, alpha=2, mid=3, beta=4, omega=5, gamma=6)"], cwd: ws.path)
        #expect(run.status == 0, "\(run.stderr)")
        let outputs = try (0..<5).map { _ in try rigor(arguments: ["status", "results/exp-001-x"], cwd: ws.path).stdout }
        #expect(Set(outputs).count == 1)
        #expect(outputs[0].contains("alpha=2 beta=4 gamma=6 mid=3 omega=5 zeta=1"), "\(outputs[0])")
    }
}

/// An unknown subcommand is answered with a `rigor:` line, the nearest command, and exit 2.
@Suite struct UnknownCommandTests {
    @Test(arguments: [(["sttus"], "did you mean 'rigor status'?"), (["guard", "snapshto", "x"], "did you mean 'rigor guard snapshot'?"),
                      (["protocl", "run", "plan.yaml"], "did you mean 'rigor protocol'?"), (["xyzzy"], "unknown command 'rigor xyzzy'")])
    func unknownSubcommand(arguments: [String], expected: String) throws {
        let r = try rigor(arguments: arguments)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("rigor: unknown command"), "\(r.stderr)")
        #expect(r.stderr.contains(expected), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test func knownCommandsStillParse() throws {
        #expect(try rigor(arguments: ["--version"]).status == 0)
        #expect(try rigor(arguments: ["help", "guard"]).status == 0)
        #expect(try rigor(arguments: ["spec", "check", RepoPaths.root + "/examples/two-spirals/experiments/exp-001-hidden-width.md"]).status == 0)
    }
}
