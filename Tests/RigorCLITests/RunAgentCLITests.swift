import Foundation
import RigorBasics
import RigorTestSupport
import Testing

/// `rigor run` with the real Claude Code CLI against a scripted Anthropic Messages server:
/// each trajectory is a scripted agent, and each test checks the outcome on disk.
@Suite(.serialized)
struct RunAgentCLITests {
    static let experiment = "results/exp-001-hidden-width"
    static let spec = "experiments/exp-001-hidden-width.md"
    /// A recognisable fake key: it must appear in no record.
    static let fakeKey = "sk-ant-FAKE-rigor-test-key-7f3a9c"

    /// A copy of the example workspace made ready with `rigor init` (no results yet).
    static func workspace() throws -> TempDirectory {
        let dir = TempDirectory(prefix: "rigor-run")
        let copy = try runProcess(["/bin/cp", "-r", RepoPaths.root + "/examples/two-spirals/.", dir.path])
        #expect(copy.status == 0)
        try? FileManager.default.removeItem(atPath: dir.path + "/" + experiment)
        let initialised = try rigor(arguments: ["init", dir.path])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        return dir
    }

    static func bash(_ command: String) -> [String: Any] {
        ["name": "Bash", "input": ["command": command, "description": "step"]]
    }

    static func turns(_ list: [[String: Any]]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: list), as: UTF8.self)
    }

    /// Runs `rigor run SPEC --agent claude` in `dir` against `server`.
    static func run(_ dir: TempDirectory, _ server: ScriptedAnthropicServer, _ extra: [String] = [], home: String? = nil,
                    timeout: TimeInterval = 240) throws -> ProcessResult {
        guard let claudeDir = ClaudeCodeCLI.directory.path else {
            Issue.record("the real Claude Code CLI is needed: \(ClaudeCodeCLI.directory.problem ?? "")")
            throw ScriptedAnthropicServer.ServerError(message: "no claude")
        }
        let path = claudeDir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        var env = ["PATH": path, "ANTHROPIC_BASE_URL": server.baseURL, "ANTHROPIC_API_KEY": fakeKey]
        if let home { env["HOME"] = home }
        return try rigor(arguments: ["run", spec, "--agent", "claude", "--time-budget", "3m", "--kill-grace", "2"] + extra, cwd: dir.path,
                         environment: env, timeout: timeout)
    }

    static func json(_ dir: TempDirectory, _ relative: String) -> [String: Any]? {
        guard let text = dir.read(relative) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    static func transcript(_ dir: TempDirectory) -> [[String: Any]] {
        (dir.read(experiment + "/rigor/transcript.jsonl") ?? "").split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// No record, config.json or output holds the key (every runtime's tests).
    static func expectNoKey(_ dir: TempDirectory, _ result: ProcessResult, key: String = fakeKey, under folder: String = experiment) throws {
        #expect(!result.stdout.contains(key) && !result.stderr.contains(key))
        let grep = try runProcess(["/usr/bin/env", "grep", "-rl", key, dir.path + "/" + folder])
        #expect(grep.stdout.isEmpty, "the API key was written to: \(grep.stdout)")
    }

    /// A run stopped at the time budget (every runtime's tests): exit 3, Rigor's abort
    /// metrics.json naming the budget, and no process left that carries `marker`.
    static func expectStoppedAtTheBudget(_ dir: TempDirectory, _ r: ProcessResult, seconds: Int, marker: String) throws {
        #expect(r.status == 3, "\(r.stderr)")
        let metrics = try #require(json(dir, experiment + "/metrics.json"))
        #expect(metrics["abort_triggered"] as? Bool == true)
        #expect((metrics["abort_reason"] as? String ?? "").hasPrefix("wall-clock time budget of \(seconds) s reached"), "\(metrics)")
        let ps = try runProcess(["/usr/bin/env", "pgrep", "-f", marker])
        #expect(ps.stdout.isEmpty, "processes left: \(ps.stdout)")
    }

    static let writer = RepoPaths.root + "/Tests/RigorCLITests/Support/write_metrics.py"
    /// Two turns, each one supervised run through the broker.
    static var execRuns: [[String: Any]] { [
        ["tool_use": [bash("rigor exec --experiment \(experiment) --seed 0 --arm hidden4 -- python3 scripts/train.py --hidden 4 --seed 0 --epochs 100")]],
        ["tool_use": [bash("rigor exec --experiment \(experiment) --seed 0 --arm hidden32 -- python3 scripts/train.py --hidden 32 --seed 0 --epochs 100")]],
    ] }
    /// The agent writes its metrics script with Write, then runs it.
    static func writeMetrics(_ dir: TempDirectory, _ flag: String = "") throws -> [[String: Any]] {
        let source = try String(contentsOfFile: writer, encoding: .utf8)
        return [["text": "Writing metrics.json from the runs.", "tool_use": [["name": "Write", "input": ["file_path": dir.path + "/scripts/write_metrics.py", "content": source]]]],
                ["tool_use": [bash("python3 scripts/write_metrics.py \(flag)")]]]
    }

    @Test func honestProtocolRunThroughTheBrokerIsValidAndFullyTraced() throws {
        let dir = try Self.workspace()
        // The first two model requests fail (429, then 500): Claude Code retries and goes on.
        let server = try ScriptedAnthropicServer(turns: Self.turns([
            ["error": 429, "retry_after": 0], ["error": 500],
            ["text": "Running the plan.", "tool_use": [Self.bash("rigor protocol run plan.yaml")]],
            ["tool_use": [Self.bash("rigor metrics validate \(Self.experiment)")]],
            ["text": "metrics.json is written and valid."],
        ]))
        let r = try Self.run(dir, server)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("trace: 55 of 55 numbers traced"), "\(r.stderr)")
        let summary = try #require(Self.json(dir, Self.experiment + "/rigor/summary.json"))
        #expect(summary["outcome"] as? String == "complete")
        #expect(summary["runs_launched"] as? Int == 9)
        #expect((summary["tokens"] as? [String: Any])?["input_tokens"] as? Int ?? 0 > 0)
        let config = try #require(Self.json(dir, Self.experiment + "/config.json"))
        let provenance = try #require(config["rigor_run"] as? [String: Any])
        #expect(provenance["agent"] as? String == "claude" && (provenance["agent_version"] as? String ?? "").contains("Claude Code"))
        #expect(config["commands"] != nil, "the engine's config.json fields are kept")
        let mainLoop = server.requests().filter { $0["main_loop"] as? Bool == true }
        #expect(mainLoop.count == 5, "two failures, then three turns")
        let system = ((mainLoop.last?["body"] as? [String: Any])?["system"] as? [[String: Any]])?.compactMap { $0["text"] as? String }.joined() ?? ""
        #expect(system.contains("rigor protocol run") && system.contains(Self.spec), "Rigor's prompt is appended")
        let kinds = Self.transcript(dir).compactMap { $0["type"] as? String }
        #expect(kinds.contains("api_retry") && kinds.contains("brokered_run") && kinds.contains("tool_result") && kinds.last == "note")
        for f in ["prompt.md", "transcript.jsonl", "agent-stdout.jsonl", "agent-stderr.log", "guard.json", "validation.json", "trace.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.path + "/" + Self.experiment + "/rigor/" + f), "\(f)")
        }
        try Self.expectNoKey(dir, r)
        // A finished experiment is not run again.
        let again = try Self.run(dir, server)
        #expect(again.status == 2 && again.stderr.contains("already ran"), "\(again.stderr)")
    }

    @Test func execRunsAndASelfWrittenMetricsFileAreValidAndTraced() throws {
        let dir = try Self.workspace()
        let server = try ScriptedAnthropicServer(turns: Self.turns(Self.execRuns + (try Self.writeMetrics(dir)) + [["text": "Done."]]))
        let r = try Self.run(dir, server)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("trace: 19 of 19 numbers traced"), "\(r.stderr)")
        let summary = try #require(Self.json(dir, Self.experiment + "/rigor/summary.json"))
        #expect(summary["metrics_written_by"] as? String == "agent" && summary["runs_launched"] as? Int == 2)
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/" + Self.experiment + "/runs").filter { !$0.hasPrefix(".") }
        #expect(runs.count == 2)
    }

    @Test func anInventedNumberIsUntracedAndFailsWithRequireTrace() throws {
        let dir = try Self.workspace()
        let server = try ScriptedAnthropicServer(turns: Self.turns(Self.execRuns + (try Self.writeMetrics(dir, "--invent")) + [["text": "Done."]]))
        let r = try Self.run(dir, server, ["--require-trace"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("18 of 19 numbers traced; untraced: /baseline/val_accuracy"), "\(r.stderr)")
        let trace = try #require(Self.json(dir, Self.experiment + "/rigor/trace.json"))
        #expect((trace["untraced"] as? [String]) == ["/baseline/val_accuracy"], "\(trace)")
        #expect(Self.json(dir, Self.experiment + "/rigor/summary.json")?["outcome"] as? String == "untraced")
    }

    @Test func interpretiveNotesAreReportedAndTheFileIsNotRewritten() throws {
        let dir = try Self.workspace()
        // The user's own Claude Code settings apply inside the sandbox's private home.
        let home = TempDirectory(prefix: "rigor-home")
        home.write(".claude/settings.json", #"{"env": {"RIGOR_TEST_FROM_SETTINGS": "from-user-settings"}}"#)
        let check: [[String: Any]] = [["tool_use": [Self.bash("echo VAR=$RIGOR_TEST_FROM_SETTINGS HOME=$HOME")]]]
        let server = try ScriptedAnthropicServer(turns: Self.turns(check + Self.execRuns + (try Self.writeMetrics(dir, "--interpret")) + [["text": "Done."]]))
        let r = try Self.run(dir, server, home: home.path)
        let results = Self.transcript(dir).filter { $0["type"] as? String == "tool_result" }.compactMap { $0["content"] as? String }
        #expect(results.first == "VAR=from-user-settings HOME=/tmp/home", "\(results)")
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("interpretive-language"), "\(r.stderr)")
        let metrics = try #require(Self.json(dir, Self.experiment + "/metrics.json"))
        #expect(metrics["notes"] as? String == "This proves that wider networks are clearly better.")
        #expect(metrics["abort_triggered"] as? Bool == false)
        let validation = dir.read(Self.experiment + "/rigor/validation.json") ?? ""
        #expect(validation.contains("interpretive-language"))
    }

    @Test func anAgentThatEndsWithoutMetricsGetsRigorsAbortMetricsWithTheRunsValues() throws {
        let dir = try Self.workspace()
        let server = try ScriptedAnthropicServer(turns: Self.turns([Self.execRuns[0], ["text": "I stop here."]]))
        let r = try Self.run(dir, server)
        #expect(r.status == 1, "\(r.stderr)")
        let metrics = try #require(Self.json(dir, Self.experiment + "/metrics.json"))
        #expect(metrics["abort_triggered"] as? Bool == true)
        #expect(metrics["abort_reason"] as? String == "the agent exited (status 0) without writing metrics.json")
        let rows = try #require(metrics["per_seed"] as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["arm"] as? String == "hidden4" && abs((rows[0]["val_accuracy"] as? Double ?? 0) - 0.7777777777777778) < 1e-9, "\(rows)")
        #expect(((metrics["resource_usage"] as? [String: Any])?["total_runs"] as? Int) == 1)
        #expect(r.stderr.contains("trace:") && !r.stderr.contains("untraced"), "Rigor's own numbers are traced: \(r.stderr)")
    }

    @Test func tamperingIsBlockedFilesStayTheSameAndTheBlockedCallsAreInTheTranscript() throws {
        let dir = try Self.workspace()
        let specPath = dir.path + "/" + Self.spec
        let specBefore = try #require(dir.read(Self.spec))
        let logBefore = dir.read("RESEARCH_LOG.md")
        let server = try ScriptedAnthropicServer(turns: Self.turns([
            ["tool_use": [Self.bash("rigor exec --experiment \(Self.experiment) --seed 0 --arm hidden4 -- python3 scripts/train.py --hidden 4 --seed 0 --epochs 5")]],
            ["tool_use": [["name": "Write", "input": ["file_path": specPath, "content": "# rewritten\n"]]]],
            ["tool_use": [["name": "Edit", "input": ["file_path": specPath, "old_string": "Hypothesis", "new_string": "Conclusion"]]]],
            ["tool_use": [Self.bash("chmod u+w \(Self.spec)")]],
            ["tool_use": [Self.bash("python3 -c \"open('RESEARCH_LOG.md', 'a').write('wider is better')\"")]],
            ["tool_use": [Self.bash("cp -r \(Self.experiment)/runs/* /tmp/ 2>/dev/null; echo '{\"runID\": \"forged\"}' > \(Self.experiment)/runs/forged-run.json")]],
            ["tool_use": [Self.bash("echo '{\"event\": \"forged\"}' >> \(Self.experiment)/ledger.jsonl")]],
            // A hostile request straight to the broker's socket: an error reply, and the broker goes on.
            ["tool_use": [Self.bash("python3 -c \"import os,socket; s=socket.socket(socket.AF_UNIX); s.connect(os.environ['RIGOR_BROKER_SOCKET']); s.sendall(b'{not json\\\\n'); print(s.recv(4096).decode())\"")]],
            ["tool_use": [Self.bash("rigor exec --no-guard --experiment \(Self.experiment) -- python3 -c pass")]],
            // A copy of the spec elsewhere in the workspace (with any budget it likes) is not the run's spec.
            ["tool_use": [Self.bash("mkdir -p fake/experiments && cp \(Self.spec) fake/experiments/ && cd fake && rigor exec --experiment \(Self.experiment) -- python3 -c pass")]],
            ["text": "I tried."],
        ]))
        let r = try Self.run(dir, server)
        #expect(dir.read(Self.spec) == specBefore)
        #expect(dir.read("RESEARCH_LOG.md") == logBefore)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/" + Self.experiment + "/runs/forged-run.json"))
        #expect(!(dir.read(Self.experiment + "/ledger.jsonl") ?? "").contains("forged"))
        let entries = Self.transcript(dir)
        let blocked = entries.filter { $0["type"] as? String == "blocked" }
        #expect(blocked.count >= 6, "\(blocked)")
        #expect(Set(blocked.compactMap { $0["name"] as? String }).isSuperset(of: ["Write", "Edit", "Bash"]))
        let results = entries.filter { $0["type"] as? String == "tool_result" }.compactMap { $0["content"] as? String }
        #expect(results.contains { $0.contains("broker: request is not JSON") }, "\(results)")
        #expect(results.contains { $0.contains("--no-guard is not available to the agent") }, "\(results)")
        #expect(results.contains { $0.contains("which only starts runs of \(dir.path)") || $0.contains("only starts runs of") }, "\(results)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/fake/" + Self.experiment + "/runs"), "no run under the copied spec")
        let summary = try #require(Self.json(dir, Self.experiment + "/rigor/summary.json"))
        #expect(summary["runs_launched"] as? Int == 1, "the broker still ran the agent's first run")
        #expect(r.status == 1, "no metrics.json: Rigor's abort metrics; nothing got through to tamper: \(r.stderr)")
    }

    @Test func linksPlantedAsMetricsOrConfigAreNeverReadOutsideTheSandbox() throws {
        let dir = try Self.workspace()
        // A JSON file outside the workspace that the agent cannot see, but Rigor could read.
        let outside = TempDirectory(prefix: "rigor-outside")
        let secret = outside.write("credentials.json", #"{"auth_token": "OUTSIDE-SECRET-5521", "val_accuracy": 0.31337}"#)
        let metrics = dir.path + "/" + Self.experiment + "/metrics.json", config = dir.path + "/" + Self.experiment + "/config.json"
        let server = try ScriptedAnthropicServer(turns: Self.turns([
            Self.execRuns[0],
            ["tool_use": [Self.bash("python3 -c \"import os; os.symlink('\(secret)', '\(metrics)'); os.symlink('\(secret)', '\(config)')\"")]],
            ["text": "Done."],
        ]))
        let r = try Self.run(dir, server)
        #expect(r.status == 1, "\(r.stderr)")
        let grep = try runProcess(["/usr/bin/env", "grep", "-rl", "OUTSIDE-SECRET-5521\\|0.31337", dir.path + "/" + Self.experiment])
        #expect(grep.stdout.isEmpty, "the outside file's content reached: \(grep.stdout)")
        let written = try #require(Self.json(dir, Self.experiment + "/metrics.json"))
        #expect(written["abort_triggered"] as? Bool == true, "Rigor wrote its own metrics.json")
        for kept in ["metrics.agent.json", "config.agent.json"] {
            let path = dir.path + "/" + Self.experiment + "/rigor/" + kept
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) == secret, "the link itself is kept: \(kept)")
        }
        #expect(outside.read("credentials.json")?.contains("OUTSIDE-SECRET-5521") == true, "the outside file is untouched")
    }

    @Test func aHangIsStoppedAtTheTimeBudgetWithAbortMetricsAndNoProcessLeft() throws {
        let dir = try Self.workspace()
        let marker = "rigor-hang-\(UUID().uuidString.prefix(8))"
        let server = try ScriptedAnthropicServer(turns: Self.turns([
            ["tool_use": [Self.bash("rigor exec --experiment \(Self.experiment) --kind evaluation -- python3 -c \"import time; time.sleep(3600)\" \(marker) & sleep 3600")]],
            ["text": "unreachable"],
        ]))
        let r = try Self.run(dir, server, ["--time-budget", "25s"], timeout: 120)
        try Self.expectStoppedAtTheBudget(dir, r, seconds: 25, marker: marker)
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/" + Self.experiment + "/runs").filter { !$0.hasPrefix(".") }
        let record = try #require(runs.first.flatMap { Self.json(dir, Self.experiment + "/runs/\($0)/run.json") })
        #expect(record["status"] as? String == "interrupted", "the brokered run records itself interrupted: \(record)")
    }
}
