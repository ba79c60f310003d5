import RigorSupervisor

/// How a unit ended after its attempts.
public struct UnitResult: Sendable {
    public var unit: RunUnit
    public var attempts: [RunAttempt]
    /// The succeeded run, if any.
    public var record: RunRecord?
    /// The last attempt's record when no attempt succeeded.
    public var lastFailure: RunAttempt?
    /// A spec abort criterion that stopped this unit and what it says to do (the run is left out
    /// of the aggregates; `abort_run` and `skip_configuration` let the experiment go on).
    public var criterion: CriterionHit? = nil

    public var succeeded: Bool { record != nil }

    /// The unit did not succeed, but the criterion that stopped it lets the experiment go on.
    public var continuesExperiment: Bool {
        guard let action = criterion?.action else { return false }
        return action == .abortRun || action == .skipConfiguration
    }

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
        if let criterion { return criterion.text }
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
        if let criterion { return criterion.action == .abortExperiment }
        guard let status = lastFailure?.record?.status else { return false }
        return status == .aborted || status == .budgetExhausted
    }
}

/// A spec abort criterion that held for a unit's run.
public struct CriterionHit: Sendable, Equatable {
    public var action: AbortAction
    /// `run full-a-seed0-a1: spec line 41 (abort_run): `isnan(loss)` tripped …`.
    public var text: String
}
