import Foundation
import RigorBasics
import RigorSpec
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one command as one supervised run (see docs/run-record.md, docs/events.md).
public enum Supervisor {
    /// Starts the run, watches it to the end and returns its record (also in `runs/<id>/run.json`).
    /// Throws only when the run cannot start (or its files cannot be written); a run that
    /// fails, is aborted, times out or is interrupted returns a record saying so.
    /// Cancelling the awaiting Task stops the run as `interrupted`.
    public static func run(_ request: RunRequest) async throws(SupervisorError) -> RunRecord {
        let stop = try StopSwitch()
        request.control?.attach(stop)
        defer { request.control?.detach(stop) }
        // Preparation (git, the Python probe, the ledger's lock and fsync) blocks, and so
        // does watching the run: both happen on the run's own thread, never on the
        // cooperative pool that the caller's other tasks (and other runs) share.
        let result: Result<RunRecord, SupervisorError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<RunRecord, SupervisorError>, Never>) in
                let thread = Thread {
                    let prepared: PreparedRun
                    switch Result(catching: { () throws(SupervisorError) in try RunPreparation.prepare(request, stop: stop) }) {
                    case .success(let p): prepared = p
                    case .failure(let error): continuation.resume(returning: .failure(error)); return
                    }
                    Thread.current.name = "rigor-run-\(prepared.runID)"
                    let monitor = RunMonitor(prepared: prepared, stop: stop)
                    continuation.resume(returning: monitor.run())
                }
                thread.name = "rigor-run"
                thread.start()
            }
        } onCancel: {
            stop.request(.interrupted)
        }
        return try result.get()
    }
}

/// Everything decided before the child starts.
struct PreparedRun: @unchecked Sendable {
    var request: RunRequest
    var runID: String
    var runDir: String
    /// The run folder, opened without following links; every record file is created in it.
    var runHandle: DirectoryHandle
    var argv: [String]
    var executable: String
    var environment: [String: String]
    var rules: [AbortRule]
    var gpus: Int
    var ledger: BudgetLedger
    var standing: BudgetStanding
    var record: RunRecord
}

enum RunPreparation {
    static func prepare(_ request: RunRequest, stop: StopSwitch? = nil) throws(SupervisorError) -> PreparedRun {
        guard let first = request.command.first, !first.isEmpty else { throw .emptyCommand }
        let cwd = Workspace.absolute(request.workingDirectory)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: cwd, isDirectory: &isDir), isDir.boolValue else { throw .badWorkingDirectory(cwd) }
        var rules: [AbortRule] = []
        for text in request.abortRules {
            do { rules.append(try AbortRule.parse(text)) } catch { throw .badAbortRule(error) }
        }
        let experimentDir = Workspace.absolute(request.experimentDir)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in request.environment { env[k] = v }
        guard let executable = ChildProcess.resolveExecutable(first, path: env["PATH"], cwd: cwd) else { throw .commandNotFound(first) }
        if let interpreter = ScriptArgument.missingInterpreter(executable, path: env["PATH"], cwd: cwd) {
            throw .interpreterNotFound(program: first, interpreter: interpreter)
        }
        if let missing = ScriptArgument.missingScript(request.command, cwd: cwd) { throw .scriptNotFound(missing) }
        let signature = RunRequest.derivedUnit(command: request.command, seed: request.seed, arm: request.arm)
        let unit = request.unit ?? signature

        // GPUs: --gpus, else the CUDA_VISIBLE_DEVICES count, else 0.
        var gpus = request.gpus
        var gpusSource = "request"
        if gpus <= 0 {
            gpus = 0
            gpusSource = "none"
            if let cvd = env["CUDA_VISIBLE_DEVICES"]?.trimmingCharacters(in: .whitespaces), !cvd.isEmpty, cvd != "-1" {
                gpus = cvd.split(separator: ",").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
                gpusSource = "CUDA_VISIBLE_DEVICES"
            }
        }

        // Run folder: always a fresh one, created (never followed) under a directory opened
        // without following links; a run id whose folder exists already is an error.
        let runs: DirectoryHandle
        do { runs = try DirectoryHandle.openCreating(experimentDir).subdirectory("runs", create: true) } catch {
            throw .io(error.description)
        }
        let runsDir = runs.path
        var runID: String
        let runHandle: DirectoryHandle
        if let given = request.runID {
            guard RunID.isValid(given) else { throw .badRunID(given) }
            runID = given
            do { runHandle = try runs.subdirectory(given, exclusive: true) } catch { throw .io("run folder: \(error.description)") }
        } else {
            var made: DirectoryHandle?
            runID = ""
            for _ in 0..<100 where made == nil {
                runID = RunID.generate()
                if mkdirat(runs.fd, runID, 0o755) == 0 {
                    RecordWitnesses.created(runsDir + "/" + runID)
                    do { made = try runs.subdirectory(runID) } catch { throw .io("run folder: \(error.description)") }
                } else if errno != EEXIST {
                    throw .io("cannot create the run folder \(runsDir)/\(runID): \(String(cString: strerror(errno)))")
                }
            }
            guard let made else { throw .io("cannot find a free run id under \(runsDir)") }
            runHandle = made
        }
        let runDir = runHandle.path

        // The child's environment: the rigor module on PYTHONPATH, the run's identity.
        let helperDir = try PythonHelper.install(in: runs)
        env["PYTHONPATH"] = helperDir + (env["PYTHONPATH"].map { $0.isEmpty ? "" : ":" + $0 } ?? "")
        env["RIGOR_EVENTS_FD"] = String(ChildProcess.childEventsFD)
        env["RIGOR_RUN_ID"] = runID
        env["RIGOR_RUN_DIR"] = runDir
        env["RIGOR_PHASE"] = request.phase.rawValue
        if let seed = request.seed { env["RIGOR_SEED"] = String(seed) } else { env["RIGOR_SEED"] = nil }
        if let arm = request.arm { env["RIGOR_ARM"] = arm } else { env["RIGOR_ARM"] = nil }

        var argv = request.command
        argv[0] = executable
        var sandbox: String? = request.guardNote
        if let wrapper = request.wrapper {
            do { argv = try wrapper.wrap(request.command, workingDirectory: cwd) } catch { throw .wrapperFailed("\(error)") }
            guard let w = argv.first, let wexe = ChildProcess.resolveExecutable(w, path: env["PATH"], cwd: cwd) else {
                throw .wrapperFailed("the wrapped command is empty or its program is not on PATH")
            }
            argv[0] = wexe
            sandbox = wrapper.summary
        }

        var probes = ProbeRunner(wrapper: request.wrapper, untrustedRoots: [Workspace.absolute(cwd), experimentDir])
        if let stop { probes.cancelled = { stop.request != nil } }
        let provenance = Provenance.collect(command: request.command, executable: executable, cwd: cwd, env: env,
                                            gpus: gpus, gpusSource: gpusSource, cache: runs, probes: probes)

        let record = RunRecord(runID: runID, name: request.name, command: request.command, workingDirectory: cwd,
                               seed: request.seed, arm: request.arm, phase: request.phase, gpus: gpus,
                               startedAt: isoTimestamp(), endedAt: nil, status: .incomplete, exitCode: nil, signal: nil,
                               wallSeconds: 0, gpuHours: 0, steps: 0, finalMetrics: JSONObject(), lastValues: JSONObject(),
                               abortReason: nil, provenance: provenance, sandbox: sandbox,
                               eventCount: 0, invalidEventLines: 0, abortEvent: nil, runDirectory: "runs/" + runID,
                               kind: request.kind, unit: unit, abortRules: request.abortRules, timeoutSeconds: request.timeoutSeconds)

        // Budget: the check and the start line it allows happen under one lock.
        let ledger = BudgetLedger(experimentDir: experimentDir)
        let outcome: (standing: BudgetStanding, refusal: String?)
        do {
            outcome = try ledger.withLock { fd throws(LedgerError) -> (BudgetStanding, String?) in
                let standing = BudgetStanding(summary: try ledger.read(), budget: request.budget)
                if let why = standing.refusal(phase: request.phase, kind: request.kind, unit: unit, signature: signature, gpus: gpus) {
                    try ledger.append(JSONObject([("event", "refused"), ("phase", .string(request.phase.rawValue)),
                                                  ("command", .array(request.command.map { .string($0) })), ("reason", .string(why))]), lockedFD: fd)
                    return (standing, why)
                }
                try ledger.append(JSONObject([("event", "run_started"), ("run_id", .string(runID)), ("phase", .string(request.phase.rawValue)),
                                              ("arm", request.arm.map { .string($0) } ?? .null), ("seed", request.seed.map { .number(Double($0)) } ?? .null),
                                              ("gpus", .number(Double(gpus))), ("kind", .string(request.kind.rawValue)), ("unit", .string(unit)),
                                              ("signature", .string(signature)), ("source", .string(request.source)),
                                              ("counts_toward_max_runs", .bool(BudgetStanding.countsTowardMaxRuns(phase: request.phase, kind: request.kind)))]), lockedFD: fd)
                return (standing, nil)
            }
        } catch { throw .ledger(error) }
        if let why = outcome.refusal {
            if request.runID == nil { unlinkat(runs.fd, runID, AT_REMOVEDIR) }
            throw .budgetRefused(why)
        }
        let standing = outcome.standing
        try RunRecordFile.write(record, in: runHandle)
        return PreparedRun(request: request, runID: runID, runDir: runDir, runHandle: runHandle, argv: argv, executable: executable,
                           environment: env, rules: rules, gpus: gpus, ledger: ledger, standing: standing, record: record)
    }
}

/// Reading and writing `runs/<run-id>/run.json`.
public enum RunRecordFile {
    /// Writes the record atomically as `run.json` in the run folder.
    static func write(_ record: RunRecord, in runDir: DirectoryHandle) throws(SupervisorError) {
        do {
            let json = try encode(record).serialized(pretty: true)
            try runDir.writeAtomically("run.json", Array(json.utf8))
        } catch { throw .io("cannot write \(runDir.path)/run.json: \(error)") }
    }

    /// The record as a JSON value with keys in a stable (sorted) order.
    public static func encode(_ record: RunRecord) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try JSONReader.parse(try encoder.encode(record)).value
    }

    /// Reads a run record (as written by `write`).
    public static func read(runDir: String) throws(SupervisorError) -> RunRecord {
        let path = runDir + "/run.json"
        do {
            let data = try TextFile.readBytes(path, limit: 64 << 20)
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            return try decoder.decode(RunRecord.self, from: data)
        } catch let e as RigorFileError {
            throw .io(e.description)
        } catch {
            throw .io("\(path): not a run record: \(error)")
        }
    }

    /// Every run record under `<experimentDir>/runs`, sorted by run id, plus unreadable ones.
    public static func all(experimentDir: String) -> (records: [RunRecord], problems: [String]) {
        let runs = experimentDir + "/runs"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).filter { name in
            var isDir: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: runs + "/" + name, isDirectory: &isDir) && isDir.boolValue
        }.sorted()
        var records: [RunRecord] = []
        var problems: [String] = []
        for n in names {
            do { records.append(try read(runDir: runs + "/" + n)) } catch { problems.append(error.description) }
        }
        return (records, problems)
    }
}
