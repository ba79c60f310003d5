import Foundation
import RigorBasics
import RigorSpec
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The budget ledger cannot be read or appended to.
public enum LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let p, let r): return "\(p): cannot read the budget ledger: \(r)"
        case .unwritable(let p, let r): return "\(p): cannot append to the budget ledger: \(r); check the results folder is writable"
        }
    }
}

/// A ledger line that could not be used (reported, never silently dropped).
public struct LedgerIssue: Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    public var problem: String
    /// True for the last line when it lacks its newline: a crash mid-append.
    public var tornTail: Bool
    public var description: String { "ledger.jsonl line \(line): \(problem)" }
}

/// What the ledger says has been spent, summed from its lines (docs/budget.md).
public struct LedgerSummary: Sendable, Equatable {
    /// Runs that started (every phase and kind, every attempt; never-started ones are not in it).
    public var runsStarted = 0
    /// Training runs counted toward the spec's max training runs: distinct units of kind
    /// training outside the sanity phase; further attempts of a unit count once, and a run
    /// whose command never started counts nothing.
    public var runsCounted: Int { countedUnits.count }
    /// The units counted toward max training runs, sorted.
    public var countedUnits: [String] = []
    /// Attempts beyond the first of the counted units (recorded, not counted).
    public var repeatedAttempts = 0
    /// Started runs by kind (`training`, `evaluation`, …; sanity runs under `sanity`).
    public var runsByKind: [String: Int] = [:]
    /// Started runs of `rigor exec` (phase adhoc) and of the protocol engine (every other phase).
    public var execRuns = 0
    public var protocolRuns = 0
    public var runsFinished = 0
    /// Runs whose command could not be started (cost nothing).
    public var neverStarted = 0
    /// Runs with a start line and no finish line (the supervisor died, or the run is live).
    public var unfinishedRunIDs: [String] = []
    /// Seconds during which at least one run was in progress (the union of the finished runs'
    /// intervals, so parallel runs are not double-counted), every attempt included.
    public var wallSeconds = 0.0
    public var gpuHours = 0.0
    public var steps = 0
    public var refusals = 0
    /// Reasons of every overrun line, in order.
    public var overruns: [String] = []
    public var issues: [LedgerIssue] = []

    public init() {}

    /// Start lines whose run never got a record (see `BudgetLedger.read(reconciling:)`).
    public var orphanStarts: [String] = []
    /// Per counted unit, the signatures (command, seed, arm) of its attempts ("*" for lines
    /// written before signatures existed).
    public var unitSignatures: [String: Set<String>] = [:]

    /// Whether a run of `unit` with this signature is another attempt of a unit already counted:
    /// the same unit name with the same command, seed and arm. The same name with another
    /// command is a new training run (a unit name alone does not make a run free).
    public func isCounted(unit: String, signature: String? = nil) -> Bool {
        guard let known = unitSignatures[unit] else { return false }
        guard let signature else { return true }
        return known.contains(signature) || known.contains("*")
    }

    /// One line saying which runs these figures include.
    public var includes: String {
        var kinds = runsByKind.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        if kinds.isEmpty { kinds = "none" }
        return "every run of the experiment in ledger.jsonl: \(runsStarted) started (\(protocolRuns) by the protocol engine, \(execRuns) by rigor exec; \(kinds)), \(runsCounted) training unit(s) counted toward max training runs (\(repeatedAttempts) repeated attempt(s) counted once), \(neverStarted) never started (not charged)"
    }
}

/// `results/exp-…/ledger.jsonl`: the experiment's append-only, fsync'd budget journal.
/// One JSON object per line: run_started, run_finished, overrun, refused.
public struct BudgetLedger: Sendable {
    public let path: String
    public let experimentDir: String
    public static let fileName = "ledger.jsonl"

    public init(experimentDir: String) {
        self.experimentDir = experimentDir
        path = experimentDir + "/" + Self.fileName
    }

    /// Reads and sums the ledger (a missing ledger is an empty one). A symlink at the ledger's
    /// place is refused, never followed.
    ///
    /// With `reconciling`, for reports: a start line with no finish line and no run record is a
    /// run whose supervisor died before the command could start (the record is written before
    /// the child is spawned), so it is reported and charged as never started. Budget checks do
    /// not reconcile: a run another process is starting right now has its start line and not
    /// yet its record.
    public func read(reconciling: Bool = false) throws(LedgerError) -> LedgerSummary {
        guard FileManager.default.fileExists(atPath: experimentDir) else { return LedgerSummary() }
        let bytes: [UInt8]?
        do { bytes = try DirectoryHandle.open(experimentDir).read(Self.fileName, limit: 1 << 30) } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        let summary = BudgetLedger.summarise(bytes ?? [])
        guard reconciling else { return summary }
        let orphans = summary.unfinishedRunIDs.filter { id in
            !id.isEmpty && !FileManager.default.fileExists(atPath: experimentDir + "/runs/" + id + "/run.json")
        }
        guard !orphans.isEmpty else { return summary }
        var reconciled = BudgetLedger.summarise(bytes ?? [], orphans: Set(orphans))
        reconciled.orphanStarts = orphans
        return reconciled
    }

    /// Sums ledger lines. `orphans` are started runs that never got a record (see `reconciled`):
    /// they are reported, and charged, as never started.
    static func summarise(_ bytes: [UInt8], orphans: Set<String> = []) -> LedgerSummary {
        var summary = LedgerSummary()
        var started: [String: Bool] = [:]
        var order: [String] = []
        var countedStarts: [(runID: String, unit: String, signature: String?)] = []
        var neverStarted = orphans
        var intervals: [(Double, Double)] = []
        var unplaced = 0.0
        var steps = 0.0
        var startInfo: [String: (source: String, kind: String)] = [:]
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        let endsWithNewline = bytes.last == 0x0A
        /// A meter value: finite and not negative, else 0 and an issue (the ledger is Rigor's own;
        /// such a value means it was edited by hand).
        func meter(_ o: JSONObject, _ key: String, line: Int) -> Double {
            guard let v = o[key]?.doubleValue else { return 0 }
            if v.isFinite && v >= 0 && v < 1e15 { return v }
            summary.issues.append(LedgerIssue(line: line, problem: "\(key) \(JSONValue.format(number: v)) is not a usable amount (negative, non-finite or absurd); counted as 0", tornTail: false))
            return 0
        }
        for (i, slice) in lines.enumerated() {
            let isLast = i == lines.count - 1
            if isLast && slice.isEmpty { break }
            let lineNumber = i + 1
            let torn = isLast && !endsWithNewline
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            guard let doc = try? JSONReader.parse(bytes: Array(slice)), case .object(let o) = doc.value,
                  let event = o["event"]?.stringValue else {
                summary.issues.append(LedgerIssue(line: lineNumber, problem: torn
                    ? "torn last line (no newline, not a complete JSON object): a crash mid-append; its run is counted from its other lines"
                    : "not a ledger entry (expected a JSON object with \"event\"); ignored", tornTail: torn))
                continue
            }
            let runID = o["run_id"]?.stringValue ?? ""
            switch event {
            case "run_started":
                guard started[runID] == nil else {
                    summary.issues.append(LedgerIssue(line: lineNumber, problem: "a second start line for run \(runID); ignored", tornTail: false))
                    continue
                }
                let phase = o["phase"]?.stringValue ?? "adhoc"
                let source = o["source"]?.stringValue ?? (phase == RunPhase.adhoc.rawValue ? "exec" : "protocol")
                let kind = o["kind"]?.stringValue ?? RunKind.training.rawValue
                startInfo[runID] = (source, phase == RunPhase.sanity.rawValue ? "sanity " + kind : kind)
                if o["counts_toward_max_runs"]?.boolValue ?? true {
                    countedStarts.append((runID, o["unit"]?.stringValue ?? BudgetLedger.unit(ofRunID: runID, phase: phase),
                                          o["signature"]?.stringValue))
                }
                order.append(runID)
                started[runID] = false
            case "run_finished":
                guard started[runID] == false else {
                    summary.issues.append(LedgerIssue(line: lineNumber, problem: started[runID] == nil
                        ? "a finish line for run \(runID), which has no start line; ignored"
                        : "a second finish line for run \(runID); ignored", tornTail: false))
                    continue
                }
                summary.runsFinished += 1
                let wall = meter(o, "wall_seconds", line: lineNumber)
                if let at = o["started_at"]?.stringValue.flatMap(ISOTimestamp.parse) { intervals.append((at, at + wall)) } else { unplaced += wall }
                summary.gpuHours += meter(o, "gpu_hours", line: lineNumber)
                steps += meter(o, "steps", line: lineNumber)
                if o["never_started"]?.boolValue == true { neverStarted.insert(runID) }
                started[runID] = true
            case "overrun": summary.overruns.append(o["reason"]?.stringValue ?? "(no reason)")
            case "refused": summary.refusals += 1
            default:
                summary.issues.append(LedgerIssue(line: lineNumber, problem: "unknown event \"\(event)\"; ignored", tornTail: false))
            }
        }
        for id in order where !neverStarted.contains(id) {
            guard let info = startInfo[id] else { continue }
            summary.runsStarted += 1
            if info.source == "exec" { summary.execRuns += 1 } else { summary.protocolRuns += 1 }
            summary.runsByKind[info.kind, default: 0] += 1
        }
        var signatures: [String: Set<String>] = [:]
        var attempts = 0
        for start in countedStarts where !neverStarted.contains(start.runID) {
            attempts += 1
            signatures[start.unit, default: []].insert(start.signature ?? "*")
        }
        summary.unitSignatures = signatures
        summary.countedUnits = signatures.keys.sorted()
        summary.repeatedAttempts = attempts - signatures.count
        summary.neverStarted = neverStarted.count
        summary.steps = Int(min(steps, 1e15))
        summary.wallSeconds = ((IntervalUnion.length(intervals) + unplaced) * 1000).rounded() / 1000
        summary.unfinishedRunIDs = order.filter { started[$0] == false && !neverStarted.contains($0) }
        return summary
    }

    /// The unit of a run started before ledger lines named it: a protocol run id is its unit
    /// with `-a<attempt>` appended; any other run is its own unit.
    static func unit(ofRunID runID: String, phase: String) -> String {
        guard phase != RunPhase.adhoc.rawValue, let cut = runID.range(of: "-a", options: .backwards) else { return runID }
        let digits = runID[cut.upperBound...]
        return !digits.isEmpty && digits.allSatisfy(\.isNumber) ? String(runID[..<cut.lowerBound]) : runID
    }

    /// Appends one entry (with an `at` timestamp) as one line, fsync'd. A torn last line
    /// is closed with a newline first so the new entry stays readable.
    public func append(_ entry: JSONObject) throws(LedgerError) {
        try withLock { fd throws(LedgerError) in try append(entry, lockedFD: fd) }
    }

    /// Appends while the caller holds `withLock` (fd is the locked ledger).
    public func append(_ entry: JSONObject, lockedFD fd: Int32) throws(LedgerError) {
        var line = JSONObject([("at", .string(isoTimestamp()))])
        for (k, v) in entry { line[k] = v }
        var bytes = Array(JSONValue.object(line).serialized(pretty: false).utf8)
        bytes.append(0x0A)
        let size = lseek(fd, 0, SEEK_END)
        if size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, size - 1) == 1, last != 0x0A { bytes.insert(0x0A, at: 0) }
        }
        try writeAll(fd, bytes)
        RecordWitnesses.appended(path, bytes)
        if fsync(fd) != 0 { throw .unwritable(path: path, reason: "fsync: \(String(cString: strerror(errno)))") }
    }

    /// Runs `body` holding an exclusive lock on the ledger (flock), so a budget check and
    /// the start line it allows are atomic across processes.
    public func withLock<T>(_ body: (Int32) throws(LedgerError) -> T) throws(LedgerError) -> T {
        let fd: Int32
        do { fd = try DirectoryHandle.open(experimentDir).openAppending(Self.fileName) } catch {
            throw .unwritable(path: path, reason: error.description)
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw .unwritable(path: path, reason: "lock: \(String(cString: strerror(errno)))") }
        }
        defer { _ = flock(fd, LOCK_UN) }
        return try body(fd)
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(LedgerError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unwritable(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
    }
}

/// Budget arithmetic: what the spec allows, what the ledger says is spent.
public struct BudgetStanding: Sendable, Equatable {
    public var summary: LedgerSummary
    public var budget: ResourceBudget?

    public init(summary: LedgerSummary, budget: ResourceBudget?) { self.summary = summary; self.budget = budget }

    /// A stated numeric limit (nil for absent or N/A).
    public static func limit(_ l: BudgetLimit?) -> Double? { l.flatMap { $0.notApplicable ? nil : $0.value } }

    public var maxRuns: Double? { BudgetStanding.limit(budget?.maxTrainingRuns) }
    public var maxWallSeconds: Double? { BudgetStanding.limit(budget?.maxWallClockSeconds) }
    public var maxGPUHours: Double? { BudgetStanding.limit(budget?.maxGPUHours) }

    /// Why a new run must not start, or nil when it may. A training run outside the sanity
    /// phase needs a free training run, unless it is another attempt of a unit already counted.
    public func refusal(phase: RunPhase, kind: RunKind = .training, unit: String? = nil, signature: String? = nil, gpus: Int) -> String? {
        if BudgetStanding.countsTowardMaxRuns(phase: phase, kind: kind), let max = maxRuns,
           !(unit.map { summary.isCounted(unit: $0, signature: signature) } ?? false), Double(summary.runsCounted) >= max {
            return "the spec allows at most \(EventValues.format(max)) training runs (Resource Budget, line \(budget?.maxTrainingRuns?.line ?? 0)) and the ledger already counts \(summary.runsCounted) (runs of kind evaluation, analysis or export are not counted; attempts of one unit with the same command, seed and arm count once)"
        }
        if let max = maxWallSeconds, summary.wallSeconds >= max {
            return "the wall-clock budget is spent: \(DurationText.format(seconds: summary.wallSeconds)) used of \(DurationText.format(seconds: max)) (line \(budget?.maxWallClockSeconds?.line ?? 0))"
        }
        if gpus > 0, let max = maxGPUHours, summary.gpuHours >= max {
            return "the GPU-hour budget is spent: \(EventValues.format(summary.gpuHours)) used of \(EventValues.format(max)) (line \(budget?.maxGPUHours?.line ?? 0))"
        }
        return nil
    }

    /// Training runs count toward max training runs, in every phase (a sanity step that trains is
    /// a training run; give it another kind when it does not train).
    public static func countsTowardMaxRuns(phase: RunPhase, kind: RunKind) -> Bool { kind == .training }
}

/// The length of a union of time intervals (parallel runs are not double-counted).
public enum IntervalUnion {
    public static func length(_ intervals: [(Double, Double)]) -> Double {
        var total = 0.0
        var current: (Double, Double)?
        for iv in intervals.sorted(by: { $0.0 < $1.0 }) {
            if let c = current, iv.0 <= c.1 { current = (c.0, max(c.1, iv.1)) }
            else { if let c = current { total += c.1 - c.0 }; current = iv }
        }
        if let c = current { total += c.1 - c.0 }
        return total
    }
}
