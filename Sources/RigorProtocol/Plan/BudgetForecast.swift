import Foundation
import RigorBasics
import RigorSpec
import RigorSupervisor

/// The runs a plan will make, against what the spec's budget has left (docs/budget.md).
/// Definite overruns (more training runs or seeds than the spec allows) are errors; estimates
/// from the spec's compute profile over the budget left are warnings.
struct BudgetForecast {
    var lines: [String] = []
    var errors: [String] = []
    var warnings: [String] = []

    init(checked: CheckedPlan, ledger: LedgerSummary) {
        let plan = checked.plan
        let spec = checked.spec
        let standing = BudgetStanding(summary: ledger, budget: spec.resourceBudget)
        let trainingSanity = checked.sanityUnits.filter { unit in plan.sanity.first { $0.name == unit.step }?.kind == .training }
        let counted = trainingSanity + (plan.kind == .training ? checked.baselineUnits + checked.mveUnits + checked.fullUnits : [])
        let new = counted.filter { !ledger.isCounted(unit: $0.idPrefix) }
        let breakdown = "sanity \(trainingSanity.count), baseline \(checked.baselineUnits.count), MVE \(checked.mveUnits.count), full \(checked.fullUnits.count)"
        let otherKinds = checked.units.count - counted.count
        let others = otherKinds > 0 ? "; \(otherKinds) run(s) of another kind, not counted" : ""
        if counted.isEmpty {
            lines.append("training runs: none: the plan's runs are of other kinds (\(plan.kind.rawValue) for baseline, MVE and full), which do not count toward max training runs")
        } else if let max = standing.maxRuns {
            let left = Swift.max(0, Int(max) - ledger.runsCounted)
            let line = budgetLine(spec.resourceBudget?.maxTrainingRuns)
            lines.append("training runs: \(counted.count) planned (\(breakdown)\(others)), \(counted.count - new.count) already counted, \(new.count) new; the spec allows \(num(max))\(line), \(ledger.runsCounted) counted so far, \(left) left")
            if new.count > left {
                errors.append("the plan needs \(new.count) new training run(s) but the spec's budget has \(left) left (max training runs \(num(max))\(line), \(ledger.runsCounted) counted): remove seeds or arms, or give steps that do not train another kind")
            }
        } else {
            lines.append("training runs: \(counted.count) planned (\(breakdown)\(others)); the spec states no maximum\(spec.resourceBudget?.maxTrainingRuns?.notApplicable == true ? " (N/A)" : "")")
        }
        if let maxSeeds = BudgetStanding.limit(spec.resourceBudget?.maxSeedsPerConfiguration) {
            let line = budgetLine(spec.resourceBudget?.maxSeedsPerConfiguration)
            lines.append("seeds: \(plan.seeds.count) per arm; the spec allows \(num(maxSeeds))\(line)")
            if Double(plan.seeds.count) > maxSeeds {
                errors.append("seeds: the plan runs \(plan.seeds.count) seeds per arm but the spec allows \(num(maxSeeds))\(line)")
            }
        }
        let estimateHours = spec.computeProfile?.estimatedWallHours
        let estimateText = estimateHours.map { "the spec estimates \(num($0)) h (estimated_wall_hours)" } ?? "the spec gives no estimated_wall_hours"
        if let max = standing.maxWallSeconds {
            let left = Swift.max(0, max - ledger.wallSeconds)
            lines.append("wall clock: \(DurationText.format(seconds: ledger.wallSeconds)) used of \(DurationText.format(seconds: max))\(budgetLine(spec.resourceBudget?.maxWallClockSeconds)), \(DurationText.format(seconds: left)) left; \(estimateText)")
            if left <= 0 && !checked.units.isEmpty {
                errors.append("wall clock: the spec's wall-clock budget\(budgetLine(spec.resourceBudget?.maxWallClockSeconds)) is spent (\(DurationText.format(seconds: ledger.wallSeconds)) used of \(DurationText.format(seconds: max))): no run can start")
            } else if let hours = estimateHours, hours * 3600 > left {
                warnings.append("wall clock: the spec's own estimate (\(num(hours)) h) is more than the \(DurationText.format(seconds: left)) left; the runs are stopped when the budget is spent")
            }
        } else {
            lines.append("wall clock: \(DurationText.format(seconds: ledger.wallSeconds)) used, no limit stated; \(estimateText)")
        }
        if plan.gpusPerRun > 0 {
            let estimate = estimateHours.map { $0 * Double(plan.gpusPerRun) }
            let estimateGPU = estimate.map { "estimated \(num($0)) GPU-hours (estimated_wall_hours × gpus_per_run \(plan.gpusPerRun))" } ?? "no estimate"
            if let max = standing.maxGPUHours {
                let left = Swift.max(0, max - ledger.gpuHours)
                lines.append("GPU-hours: \(num(ledger.gpuHours)) used of \(num(max))\(budgetLine(spec.resourceBudget?.maxGPUHours)), \(num(left)) left; \(estimateGPU)")
                if left <= 0 {
                    errors.append("GPU-hours: the plan gives every run \(plan.gpusPerRun) GPU(s) but the spec's GPU-hour budget\(budgetLine(spec.resourceBudget?.maxGPUHours)) has nothing left (\(num(ledger.gpuHours)) used of \(num(max))): no run can start")
                } else if let estimate, estimate > left {
                    warnings.append("GPU-hours: the estimate (\(num(estimate))) is more than the \(num(left)) left")
                }
            } else {
                lines.append("GPU-hours: \(num(ledger.gpuHours)) used, no limit stated; \(estimateGPU)")
            }
        }
    }

    private func num(_ d: Double) -> String { NumberText.short(d) }

    private func budgetLine(_ limit: BudgetLimit?) -> String { limit.map { " (spec line \($0.line))" } ?? "" }
}
