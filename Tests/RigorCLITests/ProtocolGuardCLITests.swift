import Foundation
import RigorTestSupport
import Testing

/// `rigor protocol run` launches every run through the guard: the kernel keeps the spec and the
/// READ step's files read-only (bubblewrap), or the fallback detects, restores and records.
@Suite(.serialized) struct ProtocolGuardCLITests {
    let dir = TempDirectory(prefix: "rigor-guard-cli")

    static let evilScript = """
    import rigor
    for target in ["experiments/exp-001-hidden-width.md", "RESEARCH_LOG.md"]:
        try:
            with open(target, "a") as f:
                f.write("tampered\\n")
            print("WROTE", target)
        except OSError as e:
            print("BLOCKED", target, e.errno)
    rigor.final(val_accuracy=0.778, val_loss=0.5, train_accuracy=0.5, train_loss_decreased=1, n_val=90)
    """

    /// A copy of the example workspace whose runs all try to write protected files.
    func evilWorkspace() throws -> (plan: String, spec: String, log: String) {
        let example = RepoPaths.root + "/examples/two-spirals"
        let spec = try String(contentsOfFile: example + "/experiments/exp-001-hidden-width.md", encoding: .utf8)
        var plan = try String(contentsOfFile: example + "/plan.yaml", encoding: .utf8)
        plan = plan.replacingOccurrences(of: "python3 scripts/train.py --hidden {config} --seed {seed} --epochs 100",
                                         with: "python3 scripts/evil.py")
        plan = plan.replacingOccurrences(of: "python3 scripts/train.py --hidden {config} --seed {seed} --epochs 5",
                                         with: "python3 scripts/evil.py")
        plan = plan.replacingOccurrences(of: "python3 scripts/train.py --hidden 4 --seed 0 --epochs 1", with: "python3 scripts/evil.py")
        dir.write("experiments/exp-001-hidden-width.md", spec)
        dir.write("scripts/evil.py", Self.evilScript)
        dir.write("RESEARCH_LOG.md", "# Research log\n")
        return (dir.write("plan.yaml", plan), spec, "# Research log\n")
    }

    func metrics() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/results/exp-001-hidden-width/metrics.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    @Test func kernelBlocksWritesToProtectedFilesDuringRuns() throws {
        let (plan, spec, log) = try evilWorkspace()
        let r = try rigor(arguments: ["protocol", "run", plan, "--slots", "2"], cwd: dir.path, timeout: 180)
        #expect(!r.timedOut)
        #expect(dir.read("experiments/exp-001-hidden-width.md") == spec)
        #expect(dir.read("RESEARCH_LOG.md") == log)
        let logs = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/results/exp-001-hidden-width/runs")
            .filter { !$0.hasPrefix(".") }
            .compactMap { dir.read("results/exp-001-hidden-width/runs/\($0)/stdout.log") }
        #expect(!logs.isEmpty)
        #expect(logs.allSatisfy { $0.contains("BLOCKED experiments/exp-001-hidden-width.md 30") && !$0.contains("WROTE") }, "\(logs)")
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path + "/results/exp-001-hidden-width/config.json"))) as? [String: Any]
        #expect((config?["sandbox"] as? String)?.hasPrefix("bubblewrap") == true, "\(String(describing: config?["sandbox"]))")
        #expect(dir.read("results/exp-001-hidden-width/spec.md") == spec)
    }

    @Test func fallbackDetectsRestoresAndRecordsTamperInNotes() throws {
        let (plan, spec, log) = try evilWorkspace()
        let r = try rigor(arguments: ["protocol", "run", plan, "--slots", "1"], cwd: dir.path,
                          environment: ["RIGOR_GUARD_FORCE_FALLBACK": "1"], timeout: 180)
        #expect(r.stderr.contains("WARNING: guard mode chmod-fallback"), "\(r.stderr)")
        #expect(dir.read("experiments/exp-001-hidden-width.md") == spec)
        #expect(dir.read("RESEARCH_LOG.md") == log)
        let notes = try metrics()["notes"] as? String ?? ""
        #expect(notes.contains("RESEARCH_LOG.md"), "\(notes)")
        #expect(notes.contains("restored"), "\(notes)")
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path + "/results/exp-001-hidden-width/config.json"))) as? [String: Any]
        #expect((config?["sandbox"] as? String)?.hasPrefix("chmod-fallback") == true)
    }

    @Test func aSpecChangedAfterTheExperimentBeganIsRefused() throws {
        let (plan, spec, _) = try evilWorkspace()
        _ = try rigor(arguments: ["protocol", "run", plan], cwd: dir.path, timeout: 180)
        #expect(dir.read("results/exp-001-hidden-width/spec.md") == spec)
        dir.write("experiments/exp-001-hidden-width.md", spec.replacingOccurrences(of: "at least\n5 percentage points", with: "at least\n1 percentage point"))
        let r = try rigor(arguments: ["protocol", "run", plan], cwd: dir.path, timeout: 60)
        #expect(r.status == 2)
        #expect(r.stderr.contains("the spec changed since this experiment began"), "\(r.stderr)")
    }

    @Test func execRunsInsideTheSandboxWhenTheSpecIsKnown() throws {
        let (_, spec, log) = try evilWorkspace()
        try FileManager.default.createDirectory(atPath: dir.path + "/results/exp-001-hidden-width", withIntermediateDirectories: true)
        let r = try rigor(arguments: ["exec", "--experiment", "results/exp-001-hidden-width", "--", "python3", "scripts/evil.py"],
                          cwd: dir.path, timeout: 60)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("BLOCKED experiments/exp-001-hidden-width.md 30"), "\(r.stdout)")
        #expect(dir.read("experiments/exp-001-hidden-width.md") == spec)
        #expect(dir.read("RESEARCH_LOG.md") == log)

        let f = try rigor(arguments: ["exec", "--experiment", "results/exp-001-hidden-width", "--", "python3", "scripts/evil.py"],
                          cwd: dir.path, environment: ["RIGOR_GUARD_FORCE_FALLBACK": "1"], timeout: 60)
        #expect(f.status == 3)
        #expect(f.stdout.contains("WROTE RESEARCH_LOG.md"))
        #expect(f.stderr.contains("TAMPER: Protected file RESEARCH_LOG.md was modified during the run and restored"), "\(f.stderr)")
        #expect(dir.read("experiments/exp-001-hidden-width.md") == spec)
        #expect(dir.read("RESEARCH_LOG.md") == log)
    }

    /// A plan cannot point the runs at a results folder other than its spec's (class 5: the
    /// guard would protect one workspace while the runs write another).
    @Test func planResultsOutsideTheSpecsWorkspaceIsRefused() throws {
        let w = try evilWorkspace()
        let decoy = TempDirectory(prefix: "rigor-decoy")
        let plan = try String(contentsOfFile: w.plan, encoding: .utf8) + "\nresults: \(decoy.path)/results/exp-001-hidden-width\n"
        let path = dir.write("plan-decoy.yaml", plan)
        let r = try rigor(arguments: ["protocol", "run", path], cwd: dir.path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("is not the results folder"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: decoy.path + "/results"))
    }
}
