import Foundation
import RigorBasics
import RigorHTTP
import Synchronization

/// `rigor run --agent builtin`: Rigor's own tool-using agent. The loop runs here, in Rigor's
/// process, outside the sandbox, so the API key stays in this process: only the tools' work
/// reaches the sandbox (`bash` runs inside it; the file tools reach the workspace only and
/// refuse protected paths). Each turn: fit the conversation to the context window, ask the
/// model (streamed, retried), record text, tool calls and tokens, run the calls in order,
/// send the results back. It ends when the model answers without a tool call or calls
/// `finish`, at the turn limit, at the time budget, on Ctrl-C, or when the model API fails.
final class BuiltinAgent: Sendable {
    struct Settings: Sendable {
        var maxTurns: Int
        var contextWindow: Int
        var maxOutputTokens: Int
    }

    /// How the session ended.
    struct Outcome: Sendable {
        var ending: AgentProcess.Ending
        /// The turn limit, when it ended the session.
        var turnLimit: String?
        /// The model API's failure, when it ended the session.
        var modelFailure: ModelError?
        var counts: SessionCounts
    }

    let provider: any ModelProvider
    let settings: Settings
    let files: WorkspaceFiles
    let shell: SandboxedShell
    let tools: [AgentTool]
    let http: StreamingHTTPClient
    let log: @Sendable (TranscriptEntry) -> Void
    private let stopRequested = Mutex(false)

    init(provider: any ModelProvider, settings: Settings, files: WorkspaceFiles, shell: SandboxedShell,
         http: StreamingHTTPClient, log: @escaping @Sendable (TranscriptEntry) -> Void) {
        self.provider = provider; self.settings = settings; self.files = files; self.shell = shell
        self.http = http; self.log = log
        tools = AgentTool.all
    }

    /// Ctrl-C: the model request in flight and the command running are stopped.
    func interrupt() {
        stopRequested.withLock { $0 = true }
        shell.interrupt()
    }

    func run(system: String, task: String, deadline: Double, budgetSeconds: Double) async -> Outcome {
        let started = Monotonic.seconds()
        var conversation = Conversation(system: system, task: task)
        var window = ContextWindow(tokens: settings.contextWindow, reserve: settings.maxOutputTokens)
        var counts = SessionCounts()
        var outcome: Outcome?
        let toolTokens = Conversation.tokens(tools)
        let log = self.log
        func stopped() -> AgentProcess.Ending? {
            if stopRequested.withLock({ $0 }) { return .interrupted }
            if Monotonic.seconds() >= deadline { return .timeBudget(seconds: budgetSeconds) }
            return nil
        }
        func end(_ ending: AgentProcess.Ending, reason: String?, isError: Bool = false, turnLimit: String? = nil, failure: ModelError? = nil) {
            log(.end(stopReason: reason, isError: isError, turns: counts.turns, durationMilliseconds: ((Monotonic.seconds() - started) * 1000).rounded()))
            outcome = Outcome(ending: ending, turnLimit: turnLimit, modelFailure: failure, counts: counts)
        }
        log(.session(runtime: "builtin", model: provider.model, sessionID: nil, tools: tools.map(\.name)))
        while outcome == nil {
            if let ending = stopped() { end(ending, reason: nil); break }
            if counts.turns >= settings.maxTurns {
                let why = "turn limit of \(settings.maxTurns) model turns reached (max_turns)"
                end(.exited(status: 0), reason: "max_turns", turnLimit: why)
                break
            }
            let fitted = window.fit(&conversation, tools: tools)
            if fitted.items > 0 {
                log(.note("context: \(fitted.items) old tool output(s) shortened (about \(fitted.saved) tokens) to stay inside the context window of \(settings.contextWindow) tokens"))
            }
            let estimate = conversation.estimatedTokens(toolTokens: toolTokens)
            let sent = conversation
            let asked = await untilStopped(deadline: deadline) { [provider, tools, http, settings] () async throws(ModelError) -> ModelAnswer in
                try await provider.answer(sent, tools: tools, maxOutputTokens: settings.maxOutputTokens, http: http) { attempt, status, why in
                    log(.apiRetry(attempt: attempt, status: status, error: why))
                }
            }
            guard let asked else { end(stopped() ?? .interrupted, reason: nil); break }
            let answer: ModelAnswer
            switch asked {
            case .failure(let error):
                // The window was too small after all: shorten harder once and ask again.
                if error.status == 400, Self.isContextOverflow(error.message),
                   window.fit(&conversation, tools: tools, target: window.budget / 2).items > 0 {
                    log(.note("context: the provider found the conversation too long (\(error.message)); old tool output shortened further"))
                    continue
                }
                log(.note("the model API failed: \(error)"))
                end(.exited(status: 2), reason: "model_error", isError: true, failure: error)
                continue
            case .success(let a): answer = a
            }
            counts.turns += 1
            counts.usage = counts.usage + answer.usage
            window.learn(promptTokens: provider.promptTokens(answer.usage), estimated: estimate)
            log(.usage(answer.usage))
            var text = ""
            var calls: [Conversation.Call] = []
            var problems: [String: String] = [:]
            for block in answer.blocks {
                switch block {
                case .text(let t):
                    text += t
                    if !t.isEmpty { log(.assistantText(t)) }
                case .toolCall(let id, let name, let input, let raw):
                    let callID = id.isEmpty ? "call_\(counts.turns)_\(calls.count)" : id
                    counts.toolCalls += 1
                    log(.toolCall(id: callID, name: name, input: input ?? .string(raw)))
                    if let tool = tools.first(where: { $0.name == name }) {
                        if let problem = AgentTool.problem(with: input, raw: raw, for: tool) { problems[callID] = problem }
                    } else {
                        problems[callID] = "there is no tool named '\(name)'; the tools are \(tools.map(\.name).joined(separator: ", "))"
                    }
                    let valid = input?.objectValue != nil
                    calls.append(.init(id: callID, name: name, input: valid ? input! : .object(JSONObject()), raw: valid ? raw : "{}"))
                }
            }
            conversation.turns.append(.assistant(text: text, calls: calls))
            if calls.isEmpty {
                end(.exited(status: 0), reason: answer.stopReason ?? "end_turn")
                break
            }
            var results: [Conversation.ToolResult] = []
            var finished = false
            for call in calls {
                let r: (content: String, isError: Bool)
                if let problem = problems[call.id] {
                    r = ("Error: \(problem)", true)
                } else if stopped() != nil {
                    r = ("Error: not run: the session is ending (time budget or interrupt)", true)
                } else {
                    r = await perform(call, deadline: deadline, counts: &counts)
                    if call.name == "finish" { finished = true }
                }
                log(.toolResult(id: call.id, isError: r.isError, content: r.content))
                results.append(.init(id: call.id, name: call.name, content: r.content, isError: r.isError))
            }
            conversation.turns.append(.results(results))
            if finished { end(.exited(status: 0), reason: "finish") }
        }
        return outcome!
    }

    /// Runs one tool call; a refusal is recorded as a blocked call.
    func perform(_ call: Conversation.Call, deadline: Double, counts: inout SessionCounts) async -> (content: String, isError: Bool) {
        let input = call.input
        func string(_ k: String) -> String? { input[k]?.stringValue }
        func int(_ k: String) -> Int? { input[k]?.clampedInt }
        func blocked(_ reason: String, by: String) -> (String, Bool) {
            counts.blockedCalls += 1
            log(.blocked(id: call.id, name: call.name, by: by, reason: reason))
            return ("Blocked by Rigor: " + reason, true)
        }
        do throws(WorkspaceFiles.Failure) {
            switch call.name {
            case "read_file": return (try files.read(path: string("path")!, offset: int("offset"), limit: int("limit")), false)
            case "write_file": return (try files.write(path: string("path")!, content: string("content")!), false)
            case "edit_file":
                return (try files.edit(path: string("path")!, old: string("old_string")!, new: string("new_string")!, all: input["replace_all"]?.boolValue ?? false), false)
            case "list_files": return (try files.list(path: string("path")), false)
            case "glob": return (try files.glob(pattern: string("pattern")!), false)
            case "grep": return (try files.grep(pattern: string("pattern")!, path: string("path"), glob: string("glob")), false)
            case "finish": return ("The session ends here.", false)
            case "bash":
                let timeout = Double(max(1, int("timeout_seconds") ?? Int(SandboxedShell.defaultTimeout)))
                switch await shell.run(string("command")!, timeout: timeout, deadline: deadline) {
                case .refused(let rule, let reason):
                    return blocked("the command policy refused this command (rule \(rule ?? "?")): \(reason). Protected files are read-only for the RUN phase.", by: "policy")
                case .failed(let why): return ("Error: \(why)", true)
                case .ran(let status, let output, let timedOut):
                    if let refused = KernelRefusal.line(in: output) {
                        counts.blockedCalls += 1
                        log(.blocked(id: call.id, name: call.name, by: "kernel", reason: refused))
                    }
                    var text = output
                    if timedOut { text += "\n[stopped: the command ran past its timeout of \(Int(timeout)) s or the time budget]" }
                    text += "\n[exit status \(status)]"
                    return (text, status != 0)
                }
            default: return ("Error: there is no tool named '\(call.name)'", true)
            }
        } catch {
            switch error {
            case .refused(let reason): return blocked(reason, by: "policy")
            case .failed(let why): return ("Error: \(why)", true)
            }
        }
    }

    /// Runs `operation` until it ends, the deadline passes or Ctrl-C (nil then; the operation is cancelled).
    func untilStopped<T: Sendable>(deadline: Double, _ operation: @escaping @Sendable () async throws(ModelError) -> T) async -> Result<T, ModelError>? {
        await withTaskGroup(of: Result<T, ModelError>?.self) { group in
            group.addTask {
                do throws(ModelError) { return .success(try await operation()) } catch { return .failure(error) }
            }
            group.addTask { [self] in
                while !Task.isCancelled && !stopRequested.withLock({ $0 }) && Monotonic.seconds() < deadline {
                    try? await Task.sleep(nanoseconds: 100_000_000)
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    static func isContextOverflow(_ message: String) -> Bool {
        let m = message.lowercased()
        return ["context length", "context window", "maximum context", "too many tokens", "prompt is too long", "context_length_exceeded"].contains { m.contains($0) }
    }
}

/// What a session added up to: model turns, tool calls, blocked calls, tokens.
public struct SessionCounts: Sendable, Equatable {
    public var turns = 0
    public var toolCalls = 0
    public var blockedCalls = 0
    public var usage = TokenUsage()
    public init() {}
}
