import Foundation
import RigorBasics
import RigorGuard
import RigorTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The guard against the classes of attack that go around the sandbox: state it keeps,
/// programs it runs, files it writes, processes a run leaves (docs/guard.md, threat model).
/// Each test uses its own trusted store (RIGOR_STATE_DIR) outside the workspace.
@Suite(.serialized) struct GuardHardeningTests {
    let f = GuardFixture.withRunnableSpec()
    let storeDir = TempDirectory(prefix: "rigor-store")
    var env: [String: String] { guardEnvironment(store: storeDir) }
    var fallbackEnv: [String: String] { guardEnvironment(store: storeDir, fallback: true) }
    let original = GuardFixture.runnableSpec

    func guardExec(_ script: String, fallback: Bool = false) throws -> ProcessResult {
        try runProcess([RepoPaths.rigorBinary, "guard", "exec", f.spec, "--", "sh", "-c", script], cwd: f.root,
                       environment: fallback ? fallbackEnv : env, timeout: 60)
    }

    func trustedManifest() throws -> String {
        let exps = try FileManager.default.contentsOfDirectory(atPath: storeDir.path + "/experiments")
        let dir = try #require(exps.first { $0.hasPrefix("exp-001-x-") })
        return storeDir.path + "/experiments/" + dir + "/guard-manifest.json"
    }

    // Class 3: the guard's own state.

    @Test func corruptedOrSubstitutedTrustedManifestIsNeverUnchanged() throws {
        #expect(try runProcess([RepoPaths.rigorBinary, "guard", "snapshot", f.spec], cwd: f.root, environment: env).status == 0)
        let path = try trustedManifest()
        let good = try String(contentsOfFile: path, encoding: .utf8)
        // Re-baselined by hand to a tampered spec, with a made-up MAC.
        try (good.replacingOccurrences(of: "\"hmac\": \"", with: "\"hmac\": \"00")).prefix(good.count).description
            .write(toFile: path, atomically: false, encoding: .utf8)
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "verify", f.spec], cwd: f.root, environment: env)
        #expect(r.status == 1)
        #expect(r.stderr.contains("fails authentication"), "\(r.stderr)")
        #expect(!r.stdout.contains("unchanged"))
        try "garbage".write(toFile: path, atomically: false, encoding: .utf8)
        let g = try runProcess([RepoPaths.rigorBinary, "guard", "verify", f.spec], cwd: f.root, environment: env)
        #expect(g.status == 1 && g.stderr.contains("fails authentication"), "\(g.stderr)")
    }

    @Test func workspaceCopyOfTheManifestIsCheckedAndRewritten() throws {
        #expect(try runProcess([RepoPaths.rigorBinary, "guard", "snapshot", f.spec], cwd: f.root, environment: env).status == 0)
        let copy = f.abs("results/exp-001-x/.rigor/guard-manifest.json")
        let trusted = try String(contentsOfFile: try trustedManifest(), encoding: .utf8)
        try "{}".write(toFile: copy, atomically: false, encoding: .utf8)
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "verify", f.spec], cwd: f.root, environment: env)
        #expect(r.status == 3, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("results/exp-001-x/.rigor/guard-manifest.json"))
        #expect(try String(contentsOfFile: copy, encoding: .utf8) == trusted)
    }

    @Test func restoreInstallsOnlyTheTrustedSnapshot() throws {
        #expect(try runProcess([RepoPaths.rigorBinary, "guard", "snapshot", f.spec], cwd: f.root, environment: env).status == 0)
        // An attacker who can write the workspace copy of the state and plant "snapshot" blobs there
        // decides nothing: restore reads the trusted store only.
        let specHash = SHA256.hex(Array(original.utf8))
        try FileManager.default.createDirectory(atPath: f.abs("results/exp-001-x/.rigor/snapshot"), withIntermediateDirectories: true)
        try "attacker\n".write(toFile: f.abs("results/exp-001-x/.rigor/snapshot/" + specHash), atomically: false, encoding: .utf8)
        try "pwned\n".write(toFile: f.spec, atomically: false, encoding: .utf8)
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "verify", f.spec], cwd: f.root, environment: env)
        #expect(r.status == 3)
        #expect(f.read("experiments/exp-001-x.md") == original)
        // With the trusted blob altered, nothing is installed and the tampered file stays.
        let blob = (try trustedManifest() as NSString).deletingLastPathComponent + "/snapshot/" + specHash
        chmod(blob, 0o600)
        try "substituted\n".write(toFile: blob, atomically: false, encoding: .utf8)
        try "pwned again\n".write(toFile: f.spec, atomically: false, encoding: .utf8)
        let s = try runProcess([RepoPaths.rigorBinary, "guard", "verify", f.spec], cwd: f.root, environment: env)
        #expect(s.status == 3)
        #expect(s.stdout.contains("missing or altered"), "\(s.stdout)")
        #expect(f.read("experiments/exp-001-x.md") == "pwned again\n")
    }

    // Class 6: restore is atomic.

    @Test(.enabled(if: getuid() == 0, "needs root to mount a small tmpfs"))
    func failedRestoreLeavesTheCurrentFileInPlace() throws {
        let small = TempDirectory(prefix: "rigor-full")
        guard mount("tmpfs", small.path, "tmpfs", 0, "size=256k") == 0 else {
            Issue.record("cannot mount a tmpfs here: \(String(cString: strerror(errno)))"); return
        }
        defer { umount2(small.path, 2 /* MNT_DETACH */) }
        let ws = small.path + "/ws"
        try FileManager.default.createDirectory(atPath: ws + "/experiments", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: ws + "/results/exp-001-x", withIntermediateDirectories: true)
        let spec = ws + "/experiments/exp-001-x.md"
        try String(repeating: "spec line\n", count: 4000).write(toFile: spec, atomically: false, encoding: .utf8)
        #expect(try runProcess([RepoPaths.rigorBinary, "guard", "snapshot", spec], cwd: ws, environment: env).status == 0)
        try "tampered\n".write(toFile: spec, atomically: false, encoding: .utf8)
        // Fill the disk: the restore's temp copy cannot be written.
        let filler = ws + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT, 0o644)
        let block = [UInt8](repeating: 1, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, 4096) }) == 4096 {}
        close(fd)
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "verify", spec], cwd: ws, environment: env)
        #expect(r.status == 3)
        #expect(r.stdout.contains("the current file is left in place"), "\(r.stdout)")
        #expect(try String(contentsOfFile: spec, encoding: .utf8) == "tampered\n")
        unlink(filler)
        let again = try runProcess([RepoPaths.rigorBinary, "guard", "verify", spec], cwd: ws, environment: env)
        #expect(again.status == 3 && again.stdout.contains("restored"))
        #expect(try String(contentsOfFile: spec, encoding: .utf8) == String(repeating: "spec line\n", count: 4000))
    }

    // Class 4: the guarded party cannot re-baseline.

    @Test(arguments: sandboxModes)
    func snapshotAndVerifyRefuseInsideAGuardedRun(fallback: Bool) throws {
        let rigorBin = RepoPaths.rigorBinary
        let r = try guardExec("echo pwned >> experiments/exp-001-x.md; env -u RIGOR_GUARD_MODE \(rigorBin) guard snapshot \(f.spec); echo snapshot=$?; \(rigorBin) guard verify --no-restore \(f.spec); echo verify=$?",
                              fallback: fallback)
        #expect(r.stdout.contains("snapshot=1") && r.stdout.contains("verify=1"), "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("only runs outside the sandbox"))
        #expect(f.read("experiments/exp-001-x.md") == original)
        // The trusted manifest is the one taken before the run: a later verify is clean.
        let v = try runProcess([RepoPaths.rigorBinary, "guard", "verify", f.spec], cwd: f.root, environment: env)
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
    }

    // Class 7: sandbox defaults.

    @Test(.enabled(if: bubblewrapWorks, "bubblewrap is not usable here"))
    func privateHomeAndTempInTheSandbox() throws {
        let home = TempDirectory(prefix: "rigor-home")
        let name = "rigor-private-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var e = env
        e["HOME"] = home.path
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "exec", f.spec, "--", "sh", "-c",
                                "echo $HOME; echo x > $HOME/\(name) && echo x > /tmp/\(name) && echo x > /var/tmp/\(name) && echo x > /dev/shm/\(name) && echo wrote; echo y > \(home.path)/\(name)-real || echo real-home-read-only"],
                               cwd: f.root, environment: e)
        #expect(r.stdout.contains("/tmp/home") && r.stdout.contains("wrote") && r.stdout.contains("real-home-read-only"), "\(r.stdout)\(r.stderr)")
        for p in ["/tmp/", "/var/tmp/", "/dev/shm/", home.path + "/"] {
            #expect(!FileManager.default.fileExists(atPath: p + name), "\(p + name) reached the real system")
        }
        #expect(!FileManager.default.fileExists(atPath: home.path + "/\(name)-real"))
    }

    @Test(arguments: sandboxModes)
    func inheritedDescriptorsAreClosed(fallback: Bool) throws {
        let log = f.abs("RESEARCH_LOG.md")
        let fd = open(log, O_WRONLY | O_APPEND)
        try #require(fd >= 0)
        defer { close(fd) }
        // Without O_CLOEXEC the test's own children would inherit it; rigor must not pass it on.
        let r = try runProcess(["/bin/sh", "-c", "exec 7>>\(log); exec \(RepoPaths.rigorBinary) guard exec \(f.spec) -- sh -c 'echo pwned >&7 && echo wrote-through-7'"],
                               cwd: f.root, environment: fallback ? fallbackEnv : env)
        #expect(!r.stdout.contains("wrote-through-7"), "\(r.stdout)\(r.stderr)")
        #expect(f.read("RESEARCH_LOG.md") == "RESEARCH_LOG.md\n")
    }

    @Test(arguments: sandboxModes)
    func noProcessOutlivesItsRun(fallback: Bool) throws {
        let marker = storeDir.path + "/../rigor-escape-\(getpid())-\(fallback)"
        let r = try guardExec("setsid sh -c 'sleep 2; echo escaped > \(marker)' & (setsid sh -c 'sleep 2; echo escaped >> \(marker)' &) ; echo started", fallback: fallback)
        #expect(r.stdout.contains("started"))
        sleep(4)
        #expect(!FileManager.default.fileExists(atPath: marker), "a process of the run outlived it")
        unlink(marker)
    }

    // Class 5: runs that would skip the guard.

    @Test func execWithoutASpecRefusesUnlessNoGuard() throws {
        let ws = TempDirectory(prefix: "rigor-nospec")
        try FileManager.default.createDirectory(atPath: ws.path + "/results/exp-404-nospec", withIntermediateDirectories: true)
        let r = try runProcess([RepoPaths.rigorBinary, "exec", "--experiment", "results/exp-404-nospec", "--", "sh", "-c", "echo ran > ran.txt"],
                               cwd: ws.path, environment: env)
        #expect(r.status == 2)
        #expect(r.stderr.contains("--no-guard"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/ran.txt"))
        _ = ws.write("results/exp-404-nospec/config.json", "{\"experiment\": \"exp-404-nospec\"}\n")
        let ok = try runProcess([RepoPaths.rigorBinary, "exec", "--no-guard", "--json", "--experiment", "results/exp-404-nospec", "--", "sh", "-c", "echo ran > ran.txt"],
                                cwd: ws.path, environment: env)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(FileManager.default.fileExists(atPath: ws.path + "/ran.txt"))
        #expect(ok.stdout.contains("none: --no-guard"), "run.json records the unguarded run: \(ok.stdout)")
        let config = ws.read("results/exp-404-nospec/config.json") ?? ""
        #expect(config.contains("\"experiment\"") && config.contains("unguarded_runs"), "config.json merged: \(config)")
    }

    @Test func execWithADecoySpecRefuses() throws {
        let decoy = GuardFixture.withRunnableSpec()
        let r = try runProcess([RepoPaths.rigorBinary, "exec", "--experiment", f.abs("results/exp-001-x"), "--spec", decoy.spec, "--",
                                "sh", "-c", "echo pwned >> experiments/exp-001-x.md"], cwd: f.root, environment: env)
        #expect(r.status == 2)
        #expect(r.stderr.contains("belongs to the experiment folder"), "\(r.stderr)")
        #expect(f.read("experiments/exp-001-x.md") == original)
    }

    // Class 2: Rigor's own writers never follow links planted where they write.

    @Test func recordsPlantedAsLinksAreRefusedNotFollowed() throws {
        let exp = f.abs("results/exp-001-x")
        try FileManager.default.createDirectory(atPath: exp, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: exp + "/ledger.jsonl", withDestinationPath: f.spec)
        let r = try runProcess([RepoPaths.rigorBinary, "exec", "--experiment", exp, "--", "true"], cwd: f.root, environment: env)
        #expect(r.status != 0)
        #expect(r.stderr.contains("ledger.jsonl") && r.stderr.contains("is a symlink"), "\(r.stderr)")
        #expect(f.read("experiments/exp-001-x.md") == original)
        unlink(exp + "/ledger.jsonl")
        // A hard link to a protected file at a record's name.
        #expect(link(f.abs("RESEARCH_LOG.md"), exp + "/ledger.jsonl") == 0)
        let h = try runProcess([RepoPaths.rigorBinary, "exec", "--experiment", exp, "--", "true"], cwd: f.root, environment: env)
        #expect(h.status != 0 && h.stderr.contains("hard link"), "\(h.stderr)")
        #expect(f.read("RESEARCH_LOG.md") == "RESEARCH_LOG.md\n")
    }

    @Test(.enabled(if: bubblewrapWorks, "bubblewrap is not usable here"))
    func recordsAreReadOnlyInsideTheSandbox() throws {
        #expect(try runProcess([RepoPaths.rigorBinary, "exec", "--experiment", f.abs("results/exp-001-x"), "--", "true"], cwd: f.root, environment: env).status == 0)
        let ledger = f.read("results/exp-001-x/ledger.jsonl")
        let r = try runProcess([RepoPaths.rigorBinary, "exec", "--experiment", f.abs("results/exp-001-x"), "--", "sh", "-c",
                                "echo '{}' >> results/exp-001-x/ledger.jsonl; mkdir results/exp-001-x/runs/forged; echo x > results/exp-001-x/protocol-journal.jsonl; echo ok > results/exp-001-x/notes.txt"],
                               cwd: f.root, environment: env)
        #expect(r.stderr.components(separatedBy: "Read-only file system").count - 1 == 3, "\(r.stderr)")
        #expect(f.read("results/exp-001-x/notes.txt") == "ok\n")
        #expect(!FileManager.default.fileExists(atPath: f.abs("results/exp-001-x/runs/forged")))
        #expect(f.read("results/exp-001-x/ledger.jsonl")?.hasPrefix(ledger ?? "?") == true)
    }
}

/// Class 1: nothing the workspace or $HOME configures runs outside the sandbox.
@Suite(.serialized) struct PlantedCodeTests {
    @Test(arguments: sandboxModes)
    func gitConfigGitconfigPathShadowAndPythonModuleNeverRunOutside(fallback: Bool) throws {
        let f = GuardFixture.withRunnableSpec()
        let outside = TempDirectory(prefix: "rigor-outside")
        let home = TempDirectory(prefix: "rigor-home")
        let store = TempDirectory(prefix: "rigor-store")
        let git = ["git", "-C", f.root]
        _ = try runProcess(git + ["init", "-q"])
        _ = try runProcess(git + ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "init"])
        let evil = outside.write("evil.sh", "#!/bin/sh\necho \"$0 $*\" >> \(outside.path)/marker-$(basename \"$0\")\n")
        chmod(evil, 0o755)
        _ = try runProcess(git + ["config", "core.fsmonitor", evil])
        _ = try runProcess(git + ["config", "alias.diff", "!" + evil])
        _ = home.write(".gitconfig", "[core]\n\tfsmonitor = \(evil)\n\thooksPath = \(outside.path)\n[alias]\n\tls-files = !\(evil)\n")
        for (dir, name) in [(home.path + "/bin", "git"), (home.path + "/bin", "python3"), (f.root + "/bin", "git"), (f.root + "/bin", "nvidia-smi")] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let p = dir + "/" + name
            try "#!/bin/sh\necho ran >> \(outside.path)/marker-shadow-\(name)\nexec /usr/bin/\(name == "nvidia-smi" ? "true" : name) \"$@\"\n".write(toFile: p, atomically: false, encoding: .utf8)
            chmod(p, 0o755)
        }
        _ = f.dir.write("json.py", "open('\(outside.path)/marker-json', 'a').write('x')\n")
        _ = f.dir.write("sitecustomize.py", "open('\(outside.path)/marker-sitecustomize', 'a').write('x')\n")
        var env = guardEnvironment(store: store, fallback: fallback)
        env["HOME"] = home.path
        env["PATH"] = "\(home.path)/bin:\(f.root)/bin:" + (env["PATH"] ?? "/usr/bin:/bin")
        // In the fallback the run itself is not sandboxed, so it runs a program that imports
        // nothing planted; what is checked is that Rigor's own probes (git, Python, nvidia-smi) do not.
        let command = fallback ? ["/usr/bin/python3", "-I", "-c", "pass"] : ["python3", "src/train.py"]
        let r = try runProcess([RepoPaths.rigorBinary, "exec", "--json", "--experiment", f.abs("results/exp-001-x"), "--"] + command,
                               cwd: f.root, environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let markers = (try? FileManager.default.contentsOfDirectory(atPath: outside.path))?.filter { $0.hasPrefix("marker") } ?? []
        #expect(markers.isEmpty, "workspace- or HOME-controlled code ran outside the sandbox: \(markers)")
        // Provenance still has the commit (read from .git as data), and the Python version: from
        // the probe sandbox, or in the fallback from the system interpreter the run used.
        #expect(r.stdout.contains("\"commit\""), "\(r.stdout)")
        #expect(r.stdout.contains("\"implementation\":\"cpython\""), "\(r.stdout.suffix(2000))")
    }
}

/// This process's environment with a private trusted store (and the fallback forced when asked).
func guardEnvironment(store: TempDirectory, fallback: Bool = false) -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    env[TrustedStore.variable] = store.path
    if fallback { env[GuardProbe.forceFallbackVariable] = "1" }
    return env
}

extension GuardFixture {
    /// The bundled example's spec: one `rigor exec` accepts (sections, budget, compute profile).
    static let runnableSpecPath = RepoPaths.root + "/examples/two-spirals/experiments/exp-001-hidden-width.md"
    static let runnableSpec = (try? String(contentsOfFile: runnableSpecPath, encoding: .utf8)) ?? ""

    /// A fixture whose spec is the example's, so `rigor exec` finds and guards it; a test using it
    /// fails when the example spec cannot be read or written into the fixture.
    static func withRunnableSpec() -> GuardFixture {
        let f = GuardFixture()
        if runnableSpec.isEmpty { Issue.record("the example spec \(runnableSpecPath) is missing or empty") }
        do { try runnableSpec.write(toFile: f.spec, atomically: false, encoding: .utf8) } catch {
            Issue.record("cannot write the example spec into the fixture at \(f.spec): \(error)")
        }
        return f
    }
}

/// Class 2 in the fallback: a root child can write Rigor's records; the guard notices and repairs.
@Suite(.serialized) struct FallbackRecordTests {
    @Test func recordsForgedByARootChildAreRestoredOrQuarantined() throws {
        let f = GuardFixture.withRunnableSpec()
        let store = TempDirectory(prefix: "rigor-store")
        let env = guardEnvironment(store: store, fallback: true)
        let exp = f.abs("results/exp-001-x")
        let first = try runProcess([RepoPaths.rigorBinary, "exec", "--experiment", exp, "--", "true"], cwd: f.root, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: exp + "/runs").filter { !$0.hasPrefix(".") }
        let old = try #require(runs.first)
        let ledger = f.read("results/exp-001-x/ledger.jsonl")
        let record = f.read("results/exp-001-x/runs/\(old)/run.json")
        let r = try runProcess([RepoPaths.rigorBinary, "exec", "--experiment", exp, "--", "sh", "-c",
                                "echo '{\"event\":\"run_finished\",\"wall_seconds\":-99}' >> results/exp-001-x/ledger.jsonl; mkdir -p results/exp-001-x/runs/forged; echo '{}' > results/exp-001-x/runs/forged/run.json; echo '{}' > results/exp-001-x/runs/\(old)/run.json"],
                               cwd: f.root, environment: env)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("ledger.jsonl was modified"), "\(r.stderr)")
        #expect(f.read("results/exp-001-x/runs/\(old)/run.json") == record)
        #expect(!FileManager.default.fileExists(atPath: exp + "/runs/forged"))
        let now = try #require(f.read("results/exp-001-x/ledger.jsonl"))
        #expect(now.hasPrefix(ledger ?? "?") && !now.contains("-99"))
    }
}

/// Class 2: a results folder that is itself a symlink is refused, never written through.
@Suite struct SymlinkedResultsFolderTests {
    @Test func aSymlinkedExperimentFolderIsRefused() throws {
        let ws = TempDirectory(prefix: "rigor-link")
        let elsewhere = TempDirectory(prefix: "rigor-elsewhere")
        try FileManager.default.createDirectory(atPath: ws.path + "/results", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: ws.path + "/results/exp-505-link", withDestinationPath: elsewhere.path)
        let r = try runProcess([RepoPaths.rigorBinary, "exec", "--no-guard", "--experiment", "results/exp-505-link", "--", "true"], cwd: ws.path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("symlink"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }
}

/// Denial of service: a FIFO planted where Rigor reads (a record, metrics.json, a protected
/// file) must not hang Rigor; it is reported as not a regular file, or repaired.
@Suite(.serialized) struct PlantedFIFOTests {
    @Test func fifosWhereRigorReadsDoNotHangIt() throws {
        let f = GuardFixture.withRunnableSpec()
        let store = TempDirectory(prefix: "rigor-store")
        let env = guardEnvironment(store: store)
        let exp = f.abs("results/exp-001-x")
        try FileManager.default.createDirectory(atPath: exp, withIntermediateDirectories: true)
        #expect(mkfifo(exp + "/ledger.jsonl", 0o644) == 0)
        let budget = try runProcess([RepoPaths.rigorBinary, "budget", exp], cwd: f.root, environment: env, timeout: 20)
        #expect(!budget.timedOut && budget.status != 0, "\(budget.stderr)")
        #expect(budget.stderr.contains("regular file"), "\(budget.stderr)")
        #expect(mkfifo(exp + "/metrics.json", 0o644) == 0)
        let validate = try runProcess([RepoPaths.rigorBinary, "metrics", "validate", exp + "/metrics.json"], cwd: f.root, environment: env, timeout: 20)
        #expect(!validate.timedOut && validate.status == 2, "\(validate.stderr)")
        // A protected file swapped for a FIFO in the fallback: reported and restored, not a hang.
        unlink(exp + "/ledger.jsonl")
        let fb = guardEnvironment(store: store, fallback: true)
        let r = try runProcess([RepoPaths.rigorBinary, "guard", "exec", f.spec, "--", "sh", "-c", "rm -f RESEARCH_LOG.md && mkfifo RESEARCH_LOG.md"],
                               cwd: f.root, environment: fb, timeout: 30)
        #expect(!r.timedOut && r.status == 3, "\(r.stderr)")
        #expect(f.read("RESEARCH_LOG.md") == "RESEARCH_LOG.md\n")
    }
}

/// Class 1: outside a sandbox Rigor runs system programs only, never one found elsewhere on PATH,
/// even in a root-owned folder that nobody else can write (a root child can make one).
@Suite struct TrustedExecutableTests {
    @Test func onlySystemProgramsAreTrusted() throws {
        #expect(TrustedExecutable.resolve("sh") != nil)
        // git is installed wherever the tests run (scripts/test.sh installs it): it resolves to a system directory.
        let git = try #require(TrustedExecutable.resolve("git"), "git is not installed in a system directory")
        #expect(TrustedExecutable.systemDirectories.contains((git as NSString).deletingLastPathComponent), "\(git)")
        // A root-owned 0755 folder outside the system directories (here, under the build folder).
        let dir = RepoPaths.root + "/.build/rigor-trusted-test-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        chmod(dir, 0o755)
        let fake = dir + "/python3"
        try "#!/bin/sh\nexit 0\n".write(toFile: fake, atomically: false, encoding: .utf8)
        chmod(fake, 0o755)
        #expect(!TrustedExecutable.isTrusted(fake))
        #expect(TrustedExecutable.isTrusted("/bin/sh"))
    }
}

/// SIGTERM while a provenance probe is stuck (a workspace-configured git filter that sleeps, run
/// inside the probe sandbox) ends the probe at once: the run is recorded as interrupted.
@Suite(.serialized) struct InterruptDuringProbeTests {
    @Test(.enabled(if: bubblewrapWorks, "bubblewrap is not usable here"))
    func sigtermEndsAStuckProbe() throws {
        let f = GuardFixture.withRunnableSpec()
        let store = TempDirectory(prefix: "rigor-store")
        let git = ["git", "-C", f.root]
        _ = try runProcess(git + ["init", "-q"])
        _ = try runProcess(git + ["add", "src/train.py"])
        _ = try runProcess(git + ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init"])
        _ = try runProcess(git + ["config", "filter.slow.clean", "sleep 100"])
        _ = f.dir.write(".gitattributes", "*.py filter=slow\n")
        _ = f.dir.write("src/train.py", "print('changed')\n")
        let env = guardEnvironment(store: store)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RepoPaths.rigorBinary)
        process.arguments = ["exec", "--experiment", f.abs("results/exp-001-x"), "--", "true"]
        process.currentDirectoryURL = URL(fileURLWithPath: f.root)
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        sleep(3)
        let sent = Date()
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning && Date().timeIntervalSince(sent) < 20 { usleep(50_000) }
        #expect(!process.isRunning)
        #expect(Date().timeIntervalSince(sent) < 10, "the stuck probe kept Rigor for \(Date().timeIntervalSince(sent)) s")
        #expect(process.terminationStatus == 130)
    }
}
