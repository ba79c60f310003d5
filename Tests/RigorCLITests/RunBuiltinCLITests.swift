import Foundation
import RigorBasics
import RigorTestSupport
import Testing

/// `rigor run --agent builtin` (Rigor's own agent loop) against scripted model servers that
/// speak the real wire protocols: OpenAI Chat Completions and Anthropic Messages, streamed.
/// Each trajectory is a scripted model; each test checks the outcome on disk and in the
/// requests the server received.
@Suite(.serialized)
struct RunBuiltinCLITests {
    typealias T = RunAgentCLITests
    static let experiment = T.experiment
    static let spec = T.spec

    enum Provider: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case openai, anthropic
        var server: String { self == .openai ? ScriptedAnthropicServer.openAIChat : ScriptedAnthropicServer.anthropicMessages }
        var keyVariable: String { self == .openai ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY" }
        var model: String { self == .openai ? "gpt-4.1" : "claude-sonnet-4-5" }
        func baseURL(_ s: ScriptedAnthropicServer) -> String { self == .openai ? s.baseURL + "/v1" : s.baseURL }
        var testDescription: String { rawValue }
    }

    /// A key made for this test process: no file holds it unless Rigor leaked it.
    static let key = "sk-rigor-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()

    static func bash(_ command: String, timeout: Int? = nil) -> [String: Any] {
        var input: [String: Any] = ["command": command]
        if let timeout { input["timeout_seconds"] = timeout }
        return ["name": "bash", "input": input]
    }

    static func server(_ p: Provider, _ turns: [[String: Any]]) throws -> ScriptedAnthropicServer {
        try ScriptedAnthropicServer(turns: T.turns(turns), server: p.server)
    }

    static func run(_ dir: TempDirectory, _ server: ScriptedAnthropicServer, _ p: Provider, _ extra: [String] = [],
                    key: String = RunBuiltinCLITests.key, timeout: TimeInterval = 240) throws -> ProcessResult {
        try rigor(arguments: ["run", spec, "--agent", "builtin", "--provider", p.rawValue, "--model", p.model, "--base-url", p.baseURL(server),
                              "--time-budget", "3m", "--kill-grace", "2"] + extra,
                  cwd: dir.path, environment: [p.keyVariable: key], timeout: timeout)
    }

    /// No record, output or request body holds the key.
    static func expectNoKey(_ dir: TempDirectory, _ result: ProcessResult, _ server: ScriptedAnthropicServer) throws {
        try T.expectNoKey(dir, result, key: key, under: ".")
        let bodies = server.requests().map { (try? JSONSerialization.data(withJSONObject: $0["body"] ?? [:])).map { String(decoding: $0, as: UTF8.self) } ?? "" }
        #expect(!bodies.contains { $0.contains(key) }, "the key reached the model in a message")
    }

    static func mainLoop(_ server: ScriptedAnthropicServer) -> [[String: Any]] {
        server.requests().filter { ($0["main_loop"] as? Bool) ?? true }
    }

    /// Every text the requests carried back to the model (tool results included).
    static func sentText(_ request: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: request["body"] ?? [:])).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    @Test(arguments: Provider.allCases)
    func honestProtocolRunThroughTheBrokerAfterA429AndA500IsValidAndTraced(_ p: Provider) throws {
        let dir = try T.workspace()
        let server = try Self.server(p, [
            ["error": 429, "retry_after": 0], ["error": 500],
            ["text": "Reading the spec.", "tool_use": [["name": "read_file", "input": ["path": Self.spec]]]],
            ["text": "Running the plan.", "tool_use": [Self.bash("rigor protocol run plan.yaml")]],
            ["tool_use": [Self.bash("rigor metrics validate \(Self.experiment)")]],
            ["text": "metrics.json is written and valid."],
        ])
        let r = try Self.run(dir, server, p)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("trace: 55 of 55 numbers traced"), "\(r.stderr)")
        let summary = try #require(T.json(dir, Self.experiment + "/rigor/summary.json"))
        #expect(summary["outcome"] as? String == "complete" && summary["agent"] as? String == "builtin" && summary["provider"] as? String == p.rawValue)
        #expect(summary["runs_launched"] as? Int == 9 && summary["agent_turns"] as? Int == 4 && summary["tool_calls"] as? Int == 3)
        #expect((summary["tokens"] as? [String: Any])?["input_tokens"] as? Int ?? 0 > 0)
        let entries = T.transcript(dir)
        let kinds = entries.compactMap { $0["type"] as? String }
        #expect(kinds.filter { $0 == "api_retry" }.count == 2 && kinds.contains("brokered_run") && kinds.filter { $0 == "usage" }.count == 4)
        let statuses = entries.filter { $0["type"] as? String == "api_retry" }.compactMap { $0["status"] as? Int }
        #expect(statuses == [429, 500])
        let config = try #require(T.json(dir, Self.experiment + "/config.json"))
        let provenance = try #require(config["rigor_run"] as? [String: Any])
        #expect(provenance["agent"] as? String == "builtin" && provenance["model"] as? String == p.model && provenance["provider"] as? String == p.rawValue)
        // Rigor's prompt is the system prompt; the spec was read; every tool is declared with a schema.
        let last = try #require(Self.mainLoop(server).last)
        let text = Self.sentText(last)
        #expect(text.contains("rigor protocol run") && text.contains("Hidden-layer width"), "the prompt and the spec reached the model")
        let body = try #require(last["body"] as? [String: Any])
        let tools = try #require(body["tools"] as? [[String: Any]])
        #expect(tools.count == 8)
        if p == .anthropic { #expect(body["system"] is String && (body["max_tokens"] as? Int ?? 0) > 0) }
        else { #expect((body["messages"] as? [[String: Any]])?.first?["role"] as? String == "system") }
        try Self.expectNoKey(dir, r, server)
    }

    @Test(arguments: Provider.allCases)
    func execRunsAndASelfWrittenMetricsFileAreValidAndTraced(_ p: Provider) throws {
        let dir = try T.workspace()
        let source = try String(contentsOfFile: T.writer, encoding: .utf8)
        let execs = T.execRuns.map { turn -> [String: Any] in
            let command = (((turn["tool_use"] as? [[String: Any]])?.first?["input"] as? [String: Any])?["command"] as? String) ?? ""
            return ["tool_use": [Self.bash(command)]]
        }
        let server = try Self.server(p, execs + [
            ["tool_use": [["name": "write_file", "input": ["path": "scripts/write_metrics.py", "content": source]]]],
            ["tool_use": [Self.bash("python3 scripts/write_metrics.py")]],
            ["tool_use": [["name": "finish", "input": ["summary": "Two runs; metrics.json written."]]]],
        ])
        let r = try Self.run(dir, server, p)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("trace: 19 of 19 numbers traced"), "\(r.stderr)")
        let summary = try #require(T.json(dir, Self.experiment + "/rigor/summary.json"))
        #expect(summary["metrics_written_by"] as? String == "agent" && summary["runs_launched"] as? Int == 2)
        #expect(T.transcript(dir).last(where: { $0["type"] as? String == "end" })?["stop_reason"] as? String == "finish")
    }

    @Test(arguments: Provider.allCases)
    func anInventedNumberIsUntracedAndAnInterpretiveNoteIsReported(_ p: Provider) throws {
        let dir = try T.workspace()
        let source = try String(contentsOfFile: T.writer, encoding: .utf8)
        let server = try Self.server(p, [
            ["tool_use": [Self.bash("rigor exec --experiment \(Self.experiment) --seed 0 --arm hidden4 -- python3 scripts/train.py --hidden 4 --seed 0 --epochs 100")]],
            ["tool_use": [Self.bash("rigor exec --experiment \(Self.experiment) --seed 0 --arm hidden32 -- python3 scripts/train.py --hidden 32 --seed 0 --epochs 100")]],
            ["tool_use": [["name": "write_file", "input": ["path": "scripts/write_metrics.py", "content": source]]]],
            ["tool_use": [Self.bash("python3 scripts/write_metrics.py --invent --interpret")]],
            ["text": "Done."],
        ])
        let r = try Self.run(dir, server, p, ["--require-trace"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("untraced: /baseline/val_accuracy") && r.stderr.contains("interpretive-language"), "\(r.stderr)")
        #expect(T.json(dir, Self.experiment + "/metrics.json")?["notes"] as? String == "This proves that wider networks are clearly better.", "never rewritten")
    }

    @Test(arguments: Provider.allCases)
    func aModelThatStopsWithoutMetricsGetsRigorsAbortMetrics(_ p: Provider) throws {
        let dir = try T.workspace()
        let server = try Self.server(p, [
            ["tool_use": [Self.bash("rigor exec --experiment \(Self.experiment) --seed 0 --arm hidden4 -- python3 scripts/train.py --hidden 4 --seed 0 --epochs 100")]],
            ["text": "I stop here."],
        ])
        let r = try Self.run(dir, server, p)
        #expect(r.status == 1, "\(r.stderr)")
        let metrics = try #require(T.json(dir, Self.experiment + "/metrics.json"))
        #expect(metrics["abort_triggered"] as? Bool == true)
        #expect(metrics["abort_reason"] as? String == "the agent exited (status 0) without writing metrics.json")
        #expect((metrics["per_seed"] as? [[String: Any]])?.count == 1)
    }

    @Test(arguments: Provider.allCases)
    func tamperingIsRefusedByThePolicyOrTheKernelAndNothingChanges(_ p: Provider) throws {
        let dir = try T.workspace()
        let specBefore = try #require(dir.read(Self.spec))
        let logBefore = dir.read("RESEARCH_LOG.md")
        let outside = TempDirectory(prefix: "rigor-outside")
        outside.write("secret.txt", "OUTSIDE-7731")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/outside-link", withDestinationPath: outside.path + "/secret.txt")
        let server = try Self.server(p, [
            ["tool_use": [["name": "write_file", "input": ["path": Self.spec, "content": "# rewritten\n"]]]],
            ["tool_use": [["name": "edit_file", "input": ["path": dir.path + "/" + Self.spec, "old_string": "Hypothesis", "new_string": "Conclusion"]]]],
            ["tool_use": [["name": "write_file", "input": ["path": "results/../experiments/new-spec.md", "content": "x"]]]],
            ["tool_use": [["name": "write_file", "input": ["path": Self.experiment + "/runs/forged-run.json", "content": "{}"]]]],
            ["tool_use": [["name": "read_file", "input": ["path": "outside-link"]]]],
            ["tool_use": [["name": "read_file", "input": ["path": "/proc/self/environ"]]]],
            ["tool_use": [Self.bash("chmod u+w \(Self.spec)")]],
            ["tool_use": [Self.bash("python3 -c \"open('RESEARCH_LOG.md', 'a').write('wider is better')\"")]],
            ["tool_use": [Self.bash("echo '{\"event\": \"forged\"}' >> \(Self.experiment)/ledger.jsonl")]],
            ["tool_use": [Self.bash("rigor exec --no-guard --experiment \(Self.experiment) -- python3 -c pass")]],
            ["text": "I tried."],
        ])
        let r = try Self.run(dir, server, p)
        #expect(r.status == 1, "no metrics.json; nothing got through: \(r.stderr)")
        #expect(dir.read(Self.spec) == specBefore)
        #expect(dir.read("RESEARCH_LOG.md") == logBefore)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/experiments/new-spec.md"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/" + Self.experiment + "/runs/forged-run.json"))
        #expect(!(dir.read(Self.experiment + "/ledger.jsonl") ?? "").contains("forged"))
        let entries = T.transcript(dir)
        let blocked = entries.filter { $0["type"] as? String == "blocked" }
        #expect(Set(blocked.compactMap { $0["name"] as? String }).isSuperset(of: ["write_file", "edit_file", "read_file", "bash"]), "\(blocked)")
        #expect(blocked.count >= 8, "\(blocked)")
        let results = entries.filter { $0["type"] as? String == "tool_result" }.compactMap { $0["content"] as? String }
        #expect(results.contains { $0.contains("outside the workspace") })
        #expect(results.contains { $0.contains("--no-guard is not available to the agent") }, "\(results)")
        #expect(!results.contains { $0.contains("OUTSIDE-7731") }, "a link out of the workspace was followed")
        #expect(T.json(dir, Self.experiment + "/rigor/summary.json")?["blocked_calls"] as? Int == blocked.count)
    }

    @Test(arguments: Provider.allCases)
    func aHangIsStoppedAtTheTimeBudgetWithNoProcessLeft(_ p: Provider) throws {
        let dir = try T.workspace()
        let marker = "rigor-hang-\(UUID().uuidString.prefix(8))"
        let server = try Self.server(p, [
            ["tool_use": [Self.bash("rigor exec --experiment \(Self.experiment) --kind evaluation -- python3 -c \"import time; time.sleep(3600)\" \(marker) & sleep 3600", timeout: 3600)]],
            ["text": "unreachable"],
        ])
        let r = try Self.run(dir, server, p, ["--time-budget", "20s"], timeout: 120)
        try T.expectStoppedAtTheBudget(dir, r, seconds: 20, marker: marker)
    }

    @Test func aModelThatStallsMidStreamIsStoppedAtTheTimeBudget() throws {
        let dir = try T.workspace()
        let server = try Self.server(.openai, [["tool_use": [Self.bash("echo first")]], ["stall": 3600]])
        let started = Date()
        let r = try Self.run(dir, server, .openai, ["--time-budget", "12s"], timeout: 90)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 40, "the request in flight was cancelled at the budget")
        let metrics = try #require(T.json(dir, Self.experiment + "/metrics.json"))
        #expect((metrics["abort_reason"] as? String ?? "").hasPrefix("wall-clock time budget of 12 s reached"), "\(metrics)")
    }

    @Test(arguments: Provider.allCases)
    func malformedArgumentsAndACutStreamAreAnsweredAndTheSessionGoesOn(_ p: Provider) throws {
        let dir = try T.workspace()
        let server = try Self.server(p, [
            ["tool_use": [["name": "bash", "raw": "{\"command\": \"echo unterminated"]]],
            ["tool_use": [["name": "read_file", "input": ["offset": 3]]]],
            ["tool_use": [["name": "no_such_tool", "input": [:] as [String: Any]]]],
            ["cut": true],
            ["tool_use": [Self.bash("echo after-the-cut")]],
            ["text": "Stopping."],
        ])
        let r = try Self.run(dir, server, p)
        #expect(r.status == 1, "no metrics: \(r.stderr)")
        let results = T.transcript(dir).filter { $0["type"] as? String == "tool_result" }
        let contents = results.compactMap { $0["content"] as? String }
        #expect(contents.count == 4, "\(contents)")
        #expect(contents.first?.contains("not valid JSON") == true && results.first?["is_error"] as? Bool == true)
        #expect(contents.dropFirst().first?.contains("missing required field 'path'") == true)
        #expect(contents.dropFirst(2).first?.contains("no tool named 'no_such_tool'") == true)
        #expect(contents.last?.hasPrefix("after-the-cut") == true)
        #expect(T.transcript(dir).contains { $0["type"] as? String == "api_retry" && ($0["error"] as? String ?? "").contains("the stream ended") }, "the cut stream was retried")
        // The model got each error back as the result of its call.
        let sent = Self.mainLoop(server).dropFirst().first.map(Self.sentText) ?? ""
        #expect(sent.contains("not valid JSON"))
    }

    @Test(arguments: Provider.allCases)
    func a401StopsWithOneClearLineAndExit2AndNoKeyAnywhere(_ p: Provider) throws {
        let dir = try T.workspace()
        let server = try Self.server(p, [["error": 401]])
        let r = try Self.run(dir, server, p)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.errorLines.filter { !$0.hasPrefix("rigor run:") && !$0.contains("not on PATH") } == [
            "rigor: \(p.rawValue) (model \(p.model)): HTTP 401: scripted 401",
            "rigor: refused (exit 2): nothing ran; the next rigor run starts again (these records move to rigor/attempt-N); records in \(dir.path)/\(Self.experiment)/rigor"], "\(r.stderr)")
        #expect(Self.mainLoop(server).count == 1, "a 401 is not retried")
        let summary = try #require(T.json(dir, Self.experiment + "/rigor/summary.json"))
        #expect(summary["outcome"] as? String == "refused")
        try Self.expectNoKey(dir, r, server)
        // Nothing ran: the next rigor run starts again.
        let server2 = try Self.server(p, [["text": "Stopping."]])
        let again = try Self.run(dir, server2, p)
        #expect(again.status == 1 && FileManager.default.fileExists(atPath: dir.path + "/" + Self.experiment + "/rigor/attempt-1"), "\(again.stderr)")
    }

    @Test(arguments: Provider.allCases)
    func aContextThatOverflowsTheWindowShortensOldToolOutputAndGoesOn(_ p: Provider) throws {
        let dir = try T.workspace()
        let big = "python3 -c \"print('\\n'.join('line %d of a long tool output' % i for i in range(400)))\""
        let server = try Self.server(p, [
            ["tool_use": [Self.bash(big)]], ["tool_use": [Self.bash(big)]], ["tool_use": [Self.bash(big)]],
            ["tool_use": [Self.bash("echo still-going")]],
            ["text": "Stopping."],
        ])
        let r = try Self.run(dir, server, p, ["--context-window", "6000"])
        #expect(r.status == 1, "no metrics: \(r.stderr)")
        let notes = T.transcript(dir).filter { $0["type"] as? String == "note" }.compactMap { $0["text"] as? String }
        #expect(notes.contains { $0.hasPrefix("context:") && $0.contains("shortened") }, "\(notes)")
        let requests = Self.mainLoop(server)
        #expect(requests.count == 5)
        let last = Self.sentText(requests.last ?? [:])
        #expect(last.contains("bytes of this old output were removed") && last.contains("still-going"))
        #expect(last.contains("exp-001-hidden-width.md") && last.contains("metrics.json"), "the system prompt is kept whole")
        #expect(last.utf8.count / 4 < 6000, "the last request fits the window: \(last.utf8.count) bytes")
    }

    @Test func theKeyIsNeverVisibleToACommandTheModelRuns() throws {
        let dir = try T.workspace()
        let p = Provider.openai
        // The pattern names the key without matching itself; every place a command can look.
        let pattern = "sk-rigo[r]-" + Self.key.dropFirst("sk-rigor-".count).prefix(12)
        let probe = """
        env; for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do tr '\\0' '\\n' < $f 2>/dev/null; done; \
        grep -rsIl -E '\(pattern)' /proc/[0-9]*/environ /tmp "$HOME" "$PWD" /etc /run /var/tmp 2>/dev/null; \
        grep -rsl --binary-files=text -E '\(pattern)' "$HOME" /tmp 2>/dev/null; echo scan-done
        """
        let server = try Self.server(p, [["tool_use": [Self.bash(probe)]], ["text": "Stopping."]])
        let r = try Self.run(dir, server, p, [], key: Self.key)
        #expect(r.status == 1, "\(r.stderr)")
        let result = try #require(T.transcript(dir).first { $0["type"] as? String == "tool_result" }?["content"] as? String)
        #expect(result.contains("scan-done") && result.contains("RIGOR_BROKER_SOCKET"), "the probe ran: \(result.prefix(500))")
        #expect(!result.contains(Self.key) && !result.contains("[redacted]"), "the key was visible inside the sandbox")
        #expect(!result.contains(p.keyVariable + "="))
        try Self.expectNoKey(dir, r, server)
    }

    @Test func dryRunPrintsTheResolvedConfigurationWithTheKeyMasked() throws {
        let dir = try T.workspace()
        dir.write("rigor.yaml", "agent: builtin\nprovider: anthropic\nmodel: claude-sonnet-4-5\nmax_turns: 40\napi_key_env: MY_LLM\n")
        let r = try rigor(arguments: ["run", Self.spec, "--dry-run", "--base-url", "https://llm.example.org/"], cwd: dir.path,
                          environment: ["MY_LLM": Self.key])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("agent: builtin (rigor.yaml)") && r.stdout.contains("provider: anthropic (rigor.yaml)"), "\(r.stdout)")
        #expect(r.stdout.contains("base_url: https://llm.example.org/ (flag)") && r.stdout.contains("api_key_env: MY_LLM (rigor.yaml)"), "\(r.stdout)")
        #expect(r.stdout.contains("api_key: ******** (set, \(Self.key.count) characters)") && r.stdout.contains("context_window: 200000 tokens (known for this model)"), "\(r.stdout)")
        #expect(r.stdout.contains("max_turns: 40 (rigor.yaml)"), "\(r.stdout)")
        #expect(!r.stdout.contains(Self.key) && !r.stderr.contains(Self.key))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/" + Self.experiment + "/rigor"), "a dry run writes nothing")
        // Bad configuration: one line, exit 2.
        dir.write("rigor.yaml", "agent: builtin\n")
        let noKey = try rigor(arguments: ["run", Self.spec, "--agent", "builtin", "--model", "gpt-4.1"], cwd: dir.path, environment: ["OPENAI_API_KEY": ""])
        #expect(noKey.status == 2 && noKey.errorLines == ["rigor: no API key: OPENAI_API_KEY is not set in the environment; export the key there (or name another variable with --api-key-env) — a local server (localhost, 127.0.0.1) needs none"], "\(noKey.stderr)")
        let v1 = try rigor(arguments: ["run", Self.spec, "--agent", "builtin", "--provider", "anthropic", "--model", "m", "--base-url", "https://api.anthropic.com/v1", "--dry-run"], cwd: dir.path, environment: ["MY_LLM": "k"])
        #expect(v1.status == 2 && v1.stderr.contains("without /v1"), "\(v1.stderr)")
        let noModel = try rigor(arguments: ["run", Self.spec, "--provider", "openai", "--dry-run"], cwd: dir.path)
        #expect(noModel.status == 2 && noModel.stderr.contains("--agent builtin needs a model"), "\(noModel.stderr)")
        dir.write("rigor.yaml", "agent: builtin\ncontext_window: lots\n")
        let bad = try rigor(arguments: ["run", Self.spec, "--dry-run"], cwd: dir.path)
        #expect(bad.status == 2 && bad.stderr.contains("rigor.yaml:2: context_window 'lots'"), "\(bad.stderr)")
    }
}
