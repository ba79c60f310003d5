import ArgumentParser
import Foundation
import RigorAgent
import RigorBasics
import RigorGuard

/// `rigor run SPEC`: the RUN phase end to end (docs/run.md).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the RUN phase of one experiment: an agent (Claude Code, Codex or Rigor's own) inside the guard, runs brokered by Rigor, then verification and the trace.",
        discussion: """
        Example: rigor run experiments/exp-001-hidden-width.md --agent none --plan plan.yaml
        Example: rigor run experiments/exp-001-hidden-width.md --agent builtin --provider openai --base-url http://localhost:8000/v1 --model qwen2.5-coder --dry-run
        Records go to results/<exp>/rigor/ (prompt.md, transcript.jsonl, agent output, guard.json, validation.json, trace.json, summary.json).
        Exit status: 0 metrics.json valid and complete; 1 metrics.json violates the contract (or the agent wrote none, or \
        a number is untraced with --require-trace); 2 bad spec, flags, configuration or plan, the model API refused or failed (builtin, codex), or the experiment already ran; \
        3 aborted (a gate, an abort criterion, the time budget); 4 another rigor run holds the experiment; \
        5 protected files were changed (restored); 130 interrupted.
        """)

    @Argument(help: "The experiment spec (experiments/exp-NNN-x.md).") var spec: String
    @Option(help: "claude, codex, builtin or none (default: agent in rigor.yaml, else claude when it is on PATH).") var agent: String?
    @Option(help: "The protocol plan (required with --agent none; docs/plan.md).") var plan: String?
    @Option(help: "The model the agent uses (default: model in rigor.yaml, else the agent's own default; builtin needs one).") var model: String?
    @Option(help: "builtin: openai (Chat Completions: OpenAI, vLLM, Ollama, llama.cpp, OpenRouter) or anthropic (Messages).") var provider: String?
    @Option(name: .customLong("base-url"), help: "builtin and codex: the model API's base URL as its SDK takes it (OpenAI-compatible: ends in /v1, e.g. http://localhost:8000/v1; Anthropic: without /v1).") var baseURL: String?
    @Option(help: "The environment variable that holds the API key (default OPENAI_API_KEY, or ANTHROPIC_API_KEY for anthropic). The key is never written by Rigor.") var apiKeyEnv: String?
    @Option(help: "builtin: the model's context window in tokens (default: known per model, else 128000).") var contextWindow: Int?
    @Option(help: "builtin: the most model turns (default 200).") var maxTurns: Int?
    @Flag(help: "Print the resolved configuration (the key masked) and stop; nothing is run or written.") var dryRun = false
    @Option(help: "How long the RUN phase may take (e.g. 45m, 2h); default: rigor.yaml, else the spec's max wall-clock, else estimated_wall_hours x 2 (at least 15m).") var timeBudget: String?
    @Option(help: "local, cloud-first or cloud-always (the compute advisory in the prompt).") var cloudPreference: String?
    @Flag(help: "Continue an interrupted rigor run of this experiment (its records move to rigor/attempt-N).") var resume = false
    @Flag(help: "One JSON object per event on stdout, and the summary last.") var json = false
    @Flag(help: "Fail (exit 1) when a number in metrics.json cannot be traced to a run.") var requireTrace = false
    @Option(help: "Seconds between TERM and KILL when the agent or its runs are stopped.") var killGrace: Double = 10

    func run() async throws {
        var options = RunOptions(specPath: spec, rigorExecutable: ClaudeSettings.currentExecutable())
        options.agent = agent
        options.planPath = plan
        options.model = model
        options.provider = provider
        options.baseURL = baseURL
        options.apiKeyEnv = apiKeyEnv
        if let contextWindow, contextWindow < 1024 { throw fail("--context-window \(contextWindow): expected a number of tokens, at least 1024", code: 2) }
        if let maxTurns, maxTurns < 1 { throw fail("--max-turns \(maxTurns): expected 1 or more", code: 2) }
        options.contextWindow = contextWindow
        options.maxTurns = maxTurns
        options.dryRun = dryRun
        if let timeBudget {
            guard let s = DurationText.seconds(in: timeBudget) ?? Double(timeBudget), s > 0 else {
                throw fail("--time-budget \(timeBudget): expected a duration such as 90s, 45m or 2h", code: 2)
            }
            options.timeBudgetSeconds = s
        }
        guard killGrace >= 0 else { throw fail("--kill-grace must be 0 or more", code: 2) }
        options.cloudPreference = cloudPreference
        options.resume = resume
        options.json = json
        options.requireTrace = requireTrace
        options.killGraceSeconds = killGrace
        options.rigorVersion = RigorVersion.string
        let status = await AgentRun(options: options).execute()
        if status != 0 { throw ExitCode(status) }
    }
}
