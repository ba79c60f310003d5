import ArgumentParser
import Foundation
import RigorAgent
import RigorBasics
import RigorGuard
import RigorSpec
import RigorSupervisor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rigor exec`: one supervised run of a command.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run one command as a supervised run (logs, metric events, abort rules, budget ledger).",
        discussion: """
        Example: rigor exec --experiment results/exp-001-x --seed 1 --abort 'isnan(loss)' -- python train.py
        Exit status (Rigor's own, never the command's; the command's is in the last line and run.json):
        0 the command succeeded; 1 it failed (non-zero exit, or killed by a signal Rigor did not send);
        2 bad input; 3 stopped by Rigor (abort rule, timeout, budget) or protected files were changed
        (restored); 4 refused by the budget before it started; 130 interrupted.
        """)

    @Option(help: "The experiment's results folder (results/exp-NNN-x).") var experiment: String
    @Option(help: "A name for the run.") var name: String?
    @Option(help: "The run's seed (RIGOR_SEED for the child; rigor.seed() in Python).") var seed: Int?
    @Option(help: "The arm (condition) this run belongs to.") var arm: String?
    @Option(help: "Protocol phase: sanity, baseline, mve, full (default adhoc).") var phase: String?
    @Option(help: "What the run is for: training (default), evaluation, analysis or export. Only training runs count toward the spec's max training runs.") var kind: String?
    @Option(help: "The unit of work this run is an attempt of (default: derived from the command, seed and arm); attempts of one unit count once toward max training runs.") var unit: String?
    @Option(help: "GPUs allocated (default: the CUDA_VISIBLE_DEVICES count, else 0).") var gpus: Int?
    @Option(help: "Stop the run after this long (e.g. 90s, 30m, 2h).") var timeout: String?
    @Option(name: .customLong("abort"), help: "An abort rule (repeatable), e.g. 'isnan(loss)' or 'loss > 10 for 3 steps'.") var abortRules: [String] = []
    @Flag(help: "Also enforce the machine-checkable abort criteria of the spec.") var specAbort = false
    @Option(help: "The experiment spec (default: found from the results folder's workspace).") var spec: String?
    @Option(help: "Seconds between SIGTERM and SIGKILL when stopping the run.") var killGrace: Double = 5
    @Flag(name: .customLong("no-guard"), help: "Run without the guard when no spec can be found for the experiment (recorded in run.json).") var noGuard = false
    @Flag(help: "Print one JSON object per event and the run record as JSON on stdout (child output is not echoed).") var json = false
    @Flag(help: "Print one line per metric event on stderr (default: a live status line on a terminal, nothing per event otherwise).") var events = false
    @Argument(parsing: .postTerminator, help: "The command to run (after --).") var command: [String] = []

    func run() async throws {
        // Inside rigor run's sandbox the outer Rigor process runs it (docs/broker.md).
        if let status = BrokerForwarding.forwardIfBrokered(.exec) { throw ExitCode(status) }
        guard !command.isEmpty else { ExecCLI.fail("no command given: put the command after `--`") }
        var phaseValue = RunPhase.adhoc
        if let phase {
            guard let p = RunPhase(rawValue: phase) else { ExecCLI.fail("--phase \(phase): expected sanity, baseline, mve, full or adhoc") }
            phaseValue = p
        }
        var kindValue = RunKind.training
        if let kind {
            guard let k = RunKind(rawValue: kind) else { ExecCLI.fail("--kind \(kind): expected training, evaluation, analysis or export") }
            kindValue = k
        }
        if let unit, !RunID.isValid(unit) { ExecCLI.fail("--unit \(unit): use letters, digits, '.', '_', '-' (not starting with '.')") }
        var timeoutSeconds: Double?
        if let timeout {
            guard let s = DurationText.seconds(in: timeout) ?? Double(timeout), s > 0 else {
                ExecCLI.fail("--timeout \(timeout): expected a duration such as 90s, 30m or 2h")
            }
            timeoutSeconds = s
        }
        if let gpus, gpus < 0 { ExecCLI.fail("--gpus \(gpus): expected 0 or more") }
        let experimentDir = Workspace.absolute(experiment)
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: experimentDir, isDirectory: &isDir) {
            // A new experiment's results folder is created with its records (by the guard, or the
            // supervisor with --no-guard), once the run is allowed; here only its place is checked.
            let parent = (experimentDir as NSString).deletingLastPathComponent
            guard (parent as NSString).lastPathComponent == "results",
                  FileManager.default.fileExists(atPath: (parent as NSString).deletingLastPathComponent) else {
                ExecCLI.fail("\(experiment): no such results folder, and it is not results/<exp> of an existing workspace")
            }
        } else if !isDir.boolValue {
            ExecCLI.fail("\(experiment): not a folder; expected the experiment's results folder (results/exp-NNN-x)")
        }
        var rules = abortRules
        var budget: ResourceBudget?
        var session: GuardSession?
        StrayProcesses.becomeSubreaper()
        switch ExperimentSpecLocator.load(experimentDir: experimentDir, explicit: spec) {
        case .found(let s):
            if let why = BrokerForwarding.specMismatch(s.path) { ExecCLI.fail(why) }
            budget = s.resourceBudget
            let set: ProtectedSet
            do { set = try ProtectedSet.make(specPath: s.path) } catch {
                ExecCLI.fail("cannot guard the protected files of \(s.path): \(error)", code: 1)
            }
            // The guard protects the workspace the spec belongs to; the run must write to that
            // workspace's results folder for this experiment, not to another one.
            if PathResolution.resolve(experimentDir, relativeTo: "/") != set.experimentResultsDir {
                ExecCLI.fail("--spec \(s.path) belongs to the experiment folder \(set.experimentResultsDir), not \(experimentDir); pass the spec of the workspace that owns --experiment")
            }
            if noGuard { ExecCLI.fail("--no-guard is only for an experiment without a spec; \(s.path) guards this one") }
            do { session = try GuardSession.begin(set: set, phase: "exec") } catch {
                ExecCLI.fail("cannot guard the protected files of \(s.path): \(error)", code: 1)
            }
            if specAbort {
                // A single run applies the criteria's live rules; the others need the protocol engine.
                var logged: [String: String] = [:]
                for rule in rules { (try? AbortRule.parse(rule))?.metrics.forEach { logged[MetricKey.normalize($0)] = $0 } }
                let context = AbortDerivationContext(budget: s.resourceBudget, computeProfile: s.computeProfile,
                                                     metricKeys: s.metrics.map(\.key), loggedKeys: logged)
                for e in AbortRuleDerivation.enforcement(of: s.abortCriteria, context: context) {
                    for r in e.rules where r.scope == .live && !rules.contains(r.rule) { rules.append(r.rule) }
                    if !e.isEnforced {
                        ExecCLI.note("spec abort criterion not enforced (line \(e.criterion.line)): \(e.notEnforced ?? "")")
                    } else if e.rules.contains(where: { $0.scope != .live }) {
                        ExecCLI.note("spec abort criterion line \(e.criterion.line) is applied by 'rigor protocol run', not by a single run: \(e.description)")
                    }
                }
            }
        case .notFound(let why):
            if let refusal = BrokerForwarding.specMismatch(nil) { ExecCLI.fail(refusal) }
            if specAbort || spec != nil { ExecCLI.fail(why) }
            guard noGuard else {
                ExecCLI.fail("no spec found for \(experiment) (\(why)), so nothing can be guarded; pass --spec experiments/<id>.md, or --no-guard to run unguarded (recorded in run.json)")
            }
            ExecCLI.note("no spec found (\(why)); --no-guard: the run is NOT sandboxed and is metered without budget limits")
        case .failed(let why):
            ExecCLI.fail(why)
        }
        let control = RunControl()
        InterruptSignals.forward(to: control)
        var request = RunRequest(experimentDir: experimentDir, command: command, workingDirectory: FileManager.default.currentDirectoryPath,
                                 name: name, seed: seed, arm: arm, phase: phaseValue, gpus: gpus ?? 0, timeoutSeconds: timeoutSeconds,
                                 abortRules: rules, echoOutput: !json, budget: budget)
        request.killGraceSeconds = killGrace
        request.kind = kindValue
        request.unit = unit
        request.wrapper = session?.wrapper
        if session == nil { request.guardNote = "none: --no-guard (no spec found for the experiment)" }
        request.control = control
        request.observer = ExecProgress(mode: json ? .json : events ? .lines : (isatty(2) == 1 ? .statusLine : .quiet), budget: budget)
        let record: RunRecord
        let outcome: Result<RunRecord, SupervisorError>
        do { outcome = .success(try await Supervisor.run(request)) } catch { outcome = .failure(error) }
        // Verify the protected set whatever happened to the run; changes are restored and recorded.
        var tamperNotes: [String] = []
        if let session {
            do { tamperNotes = try session.finish() } catch { tamperNotes = ["the protected files could not be verified: \(error)"] }
        }
        for note in tamperNotes { Console.error("TAMPER: \(note)") }
        switch outcome {
        case .success(let r): record = r
        case .failure(let error):
            if case .budgetRefused = error { ExecCLI.fail(error.description, code: 4) }
            ExecCLI.fail(error.description)
        }
        if json {
            let value = (try? RunRecordFile.encode(record)) ?? .null
            print(value.serialized(pretty: false))
        } else {
            var line = "rigor: run \(record.runID) \(record.status.rawValue) after \(DurationText.format(seconds: record.wallSeconds))"
            if let code = record.exitCode { line += ", exit \(code)" }
            if let sig = record.signal { line += ", signal \(sig)" }
            if let why = record.abortReason { line += ": \(why)" }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        if session == nil { UnguardedRuns.record(record.runID, experimentDir: experimentDir) }
        throw ExitCode(ExecExitStatus.code(for: record.status, tampered: !tamperNotes.isEmpty))
    }
}

/// Error and note printing shared by exec, budget and status.
enum ExecCLI {
    /// Prints `rigor: <message>` to stderr and exits with `code` (2: unusable input).
    static func fail(_ message: String, code: Int32 = 2) -> Never {
        Console.error(message)
        Foundation.exit(code)
    }

    /// Prints `rigor: note: <message>` to stderr.
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("rigor: note: \(message)\n".utf8))
    }
}

/// `rigor exec`'s exit statuses: Rigor's own, never the command's (which is printed and recorded).
enum ExecExitStatus {
    static func code(for status: RunStatus, tampered: Bool) -> Int32 {
        if tampered && status != .interrupted { return 3 }
        switch status {
        case .succeeded: return 0
        case .failed, .signaled: return 1
        case .interrupted: return 130
        case .aborted, .timedOut, .budgetExhausted, .incomplete: return 3
        }
    }
}
