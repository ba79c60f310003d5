import Foundation
import RigorSupervisor

/// A protocol plan: what to run for one experiment, in the fixed order sanity → baseline → MVE → full.
public struct ProtocolPlan: Sendable, Equatable {
    /// Absolute path of the plan file.
    public var path: String
    /// Absolute path of the experiment spec the plan executes.
    public var specPath: String
    /// Absolute working directory for every run.
    public var workingDirectory: String
    /// Absolute results directory when the plan names one; otherwise derived from the spec's workspace.
    public var resultsDirectory: String?
    public var seeds: [Int]
    public var arms: [PlanArm]
    /// Name of the arm whose full-protocol aggregates become metrics.json `baseline`.
    public var baselineArm: String
    public var commands: PhaseCommands
    /// Event value → spec metric, for baseline, MVE and full-protocol runs.
    public var metrics: [MetricMapping]
    public var sanity: [SanityStep]
    public var baseline: BaselineGate
    public var mve: MVEGate?
    /// GPUs allocated to each run (GPU-hours = gpus × wall hours).
    public var gpusPerRun: Int
    public var timeoutSeconds: Double?
    /// Extra attempts for a run that ends non-succeeded.
    public var retries: Int
    public var onFailure: FailurePolicy
    /// Abort rule sources handed to every run (docs/abort-rules.md).
    public var abortRules: [String]
    /// What the baseline, MVE and full-protocol runs are for (the budget counts training runs).
    public var kind: RunKind = .training
    /// Spec metrics (normalised keys) computed outside the plan's runs (e.g. by an analysis
    /// script): not mapped here, checked by the validator in metrics.json.
    public var computed: [String] = []
    /// The line of each abort rule (same order as `abortRules`).
    public var abortRuleLines: [Int] = []
    /// The line of `computed:`, when given.
    public var computedLine: Int? = nil
    /// The line of `metrics:`.
    public var metricsLine: Int = 1

    /// The arms other than the baseline arm, in plan order.
    public var treatmentArms: [PlanArm] { arms.filter { $0.name != baselineArm } }
    public func arm(named name: String) -> PlanArm? { arms.first { $0.name == name } }
}

/// One arm (configuration) of the experiment.
public struct PlanArm: Sendable, Equatable {
    public var name: String
    /// Replaces `{config}` in commands.
    public var config: String?
    public var line: Int
}

/// Commands per phase; `baseline` and `mve` fall back to `full` when not given.
public struct PhaseCommands: Sendable, Equatable {
    public var full: CommandTemplate
    public var baseline: CommandTemplate?
    public var mve: CommandTemplate?
}

/// What to do when a run ends non-succeeded after its retries.
public enum FailurePolicy: String, Sendable, Equatable {
    /// Stop the experiment and record the abort (the default).
    case stop
    /// Record the run, leave it out of aggregates, go on.
    case `continue`
}

/// A command line with `{seed}`, `{arm}`, `{config}` placeholders.
public struct CommandTemplate: Sendable, Equatable {
    /// The words of the command (no shell: quotes group words, nothing is expanded).
    public var words: [String]
    public var line: Int

    public static let placeholders: Set<String> = ["seed", "arm", "config"]

    /// Placeholder names used in the words, in order of first use.
    public var placeholdersUsed: [String] {
        var seen: [String] = []
        for w in words { for p in CommandTemplate.placeholders(in: w) where !seen.contains(p) { seen.append(p) } }
        return seen
    }

    /// The argv with placeholders replaced.
    public func render(seed: Int?, arm: String?, config: String?) -> [String] {
        words.map { word in
            var out = word
            if let seed { out = out.replacingOccurrences(of: "{seed}", with: String(seed)) }
            if let arm { out = out.replacingOccurrences(of: "{arm}", with: arm) }
            if let config { out = out.replacingOccurrences(of: "{config}", with: config) }
            return out
        }
    }

    /// Every `{name}` in a word (letters, digits, `_` between the braces).
    static func placeholders(in word: String) -> [String] {
        var names: [String] = []
        var rest = Substring(word)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            let name = after[..<close]
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { names.append(String(name)) }
            rest = after[after.index(after: close)...]
        }
        return names
    }
}

/// An event value (from a run record's final metrics, else its last logged values) that becomes a spec metric.
public struct MetricMapping: Sendable, Equatable {
    /// Key as the script emits it.
    public var event: String
    /// The spec metric's normalised key (`MetricKey.normalize`).
    public var metric: String
    public var line: Int
}

/// A check on one event value of a run: bounds, equality, finiteness.
public struct ValueCheck: Sendable, Equatable {
    public var name: String
    public var event: String
    public var min: Double?
    public var max: Double?
    public var equals: EqualsValue?
    /// When true the value must be a finite number.
    public var finite: Bool
    public var line: Int

    public enum EqualsValue: Sendable, Equatable {
        case number(Double), bool(Bool), string(String)
    }
}

/// A sanity check run: a command, the spec metrics its values become, and checks on them.
public struct SanityStep: Sendable, Equatable {
    public var name: String
    public var command: CommandTemplate
    public var seed: Int?
    public var arm: String?
    public var metrics: [MetricMapping]
    public var checks: [ValueCheck]
    public var line: Int
    /// What the run is for; sanity runs never count toward max training runs whatever their kind.
    public var kind: RunKind = .training
}

/// Baseline reproduction: the baseline arm on some seeds, compared with expected values.
public struct BaselineGate: Sendable, Equatable {
    public var seeds: [Int]
    public var expectations: [BaselineExpectation]
    public var line: Int
}

/// One expected baseline number: stated in the plan, or taken from the spec's Baselines.
public struct BaselineExpectation: Sendable, Equatable {
    /// Spec metric key compared (mean over the reproduction seeds).
    public var metric: String
    /// Label text of a value in the spec's Baselines section (`from_spec`), when referenced.
    public var specLabel: String?
    public var value: Double?
    public var tolerance: Double?
    /// Multiplies a value and tolerance taken from the spec (e.g. 0.01 for a percent written as 40.5%).
    public var scale: Double
    public var line: Int
}

/// The MVE gate: runs on some arms and seeds that must pass their checks.
public struct MVEGate: Sendable, Equatable {
    public var arms: [String]
    public var seeds: [Int]
    public var checks: [ValueCheck]
    public var line: Int
}
