import Foundation
import RigorGuard
import RigorTestSupport

/// A research-kit workspace with one spec, its frozen copy, an earlier experiment and the READ files.
final class GuardFixture: @unchecked Sendable {
    let dir = TempDirectory(prefix: "rigor-guard")
    var root: String { PathResolution.resolve(dir.path, relativeTo: "/") }
    let base: String
    var spec: String { root + base + "/experiments/exp-001-x.md" }

    init(prefix: String = "") {
        base = prefix.isEmpty ? "" : "/" + prefix
        dir.write(base.dropFirst().isEmpty ? "experiments/exp-001-x.md" : "\(prefix)/experiments/exp-001-x.md", "# exp-001 spec\nline a\n")
        dir.write(path("results/exp-001-x/spec.md"), "# exp-001 spec\nline a\n")
        dir.write(path("results/exp-000-old/metrics.json"), "{\"acc\": 0.5}\n")
        for f in ["RESEARCH_LOG.md", "QUESTIONS.md", "HANDOFF.md", "program_state.json"] { dir.write(f, f + "\n") }
        dir.write("src/train.py", "print('train')\n")
    }

    func path(_ rel: String) -> String { base.isEmpty ? rel : String(base.dropFirst()) + "/" + rel }
    func abs(_ rel: String) -> String { root + "/" + rel }
    func read(_ rel: String) -> String? { try? String(contentsOfFile: abs(rel), encoding: .utf8) }
    func set() throws -> ProtectedSet { try ProtectedSet.make(specPath: spec) }
}

/// True when the real bubblewrap works on this machine.
let bubblewrapWorks = GuardProbe.current(environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]).mode == .bubblewrap
