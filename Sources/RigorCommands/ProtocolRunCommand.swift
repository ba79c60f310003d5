import ArgumentParser
import Foundation
import RigorAgent
import RigorBasics
import RigorGuard
import RigorProtocol
import RigorSpec
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rigor protocol run PLAN [--slots N] [--json]`.
struct ProtocolRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run (or resume) the protocol plan of one experiment and write its metrics.json and config.json.",
        discussion: """
        Exit status: 0 completed and metrics.json valid; 1 metrics.json not valid or the engine failed; \
        2 the plan or spec is not usable (or a run could not be launched, or the plan changed for runs already made); \
        3 the experiment aborted (metrics.json records why; its validation problems are printed as notes); \
        4 another 'rigor protocol run' holds the experiment.
        """
    )

    @Argument(help: "The plan file (YAML, docs/plan.md).") var plan: String
    @Option(help: "Runs at once (default: GPUs reported by nvidia-smi, else CPU cores).") var slots: Int?
    @Flag(help: "One JSON object per event on stdout.") var json = false
    @Flag(help: "Check the plan (as 'rigor protocol check' does) and run nothing.") var dryRun = false

    func fail(_ lines: [String], code: Int32) -> ExitCode {
        for line in lines { Console.error(line) }
        return ExitCode(code)
    }

    func run() async throws {
        // Inside rigor run's sandbox the outer Rigor process runs it (docs/broker.md).
        if let status = BrokerForwarding.forwardIfBrokered(.protocolRun) { throw ExitCode(status) }
        if let slots, slots < 1 { throw fail(["--slots must be 1 or more, got \(slots)"], code: 2) }
        // Everything knowable before compute is spent is checked first; a plan with errors never runs.
        let report = ProtocolCheck.run(planPath: plan, displayPath: plan)
        if dryRun {
            Console.print(ProtocolCheckText.render(report, plan: plan, json: json))
            if !report.isClean { throw ExitCode(2) }
            return
        }
        if !report.isClean { throw fail(report.errors + ["nothing was run; 'rigor protocol check \(plan)' shows the full report"], code: 2) }
        // The check parsed the plan and the spec and resolved the plan against it: run that.
        guard let checked = report.checked else { throw fail(["\(plan): the plan could not be checked; nothing was run"], code: 2) }
        let parsed = checked.plan
        let spec = checked.spec
        if let why = BrokerForwarding.specMismatch(spec.path) { throw fail([why], code: 2) }
        let detected = SlotCount.detect()
        let gpuSlots = detected.gpus && (slots.map { $0 <= detected.slots } ?? true)
        var options = ProtocolOptions(slots: slots ?? detected.slots, gpuSlots: gpuSlots,
                                      toolVersion: RigorVersion.string, validator: ProtocolValidation.validator)
        let specPath = spec.path
        // The guard protects the spec's workspace: the runs must write that workspace's results
        // folder for this experiment, not one the plan names elsewhere (a decoy would be guarded instead).
        if let named = parsed.resultsDirectory, let set = try? ProtectedSet.make(specPath: specPath),
           PathResolution.resolve(named, relativeTo: "/") != set.experimentResultsDir {
            throw fail(["\(plan): results: \(named) is not the results folder of \(specPath) (\(set.experimentResultsDir)); the guard protects the spec's workspace, so its runs must write there"], code: 2)
        }
        StrayProcesses.becomeSubreaper()
        options.beginGuard = { () throws -> any PhaseGuard in
            try GuardSession.begin(set: try ProtectedSet.make(specPath: specPath), phase: "protocol")
        }
        let sink: any ProtocolEventSink
        if json { sink = JSONLinesProgress() } else if isatty(1) == 1 { sink = TerminalProgress() } else { sink = PlainProgress() }
        let outcome: ProtocolOutcome
        let resultsDir: String
        do {
            resultsDir = try ProtocolEngine.resultsDir(for: parsed)
            let engine = ProtocolEngine(checked: checked, resultsDir: resultsDir, executor: SupervisorExecutor(), options: options, sink: sink)
            let task = Task { () async -> Result<ProtocolOutcome, ProtocolError> in
                do throws(ProtocolError) { return .success(try await engine.run()) } catch { return .failure(error) }
            }
            let signals = ProtocolSignals.cancelOnInterrupt(task)
            defer { signals.forEach { $0.cancel() } }
            outcome = try await task.value.get()
        } catch {
            if case .locked = error { throw fail([error.description], code: 4) }
            if case .interrupted = error { throw fail([error.description], code: 130) }
            if case .specChanged = error { throw fail([error.description], code: 2) }
            if case .planChanged = error { throw fail([error.description], code: 2) }
            throw fail([error.description], code: 1)
        }
        if let why = outcome.launchFailure {
            for note in outcome.guardNotes { Console.error("TAMPER: \(note)") }
            throw fail(["stopped before metrics.json was written: \(why)",
                        "nothing about this unit is kept against the experiment: fix the plan (or the missing file) and run the same command again"], code: 2)
        }
        if !json { Console.print(ProtocolSummary.render(spec: spec, resultsDir: resultsDir, outcome: outcome)) }
        // An aborted experiment exits 3 whatever the validator says: its metrics.json holds what
        // was collected before the stop, so missing metrics are expected and listed as notes.
        if outcome.aborted {
            for problem in outcome.validationProblems { Console.error("note: metrics.json of the aborted experiment: \(problem)") }
            throw fail(["experiment aborted: \(outcome.abortReason ?? "")"], code: 3)
        }
        if !outcome.validationProblems.isEmpty {
            throw fail(["\(outcome.metricsPath) is not valid:"] + outcome.validationProblems, code: 1)
        }
    }
}
