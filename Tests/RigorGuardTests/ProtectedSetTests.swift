import Foundation
import RigorGuard
import RigorTestSupport
import Testing

@Suite struct ProtectedSetTests {
    @Test func plainLayout() throws {
        let f = GuardFixture()
        let s = try f.set()
        #expect(s.writeViolation(f.spec) != nil)
        #expect(s.writeViolation(f.abs("experiments/exp-002-new.md")) != nil)
        #expect(s.writeViolation(f.abs("results/exp-001-x/spec.md")) != nil)
        #expect(s.writeViolation(f.abs("results/exp-001-x/.rigor/guard-manifest.json")) != nil)
        #expect(s.writeViolation(f.abs("results/exp-000-old/metrics.json")) != nil)
        #expect(s.writeViolation(f.abs("results/exp-999/new.json")) != nil)
        for r in ["RESEARCH_LOG.md", "QUESTIONS.md", "HANDOFF.md", "program_state.json", ".rigor/guard.yaml",
                  ".claude/settings.json", "rigor.yaml"] {
            #expect(s.writeViolation(f.abs(r)) != nil, "\(r)")
        }
        // Rigor's records: read-only to the child, outside the tamper manifest.
        for r in ["results/exp-001-x/runs/r1/log.txt", "results/exp-001-x/ledger.jsonl", "results/exp-001-x/protocol-journal.jsonl",
                  "results/exp-001-x/.protocol.lock", "results/exp-001-x/.run.lock", "results/exp-001-x/rigor/summary.json"] {
            #expect(s.writeViolation(f.abs(r)) != nil, "\(r)")
        }
        #expect(s.protected.filter(\.isRecord).count == 6)
        #expect(s.writeViolation(f.abs("results/exp-001-x/metrics.json")) == nil)
        #expect(s.writeViolation(f.abs("results/exp-001-x/notes.md")) == nil)
        #expect(s.writeViolation(f.abs("src/train.py")) == nil)
        #expect(s.writeViolation("/tmp/elsewhere") == nil)
        #expect(s.removeViolation(f.abs("results/exp-001-x")) != nil, "own results dir holds the frozen spec")
        #expect(s.removeViolation(f.abs("src")) == nil)
    }

    @Test func prefixLayoutProtectsBaseAndRoot() throws {
        let f = GuardFixture(prefix: ".kit")
        f.dir.write(".kit/RESEARCH_LOG.md", "x\n")
        let s = try f.set()
        #expect(s.workspace.base == f.root + "/.kit")
        #expect(s.writeViolation(f.abs(".kit/experiments/exp-001-x.md")) != nil)
        #expect(s.writeViolation(f.abs(".kit/results/exp-000-old/metrics.json")) != nil)
        #expect(s.writeViolation(f.abs(".kit/RESEARCH_LOG.md")) != nil)
        #expect(s.writeViolation(f.abs("RESEARCH_LOG.md")) != nil)
        #expect(s.writeViolation(f.abs(".kit/results/exp-001-x/metrics.json")) == nil)
    }

    @Test func configAddsProtectedAndWritable() throws {
        let f = GuardFixture()
        f.dir.write(".rigor/guard.yaml", "protect: [data/frozen]\nwritable: [/var/tmp/rigor-extra]\nsnapshot_limit_mb: 1\n")
        let s = try f.set()
        #expect(s.writeViolation(f.abs("data/frozen/x.csv")) != nil)
        #expect(s.writable.contains("/var/tmp/rigor-extra"))
        #expect(s.config.snapshotLimitBytes == 1 << 20)
    }

    @Test func badConfigNamesFileAndLine() throws {
        let f = GuardFixture()
        f.dir.write(".rigor/guard.yaml", "protect: [a]\nprotekt: [b]\n")
        #expect { try f.set() } throws: { e in
            guard let g = e as? GuardError else { return false }
            return g.description.contains("guard.yaml:2") && g.description.contains("unknown key 'protekt'")
        }
    }

    @Test func specOutsideExperimentsIsAnError() {
        #expect(throws: GuardError.self) { try ProtectedSet.make(specPath: "/tmp/not-experiments/x.md") }
    }

    @Test func craftedPathsResolve() throws {
        let f = GuardFixture()
        let s = try f.set()
        try FileManager.default.createSymbolicLink(atPath: f.abs("src/link.md"), withDestinationPath: f.spec)
        for p in ["results/../experiments/exp-001-x.md", "src/../experiments/./exp-001-x.md", "src/link.md", "./experiments//exp-001-x.md"] {
            #expect(s.writeViolation(PathResolution.resolve(p, relativeTo: f.root)) != nil, "\(p)")
        }
    }
}

@Suite struct SandboxDeviceTests {
    @Test func acceleratorDeviceNodesAreBoundIntoThePrivateDev() throws {
        let dev = TempDirectory(prefix: "rigor-dev")
        for name in ["nvidia0", "nvidiactl", "nvidia-uvm", "null", "kfd", "sda"] { dev.write(name, "") }
        try FileManager.default.createDirectory(atPath: dev.path + "/dri", withIntermediateDirectories: true)
        #expect(Sandbox.acceleratorDevices(in: dev.path) == ["dri", "kfd", "nvidia-uvm", "nvidia0", "nvidiactl"].map { dev.path + "/" + $0 })
    }
}
