import Foundation
import RigorGuard
import RigorTestSupport
import Testing

@Suite(.serialized) struct SandboxTamperTests {
    @Test(.enabled(if: bubblewrapWorks, "bubblewrap (Debian package bubblewrap) is not usable here"))
    func sandboxBlocksProtectedAndAllowsOwnResults() throws {
        let f = GuardFixture()
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "exec", f.spec, "--", "sh", "-c",
                                "echo x > experiments/exp-001-x.md; echo $? > /dev/null; echo ok > results/exp-001-x/metrics.json; python3 -c \"open('RESEARCH_LOG.md','a').write('x')\""],
                               cwd: f.root)
        #expect(r.status == 1, "python's write must fail: \(r.stderr)")
        #expect(r.stderr.contains("Read-only file system"))
        #expect(f.read("experiments/exp-001-x.md") == "# exp-001 spec\nline a\n")
        #expect(f.read("RESEARCH_LOG.md") == "RESEARCH_LOG.md\n")
        #expect(f.read("results/exp-001-x/metrics.json") == "ok\n")
        #expect(FileManager.default.fileExists(atPath: f.abs("results/exp-001-x/.rigor/guard-manifest.json")))
    }

    @Test func fallbackDetectsRestoresAndSaysSoLoudly() throws {
        let f = GuardFixture()
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "exec", f.spec, "--", "sh", "-c",
                                "chmod 644 experiments/exp-001-x.md; echo pwned >> experiments/exp-001-x.md; rm results/exp-000-old/metrics.json; echo new > experiments/exp-002.md; chmod 600 HANDOFF.md"],
                               cwd: f.root, environment: [GuardProbe.forceFallbackVariable: "1"])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("WARNING: guard mode chmod-fallback"))
        #expect(r.stderr.contains("Protected file experiments/exp-001-x.md was modified during the run and restored from the snapshot."))
        #expect(f.read("experiments/exp-001-x.md") == "# exp-001 spec\nline a\n")
        #expect(f.read("results/exp-000-old/metrics.json") == "{\"acc\": 0.5}\n")
        #expect(!FileManager.default.fileExists(atPath: f.abs("experiments/exp-002.md")))
        let log = try String(contentsOfFile: f.abs("results/exp-001-x/.rigor/tamper.jsonl"), encoding: .utf8)
        let lines = log.split(separator: "\n")
        #expect(lines.count == 4, "\(log)")
        #expect(log.contains("\"change\":\"deleted\"") && log.contains("\"change\":\"added\"") && log.contains("\"change\":\"mode_changed\""))
        // The quarantined addition is kept, not deleted.
        let q = try FileManager.default.subpathsOfDirectory(atPath: f.abs("results/exp-001-x/.rigor/quarantine"))
        #expect(q.contains { $0.hasSuffix("experiments__exp-002.md") })
        var st = stat()
        #expect(lstat(f.abs("HANDOFF.md"), &st) == 0 && st.st_mode & 0o777 == 0o644)
    }

    @Test func verifyOnDemandAndNotes() throws {
        let f = GuardFixture()
        let set = try f.set()
        let session = try GuardSession.begin(set: set, probe: GuardProbe(mode: .bubblewrap, bwrapPath: "/usr/bin/bwrap", detail: "test"), phase: "t")
        #expect(try session.end().isEmpty)
        try "changed\n".write(toFile: f.abs("QUESTIONS.md"), atomically: false, encoding: .utf8)
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "verify", f.spec], cwd: f.root)
        #expect(r.status == 3)
        #expect(r.stdout.contains("modified\tQUESTIONS.md"))
        #expect(f.read("QUESTIONS.md") == "QUESTIONS.md\n")
        let again = try runProcess([RepoPaths.rigorBinary, "guard", "verify", f.spec], cwd: f.root)
        #expect(again.status == 0 && again.stdout.contains("unchanged"))
        let notes = TamperCheck.notes(for: [TamperEvent(path: "experiments/x.md", change: .modified, detail: "", restored: true, restoreDetail: "")])
        #expect(notes == ["Protected file experiments/x.md was modified during the run and restored from the snapshot."])
    }

    @Test func snapshotSizeBoundIsReported() throws {
        let f = GuardFixture()
        f.dir.write(".rigor/guard.yaml", "snapshot_file_limit_mb: 0\n")
        let session = try GuardSession.begin(set: try f.set(), probe: GuardProbe(mode: .chmodFallback, bwrapPath: nil, detail: "test"), phase: "t")
        try "x\n".write(toFile: f.spec, atomically: false, encoding: .utf8)
        let events = try session.end()
        #expect(events.count == 1 && !events[0].restored && events[0].restoreDetail.contains("snapshot size limits"))
    }

    @Test func verifyWithoutManifestIsAClearError() throws {
        let f = GuardFixture()
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "verify", f.spec], cwd: f.root)
        #expect(r.status == 1 && r.stderr.hasPrefix("rigor: ") && r.stderr.contains("no guard manifest"))
    }

    @Test func showListsBothSides() throws {
        let f = GuardFixture()
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "show", f.spec, "--json"], cwd: f.root)
        #expect(r.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let protected = try #require(obj["protected"] as? [[String: Any]])
        let writable = try #require(obj["writable"] as? [String])
        #expect(protected.contains { $0["path"] as? String == "experiments/exp-001-x.md" })
        #expect(writable.contains("results/exp-001-x"))
        #expect(["bubblewrap", "chmod-fallback"].contains(obj["guard_mode"] as? String ?? ""))
    }

    @Test func checkCommandExitCodes() throws {
        let f = GuardFixture()
        #expect(try runProcess([RepoPaths.rigorBinary, "guard", "check-command", "ls", "--spec", f.spec], cwd: f.root).status == 0)
        let d = try runProcess([RepoPaths.rigorBinary, "guard", "check-command", "chmod 1 x", "--spec", f.spec], cwd: f.root)
        #expect(d.status == 1 && d.stdout.contains("permission-change"))
        let b = try runProcess([RepoPaths.rigorBinary, "guard", "check-command", "echo 'x"], cwd: f.root)
        #expect(b.status == 2 && b.stderr.hasPrefix("rigor: "))
    }

    @Test func lintFlagsInterpretation() throws {
        let f = GuardFixture()
        f.dir.write("notes.md", "loss 0.3\nThis suggests the method works.\n")
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "lint", f.abs("notes.md")], cwd: f.root)
        #expect(r.status == 1 && r.stdout.contains("notes.md:2:"))
    }
}
