import Foundation
import RigorBasics
import RigorCloud
import RigorGuard
import RigorProtocol
import RigorReport
import RigorSpec
import RigorSupervisor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rigor run SPEC`: the RUN phase end to end (docs/run.md). Checks the spec, locks the
/// experiment, freezes the spec, writes the prompt, guards the protected set, starts the broker
/// and the agent inside the sandbox, stops it at the time budget, and then, whatever happened,
/// verifies: the guard manifest, metrics.json (written by Rigor when the agent left none),
/// config.json's provenance, the trace of every number; the records go to `results/<exp>/rigor/`.
public struct AgentRun: Sendable {
    public let options: RunOptions
    let console: RunProgress

    public init(options: RunOptions) {
        self.options = options
        console = RunProgress(mode: RunProgress.mode(json: options.json))
    }

    /// A failure before the agent started: one line on stderr and the exit status.
    struct Refusal: Error {
        var lines: [String]
        var status: Int32
        init(_ lines: [String], _ status: Int32 = RunExitStatus.badInput) { self.lines = lines; self.status = status }
    }

    public func execute() async -> Int32 {
        do { return try await perform() } catch let refusal as Refusal {
            for line in refusal.lines { FileHandle.standardError.write(Data(("rigor: " + line + "\n").utf8)) }
            return refusal.status
        } catch {
            FileHandle.standardError.write(Data("rigor: \(error)\n".utf8))
            return RunExitStatus.violation
        }
    }

    func perform() async throws -> Int32 {
        let env = ProcessInfo.processInfo.environment
        // 1. The spec: refused with its diagnostics when it has errors.
        let spec: ExperimentSpec
        do { spec = try SpecParser.parse(path: options.specPath) } catch { throw Refusal(["\(error)"]) }
        let errors = spec.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw Refusal(errors.map(\.description) + ["\(options.specPath): the spec has errors; nothing was run"]) }
        let set: ProtectedSet
        do { set = try ProtectedSet.make(specPath: spec.path) } catch { throw Refusal(["\(error)"]) }
        let root = set.workspace.root
        // The spec as an absolute path with links resolved: the broker's runs, the hook and the
        // prompt must not depend on a working directory the agent chooses.
        let specPath = set.specPath
        let config: WorkspaceConfig?
        do { config = try WorkspaceConfig.load(root: root) } catch { throw Refusal([error.description]) }
        let agent: AgentChoice
        do { agent = try AgentChoice.resolve(options: options, config: config, environment: env) } catch { throw Refusal([error.line]) }
        var planPath: String?
        if let plan = options.planPath { planPath = Workspace.absolute(plan) }
        if agent.name == "none" && planPath == nil { throw Refusal(["--agent none runs a plan with no agent: pass --plan PLAN (docs/plan.md)"]) }
        if let planPath, agent.name == "none" {
            // Everything knowable about the plan is checked before anything starts.
            let report = ProtocolCheck.run(planPath: planPath, displayPath: options.planPath)
            if !report.isClean { throw Refusal(report.errors + ["nothing was run; 'rigor protocol check \(options.planPath ?? planPath)' shows the full report"]) }
            if let planned = report.checked?.spec.path, PathResolution.resolve(planned, relativeTo: "/") != set.specPath {
                throw Refusal(["\(options.planPath ?? planPath): the plan runs \(planned), not \(set.specPath); nothing was run"])
            }
        }
        let model = agent.model
        guard let timeBudget = TimeBudget.resolve(spec: spec, flag: options.timeBudgetSeconds, configured: config?.timeBudgetSeconds) else {
            throw Refusal(["\(spec.path): no time budget: the spec states no max wall-clock and no estimated_wall_hours; pass --time-budget (e.g. 2h) or set time_budget in rigor.yaml"])
        }
        let preference: (CloudPreference, source: String)
        do { preference = try CloudPreference.resolve(flag: options.cloudPreference, workspaceRoot: root) } catch { throw Refusal(["\(error)"]) }

        if options.dryRun {
            var lines = ["spec: \(specPath)"] + agent.lines
            lines.append("time_budget: \(DurationText.format(seconds: timeBudget.seconds)) (\(timeBudget.source))")
            if let planPath { lines.append("plan: \(planPath)") }
            lines.append("guard: \(GuardProbe.current().mode.rawValue)")
            lines.append("records: \(set.experimentResultsDir)/rigor/")
            print(lines.joined(separator: "\n"))
            return RunExitStatus.valid
        }
        // The builtin agent's key stays in this process only: out of the environment the
        // sandbox, the broker's runs and /proc could show.
        if agent.name == "builtin", let variable = agent.apiKeyEnv { Secrets.keepInMemoryOnly(variable) }

        // 2. The results folder, the lock, an earlier attempt.
        let resultsDir = set.experimentResultsDir
        do { _ = try DirectoryHandle.openCreating(resultsDir) } catch { throw Refusal(["\(error)"]) }
        let lock: ExperimentLock
        do { lock = try ExperimentLock(resultsDir: resultsDir, fileName: ExperimentLock.runFileName) } catch {
            if case .locked(_, let holder) = error {
                throw Refusal(["\(resultsDir): another rigor run (pid \(holder.map(String.init) ?? "unknown")) holds this experiment; wait for it to end"], RunExitStatus.locked)
            }
            throw Refusal(["\(error)"])
        }
        defer { withExtendedLifetime(lock) {} }
        let records = RunRecordsFolder(resultsDir: resultsDir)
        let metricsPath = resultsDir + "/metrics.json"
        let last = records.lastOutcome()
        // A phase that ended before anything ran (`refused`: the engine refused the plan) can be run again.
        if let last, !["interrupted", "refused", "model-error"].contains(last) {
            throw Refusal(["\(resultsDir): this experiment already ran (outcome \(last), \(records.file("summary.json"))); it is not run again. Its records stay as they are"])
        }
        let interruptedEarlier = last == "interrupted" || last == "model-error" || (records.hasRecords && last == nil)
        let refusedEarlier = last == "refused"
        if interruptedEarlier && !options.resume {
            throw Refusal(["\(resultsDir): an earlier rigor run of this experiment was interrupted; pass --resume to continue it (its records are kept under rigor/attempt-N)"])
        }
        if !interruptedEarlier && !refusedEarlier && !records.hasRecords && FileManager.default.fileExists(atPath: metricsPath) && !options.resume {
            throw Refusal(["\(metricsPath) already exists: this experiment already ran; it is not run again (pass --resume to continue it with an agent)"])
        }
        do { try SpecFreeze.ensure(spec: spec, resultsDir: resultsDir) } catch { throw Refusal([error.description]) }
        do { try records.create(); if options.resume || refusedEarlier { try records.archiveEarlierAttempt() } } catch {
            throw Refusal(["\(records.path): cannot prepare the records: \(error)"])
        }

        // 3. The prompt, with the context: budget left, time budget, the compute advisory.
        let advice = ComputeAdvisory.decide(spec, capacity: MachineCapacity.measure(), preference: preference.0)
        let ledger = try? BudgetLedger(experimentDir: resultsDir).read(reconciling: true)
        let prompt = RunPrompt.render(RunPrompt.Context(
            specPath: specPath, resultsDir: resultsDir, workspaceRoot: root,
            budgetLeft: Self.budgetLines(ledger: ledger, budget: spec.resourceBudget), timeBudget: timeBudget, advisory: advice.section))
        let redactor = Redactor(secrets: Secrets.values(in: env) + (agent.apiKey.map { [$0] } ?? []))
        do { try records.write(prompt, to: "prompt.md") } catch { throw Refusal(["\(records.file("prompt.md")): \(error)"]) }
        let transcript: TranscriptWriter
        do { transcript = try TranscriptWriter(path: records.file("transcript.jsonl"), redactor: redactor) } catch { throw Refusal(["\(error)"]) }
        defer { transcript.close() }
        let console = self.console
        let log: @Sendable (TranscriptEntry) -> Void = { entry in transcript.append(entry); console.record(entry) }

        // 4. The guard, the broker, the agent.
        StrayProcesses.becomeSubreaper()
        let probe = GuardProbe.current()
        let session: GuardSession
        do { session = try GuardSession.begin(set: set, probe: probe, phase: "agent", witnessRecords: false) } catch { throw Refusal(["\(error)"]) }
        let grant: String?
        do { grant = try BrokerGrant.issue() } catch { _ = try? session.end(); throw Refusal(["\(error)"]) }
        let runEnvironment = Secrets.scrubbed(env).filter { !$0.key.hasPrefix("RIGOR_BROKER") && $0.key != RunBroker.socketVariable && $0.key != agent.apiKeyEnv }
        let broker: RunBroker
        do {
            broker = try RunBroker(.init(rigorExecutable: options.rigorExecutable, workspaceRoot: root, specPath: specPath,
                                         environment: runEnvironment, grant: grant)) { event in
                switch event {
                case .started(let id, let request):
                    log(.brokeredRun(id: id, command: (["rigor"] + request.command.words + request.arguments).joined(separator: " "), status: nil))
                case .finished(let id, let status): log(.brokeredRun(id: id, command: "", status: status))
                case .refused(let why): log(.note("broker refused a request: \(why)"))
                }
            }
        } catch {
            _ = try? session.end(); BrokerGrant.withdraw()
            throw Refusal(["\(error)"])
        }
        broker.start()
        let limits = spec.resourceBudget
        console.readBudget {
            let u = (try? BudgetLedger(experimentDir: resultsDir).read(reconciling: false)) ?? LedgerSummary()
            let standing = BudgetStanding(summary: u, budget: limits)
            let runs = standing.maxRuns.map { "\(u.runsCounted) of \(NumberText.short($0)) training runs" } ?? "\(u.runsCounted) training runs"
            return runs + ", " + DurationText.format(seconds: u.wallSeconds) + " run wall clock"
        }
        console.say("\(spec.experimentID): agent \(agent.name)\(model.map { " (model \($0))" } ?? ""), time budget \(DurationText.format(seconds: timeBudget.seconds)) (\(timeBudget.source)), guard \(probe.mode.rawValue)")

        let started = Monotonic.seconds()
        let startedAt = ISOTimestamp.now()
        let phase = await runAgentPhase(AgentPhase.Context(
            agent: agent, prompt: prompt, specPath: specPath, root: root, planPath: planPath, environment: env,
            runEnvironment: runEnvironment, grant: grant, session: session, broker: broker, records: records, redactor: redactor,
            deadline: started + timeBudget.seconds, budgetSeconds: timeBudget.seconds, log: log))
        console.finishLine()
        let ending = phase.ending
        let launchFailure = phase.launchFailure
        let agentVersion = phase.agentVersion

        // 5. Afterwards, whatever happened: the broker stops (runs still going are interrupted),
        // strays are swept, the guard verifies and restores.
        let stoppedRuns = broker.stop(grace: options.killGraceSeconds + 5)
        let strays = StrayProcesses.sweep()
        var guardNotes: [String] = []
        var tamperEvents = 0
        do {
            let events = try session.end()
            tamperEvents = events.count
            guardNotes = TamperCheck.notes(for: events)
        } catch { guardNotes = ["the protected files could not be verified: \(error)"]; tamperEvents = 1 }
        BrokerGrant.withdraw()
        let elapsed = Monotonic.seconds() - started

        let stopReason: String?
        var agentStatus: Int32?
        switch ending {
        case .timeBudget(let s):
            stopReason = "wall-clock time budget of \(NumberText.short(s)) s reached (\(timeBudget.source)); the agent and its runs were stopped"
        case .interrupted: stopReason = "interrupted (Ctrl-C) after \(DurationText.format(seconds: elapsed)); the agent and its runs were stopped"
        case .exited(let status): stopReason = phase.turnLimit; agentStatus = launchFailure == nil ? status : nil
        }
        if let launchFailure { log(.note("the agent could not be started: \(launchFailure)")) }
        if let stopReason { log(.note(stopReason)) }
        if let s = agentStatus, launchFailure == nil, agent.name != "builtin" { log(.note("the agent exited with status \(s)")) }
        if stoppedRuns > 0 { log(.note("\(stoppedRuns) brokered run(s) were still going and were stopped")) }
        if strays > 0 { log(.note("\(strays) process(es) left behind were killed")) }
        for n in guardNotes { log(.note("guard: " + n)) }

        // 6. Verification: config.json's provenance first (the validator checks it is there).
        var provenance = JSONObject()
        provenance["spec"] = .string(specPath)
        provenance["spec_sha256"] = .string(spec.sha256)
        provenance["agent"] = .string(agent.name)
        provenance["agent_version"] = agentVersion.map { .string($0) } ?? .null
        provenance["model"] = model.map { .string($0) } ?? .null
        if let provider = agent.provider { provenance["provider"] = .string(provider) }
        if let url = agent.baseURL { provenance["base_url"] = .string(url) }
        provenance["prompt_sha256"] = .string(SHA256.hex(Data(prompt.utf8)))
        provenance["rigor_version"] = .string(options.rigorVersion)
        provenance["guard_mode"] = .string(probe.mode.rawValue)
        provenance["time_budget_seconds"] = .number(timeBudget.seconds)
        provenance["started_at"] = .string(startedAt)
        provenance["git"] = CodeVersion.git(cwd: root, wrapper: session.wrapper, untrustedRoots: [root, resultsDir])
        var configNote = ""
        do { configNote = try ConfigCompletion.complete(resultsDir: resultsDir, records: records, provenance: provenance, writer: agent.name == "none" ? "rigor protocol run" : "agent") } catch {
            configNote = "config.json could not be completed: \(error)"
        }
        let verification = RunVerification(spec: spec, resultsDir: resultsDir, records: records)
        let fallbackReason: String? = {
            if let stopReason { return stopReason }
            if let launchFailure { return "the agent could not be started: \(launchFailure)" }
            if let failure = phase.modelFailure { return "the model API failed: \(failure)" }
            return nil
        }()
        let check = verification.verify(agentLabel: agent.name == "none" ? "rigor protocol run" : "agent",
                                        agentStatus: agentStatus, stopReason: fallbackReason, guardNotes: guardNotes)
        let trace = verification.trace()
        let counts = phase.counts

        // 7. The outcome and the exit status.
        var outcome = "complete"
        var status = RunExitStatus.valid
        if case .interrupted = ending { outcome = "interrupted"; status = RunExitStatus.interrupted }
        else if tamperEvents > 0 { outcome = "tampering"; status = RunExitStatus.tampered }
        else if phase.modelFailure != nil {
            // Nothing ran yet: the next rigor run starts again; otherwise it continues with --resume.
            outcome = verification.runCount() == 0 ? "refused" : "model-error"; status = RunExitStatus.badInput
        }
        else if agent.name == "none", let s = agentStatus, [2, 4].contains(s), check.wroteFallback { outcome = "refused"; status = s }
        else if check.aborted && !(check.wroteFallback && stopReason == nil) { outcome = "aborted"; status = RunExitStatus.aborted }
        else if !check.valid || check.wroteFallback { outcome = "invalid"; status = RunExitStatus.violation }
        else if options.requireTrace && !(trace?.untraced.isEmpty ?? false) { outcome = "untraced"; status = RunExitStatus.violation }

        var summary = JSONObject()
        summary["experiment"] = .string(spec.experimentID)
        summary["outcome"] = .string(outcome)
        summary["exit_status"] = .number(Double(status))
        summary["agent"] = .string(agent.name)
        summary["agent_version"] = agentVersion.map { .string($0) } ?? .null
        summary["model"] = model.map { .string($0) } ?? .null
        if let provider = agent.provider { summary["provider"] = .string(provider) }
        if let url = agent.baseURL { summary["base_url"] = .string(url) }
        summary["agent_exit_status"] = agentStatus.map { .number(Double($0)) } ?? .null
        summary["stop_reason"] = stopReason.map { .string($0) } ?? .null
        summary["started_at"] = .string(startedAt)
        summary["time_used_seconds"] = .number((elapsed * 1000).rounded() / 1000)
        summary["time_budget_seconds"] = .number(timeBudget.seconds)
        summary["time_budget_source"] = .string(timeBudget.source)
        summary["tokens"] = counts.usage.json
        summary["agent_turns"] = .number(Double(counts.turns))
        summary["tool_calls"] = .number(Double(counts.toolCalls))
        summary["blocked_calls"] = .number(Double(counts.blockedCalls))
        summary["runs_launched"] = .number(Double(verification.runCount()))
        summary["metrics_written_by"] = .string(check.wroteFallback ? "rigor" : (agent.name == "none" ? "rigor protocol run" : "agent"))
        summary["metrics_valid"] = .bool(check.valid)
        summary["metrics_violations"] = .number(Double(check.errors.count))
        summary["trace"] = trace.map { .string($0.coverage) } ?? .null
        summary["guard_changes"] = .array(guardNotes.map { .string($0) })
        summary["config"] = .string(configNote)
        try? records.write(json: .object(summary), to: "summary.json")
        try? records.write(json: .object(JSONObject([("guard_mode", .string(probe.mode.rawValue)), ("detail", .string(probe.detail)),
                                                     ("changes", .array(guardNotes.map { .string($0) }))])), to: "guard.json")

        // 8. What happened, as facts.
        if options.json {
            console.emit(.object(JSONObject([("type", .string("summary")), ("summary", .object(summary))])))
        }
        if let failure = phase.modelFailure { FileHandle.standardError.write(Data(("rigor: " + redactor.redact(failure.description) + "\n").utf8)) }
        let lines = Self.report(check: check, trace: trace, guardNotes: guardNotes, outcome: outcome, status: status, records: records, stopReason: stopReason)
        for line in lines { FileHandle.standardError.write(Data(("rigor: " + line + "\n").utf8)) }
        return status
    }
}
