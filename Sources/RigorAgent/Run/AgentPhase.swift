import Foundation
import RigorBasics
import RigorGuard
import RigorHTTP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The agent phase of `rigor run`: the chosen runtime started inside the guard (a CLI agent as
/// a sandboxed process whose stdout is parsed into the transcript; the builtin agent in this
/// process with its tools in the sandbox; `none` as `rigor protocol run`), until it ends, the
/// time budget passes, or Ctrl-C.
struct AgentPhase: Sendable {
    struct Context: Sendable {
        var agent: AgentChoice
        var prompt: String
        var specPath: String
        var root: String
        var planPath: String?
        var environment: [String: String]
        var runEnvironment: [String: String]
        var grant: String?
        var session: GuardSession
        var broker: RunBroker
        var records: RunRecordsFolder
        var redactor: Redactor
        var deadline: Double
        var budgetSeconds: Double
        var log: @Sendable (TranscriptEntry) -> Void
    }

    var ending: AgentProcess.Ending = .exited(status: 0)
    var counts = SessionCounts()
    var launchFailure: String?
    var modelFailure: ModelError?
    var turnLimit: String?
    var agentVersion: String?
}

extension AgentRun {
    func runAgentPhase(_ c: AgentPhase.Context) async -> AgentPhase {
        var phase = AgentPhase()
        let log = c.log
        var home: String?
        // The private home (with a copied login) goes when the phase ends.
        defer { if let home { try? FileManager.default.removeItem(atPath: (home as NSString).deletingLastPathComponent) } }
        let argv: [String]
        var environment: [String: String]
        var cwd = c.root
        var parser: (any AgentOutputParser)?
        var tools: [String] = []
        switch c.agent.name {
        case "builtin":
            phase.agentVersion = "rigor " + options.rigorVersion
            do { home = try AgentEnvironment.makeHome() } catch { phase.launchFailure = "cannot prepare the agent's home: \(error)"; return phase }
            return await runBuiltin(c, home: home!, phase: phase)
        case "claude":
            let exe = c.agent.executable ?? "claude"
            phase.agentVersion = AgentEnvironment.version(executable: exe, wrapper: c.session.wrapper, workingDirectory: c.root)
            let runtime = ClaudeCodeRuntime(executable: exe, model: c.agent.model, prompt: c.prompt, specPath: c.specPath, rigorExecutable: options.rigorExecutable)
            environment = runtime.environment(base: c.environment, brokerSocket: c.broker.socketPath)
            parser = ClaudeStreamParser()
            tools = ClaudeCodeRuntime.allowedTools.split(separator: ",").map(String.init)
            do {
                let prepared = try ClaudeCodeRuntime.prepareHome(environment: c.environment)
                if let note = prepared.note { log(.note(note)) }
                home = prepared.home
                argv = try c.session.wrapper(home: prepared.home, visible: [c.broker.folder])?.wrap(runtime.arguments, workingDirectory: c.root) ?? runtime.arguments
            } catch { phase.launchFailure = "cannot prepare the agent's sandbox: \(error)"; argv = [] }
        case "codex":
            let exe = c.agent.executable ?? "codex"
            phase.agentVersion = AgentEnvironment.version(executable: exe, wrapper: c.session.wrapper, workingDirectory: c.root)
            let runtime = CodexRuntime(executable: exe, agent: c.agent, prompt: c.prompt, specPath: c.specPath, rigorExecutable: options.rigorExecutable)
            parser = CodexEventParser(model: c.agent.model)
            do {
                home = try AgentEnvironment.makeHome()
                try runtime.prepare(home: home!)
                environment = runtime.environment(base: c.environment, brokerSocket: c.broker.socketPath)
                argv = try c.session.wrapper(home: home!, visible: [c.broker.folder])?.wrap(runtime.arguments, workingDirectory: c.root) ?? runtime.arguments
            } catch { phase.launchFailure = "cannot prepare the agent's sandbox: \(error)"; argv = []; environment = [:] }
        default:
            // No agent: the plan runs through the protocol engine as a brokered run would.
            phase.agentVersion = "rigor " + options.rigorVersion
            argv = [options.rigorExecutable, "protocol", "run", c.planPath ?? ""]
            environment = c.runEnvironment
            environment[RunBroker.specVariable] = c.specPath
            if let grant = c.grant { environment[BrokerGrant.variable] = grant }
            cwd = FileManager.default.currentDirectoryPath
        }
        if c.agent.name != "codex" {
            log(.session(runtime: c.agent.name, model: c.agent.model, sessionID: nil, tools: tools))
        }
        guard phase.launchFailure == nil else { return phase }
        let stdoutRecord: OutputRecord, stderrRecord: OutputRecord
        do {
            stdoutRecord = try OutputRecord(path: c.records.file(parser != nil ? "agent-stdout.jsonl" : "agent-stdout.log"), redactor: c.redactor)
            stderrRecord = try OutputRecord(path: c.records.file("agent-stderr.log"), redactor: c.redactor)
        } catch { phase.launchFailure = "\(error)"; return phase }
        defer { stdoutRecord.close(); stderrRecord.close() }
        let process = AgentProcess(argv: argv, environment: environment, workingDirectory: cwd)
        let signals = Self.forwardSignals { process.interrupt() }
        let echo = !options.json && parser == nil
        let grace = options.killGraceSeconds
        let startParser = parser
        let (result, finalParser) = await withCheckedContinuation { (done: CheckedContinuation<(Result<AgentProcess.Ending, LaunchError>, (any AgentOutputParser)?), Never>) in
            // Its own thread: the sandbox ends with the thread that started it (--die-with-parent).
            Thread.detachNewThread {
                var localParser = startParser
                var errPending: [UInt8] = []
                let result = Result { () throws(LaunchError) -> AgentProcess.Ending in
                    try process.run(deadline: c.deadline, budgetSeconds: c.budgetSeconds, grace: grace, line: { line in
                        stdoutRecord.append(line + [10])
                        if localParser != nil { for e in localParser!.entries(forLine: line) { log(e) } }
                        else if echo { FileHandle.standardOutput.write(Data(line + [10])) }
                    }, errorBytes: { chunk in
                        // Kept whole lines at a time, so a secret is never split across two writes.
                        errPending += chunk
                        if let nl = errPending.lastIndex(of: 10) {
                            stderrRecord.append(Array(errPending[...nl]))
                            errPending.removeSubrange(...nl)
                        }
                        if startParser == nil { FileHandle.standardError.write(Data(chunk)) }
                    })
                }
                stderrRecord.append(errPending)
                done.resume(returning: (result, localParser))
            }
        }
        signals.forEach { $0.cancel() }
        switch result {
        case .success(let e): phase.ending = e
        case .failure(let error): phase.launchFailure = error.description
        }
        phase.counts = finalParser?.counts ?? SessionCounts()
        if let failure = finalParser?.modelFailure {
            let status = Self.httpStatus(in: failure)
            phase.modelFailure = ModelError(provider: c.agent.name + " (" + (c.agent.provider ?? "") + ")", model: c.agent.model ?? "the agent's default",
                                            status: status, message: c.redactor.redact(failure))
        }
        return phase
    }

    /// The builtin agent: the loop here, its `bash` in the sandbox with a private home that
    /// lasts the phase, its file tools on the workspace.
    func runBuiltin(_ c: AgentPhase.Context, home: String, phase start: AgentPhase) async -> AgentPhase {
        var phase = start
        let agent = c.agent
        let policy: CommandPolicy
        do { policy = try CommandPolicy.load(oracle: c.session.set, workspaceRoot: c.root) } catch {
            phase.launchFailure = "the command policy cannot be read: \(error)"; return phase
        }
        var environment = AgentEnvironment.make(base: c.environment, brokerSocket: c.broker.socketPath, specPath: c.specPath,
                                                rigorExecutable: options.rigorExecutable, removing: agent.apiKeyEnv.map { [$0] } ?? [])
        environment["HOME"] = Sandbox.privateHome
        let shell = SandboxedShell(root: c.root, policy: policy, wrapper: c.session.wrapper(home: home, visible: [c.broker.folder]),
                                   environment: environment, grace: options.killGraceSeconds)
        let files = WorkspaceFiles(root: c.root, oracle: c.session.set, hidden: [PathResolution.resolve(TrustedStore.current().root, relativeTo: "/")])
        let model = agent.model ?? ""
        let provider: any ModelProvider
        if agent.provider == "anthropic" {
            provider = AnthropicMessagesClient(baseURL: agent.baseURL ?? "https://api.anthropic.com", model: model, apiKey: agent.apiKey ?? "")
        } else {
            provider = OpenAIChatClient(baseURL: agent.baseURL ?? "https://api.openai.com/v1", model: model, apiKey: agent.apiKey)
        }
        let window = agent.contextWindow ?? AgentChoice.defaultContextWindow
        let http = StreamingHTTPClient()
        let builtin = BuiltinAgent(provider: provider, settings: .init(maxTurns: agent.maxTurns ?? AgentChoice.defaultMaxTurns, contextWindow: window,
                                                                      maxOutputTokens: min(8192, max(1024, window / 8))),
                                   files: files, shell: shell, http: http, log: c.log)
        let signals = Self.forwardSignals { builtin.interrupt() }
        let outcome = await builtin.run(system: c.prompt, task: ClaudeCodeRuntime.task, deadline: c.deadline, budgetSeconds: c.budgetSeconds)
        signals.forEach { $0.cancel() }
        await http.shutdown()
        phase.ending = outcome.ending
        phase.counts = outcome.counts
        phase.modelFailure = outcome.modelFailure
        phase.turnLimit = outcome.turnLimit
        return phase
    }

    /// The HTTP status a CLI's error message names (`unexpected status 401 Unauthorized`).
    static func httpStatus(in message: String) -> Int? {
        guard let r = message.range(of: #"status:? (\d{3})"#, options: .regularExpression) else { return nil }
        return Int(message[r].filter(\.isNumber))
    }

    /// Ctrl-C, TERM and HUP ask the agent to stop instead of ending Rigor.
    static func forwardSignals(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM, SIGHUP].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }
}
