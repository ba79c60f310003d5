import Foundation
import RigorBasics
import RigorSpec

/// resource_usage within the spec's Resource Budget, and per_seed within its seeds per
/// configuration. Limits the spec leaves out or marks N/A are not checked.
enum BudgetCheck {
    /// Keys of a per_seed entry that name its configuration, first present wins.
    static let configurationKeys = ["arm", "configuration", "config", "condition", "variant", "model"]

    static func check(_ ctx: CheckContext) -> [MetricsViolation] {
        guard let budget = ctx.spec?.resourceBudget, let root = ctx.root else { return [] }
        var out: [MetricsViolation] = []
        let usage = root["resource_usage"]?.objectValue
        func compare(_ key: String, _ limit: BudgetLimit?, _ code: ViolationCode, _ what: String, scale: Double = 1) {
            guard let limit, !limit.notApplicable, let max = limit.value,
                  case .number(let used)? = usage?[key], used.isFinite, used > max * scale else { return }
            out.append(ctx.violation(code,
                                     "\(key) is \(JSONValue.format(number: used)), over the spec's \(what) of \(JSONValue.format(number: max)) (spec line \(limit.line): \(limit.raw.trimmingCharacters(in: .whitespaces)))",
                                     pointer: "/resource_usage/" + key, atValue: true, specLine: limit.line))
        }
        compare("gpu_hours", budget.maxGPUHours, .gpuHoursOverBudget, "max GPU-hours")
        compare("wall_clock_seconds", budget.maxWallClockSeconds, .wallClockOverBudget, "max wall-clock seconds")
        // Where Rigor metered the runs (a ledger.jsonl beside metrics.json), total_runs counts every
        // run that started, of every kind and attempt, while max training runs counts distinct
        // training units; the ledger enforces that limit itself (docs/budget.md).
        let folder = (ctx.path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: (folder.isEmpty ? "." : folder) + "/ledger.jsonl") {
            compare("total_runs", budget.maxTrainingRuns, .runsOverBudget, "max training runs")
        }
        if let limit = budget.maxSeedsPerConfiguration, !limit.notApplicable, let max = limit.value,
           let entries = root["per_seed"]?.arrayValue {
            for (configuration, seeds) in seedsPerConfiguration(entries) where Double(seeds.count) > max {
                let label = configuration.map { "configuration \(quoted($0))" } ?? "per_seed"
                out.append(ctx.violation(.seedsOverBudget,
                                         "\(label) covers \(seeds.count) seeds (\(seeds.map(String.init).joined(separator: ", "))), over the spec's max of \(JSONValue.format(number: max)) seeds per configuration (spec line \(limit.line))",
                                         pointer: "/per_seed", atValue: true, specLine: limit.line))
            }
        }
        return out
    }

    /// Distinct integer seeds per configuration (nil = entries naming no configuration), in first-seen order.
    static func seedsPerConfiguration(_ entries: [JSONValue]) -> [(String?, [Int])] {
        var order: [String?] = []
        var seeds: [String?: [Int]] = [:]
        for item in entries {
            guard let o = item.objectValue, case .number(let n)? = o["seed"], n.isFinite, n == n.rounded(), abs(n) < 9e15 else { continue }
            let configuration = configurationKeys.lazy.compactMap { o[$0] }.first.map(label)
            if seeds[configuration] == nil { order.append(configuration); seeds[configuration] = [] }
            if !seeds[configuration]!.contains(Int(n)) { seeds[configuration]!.append(Int(n)) }
        }
        return order.map { ($0, seeds[$0] ?? []) }
    }

    private static func label(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .number(let n): return JSONValue.format(number: n)
        default: return v.serialized(pretty: false)
        }
    }
}
