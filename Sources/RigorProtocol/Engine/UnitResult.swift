import RigorSupervisor

/// How a unit ended after its attempts.
public struct UnitResult: Sendable {
    public var unit: RunUnit
    public var attempts: [RunAttempt]
    /// The succeeded run, if any.
    public var record: RunRecord?
    /// The last attempt's record when no attempt succeeded.
    public var lastFailure: RunAttempt?

    public var succeeded: Bool { record != nil }

    /// The last attempt could not be launched (and was not refused by the budget): the plan or
    /// the environment is at fault, the experiment is not.
    public var launchFailed: Bool {
        guard let last = lastFailure else { return false }
        return last.record == nil && last.launchError != nil && !last.refusedByBudget
    }

    /// The budget refused the last attempt before it started.
    public var refusedByBudget: Bool { lastFailure?.refusedByBudget ?? false }

    /// `run full-a-seed1-a2 ended failed (exit code 1)`.
    public var failureText: String {
        guard let attempt = lastFailure else { return "run of \(unit.idPrefix) did not succeed" }
        if let record = attempt.record {
            var text = "run \(record.runID) ended \(record.status.rawValue)"
            if let code = record.exitCode { text += " (exit code \(code))" }
            if let sig = record.signal { text += " (signal \(sig))" }
            if let reason = record.abortReason { text += ": \(reason)" }
            return text
        }
        if attempt.refusedByBudget { return "run \(attempt.runID) refused by the budget: \(attempt.launchError ?? "")" }
        return "run \(attempt.runID) could not be launched: \(attempt.launchError ?? "no record")"
    }

    /// An abort rule or the budget stopped the run: the experiment stops whatever the failure policy.
    public var stoppedByRule: Bool {
        if launchFailed || refusedByBudget { return true }
        guard let status = lastFailure?.record?.status else { return false }
        return status == .aborted || status == .budgetExhausted
    }
}
