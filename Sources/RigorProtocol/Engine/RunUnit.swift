import RigorSupervisor

/// One (phase, arm, seed) of a plan — or one named sanity step — with its deterministic run id prefix.
public struct RunUnit: Sendable, Hashable {
    public var phase: RunPhase
    public var arm: String?
    public var seed: Int?
    /// The sanity step's name (sanity units only).
    public var step: String?

    public init(phase: RunPhase, arm: String? = nil, seed: Int? = nil, step: String? = nil) {
        self.phase = phase; self.arm = arm; self.seed = seed; self.step = step
    }

    /// `sanity-<name>`, or `<phase>-<arm>-seed<seed>`; attempts append `-a<N>`.
    public var idPrefix: String {
        if phase == .sanity, let step { return "sanity-\(step)" }
        return "\(phase.rawValue)-\(arm ?? "none")-seed\(seed.map(String.init) ?? "none")"
    }

    /// The run id of attempt `n` (1-based).
    public func runID(attempt n: Int) -> String { "\(idPrefix)-a\(n)" }

    /// The attempt number of `runID` when it belongs to this unit.
    public func attempt(of runID: String) -> Int? {
        let prefix = idPrefix + "-a"
        guard runID.hasPrefix(prefix) else { return nil }
        let rest = runID.dropFirst(prefix.count)
        guard !rest.isEmpty, rest.allSatisfy(\.isASCII), rest.allSatisfy(\.isNumber), let n = Int(rest), n > 0 else { return nil }
        return n
    }
}

extension CheckedPlan {
    /// Every unit of the plan in execution order: sanity, baseline, MVE, full (seed-major, arms in plan order).
    public var units: [RunUnit] { sanityUnits + baselineUnits + mveUnits + fullUnits }

    public var sanityUnits: [RunUnit] { plan.sanity.map { RunUnit(phase: .sanity, arm: $0.arm, seed: $0.seed, step: $0.name) } }
    public var baselineUnits: [RunUnit] { plan.baseline.seeds.map { RunUnit(phase: .baseline, arm: plan.baselineArm, seed: $0) } }
    public var mveUnits: [RunUnit] {
        guard let mve = plan.mve else { return [] }
        return mve.seeds.flatMap { seed in mve.arms.map { RunUnit(phase: .mve, arm: $0, seed: seed) } }
    }
    public var fullUnits: [RunUnit] { plan.seeds.flatMap { seed in plan.arms.map { RunUnit(phase: .full, arm: $0.name, seed: seed) } } }

    /// The argv of a unit's run.
    public func command(for unit: RunUnit) -> [String] {
        let config = unit.arm.flatMap { plan.arm(named: $0)?.config }
        switch unit.phase {
        case .sanity:
            let step = plan.sanity.first { $0.name == unit.step }
            return step?.command.render(seed: unit.seed, arm: unit.arm, config: config) ?? []
        case .baseline: return (plan.commands.baseline ?? plan.commands.full).render(seed: unit.seed, arm: unit.arm, config: config)
        case .mve: return (plan.commands.mve ?? plan.commands.full).render(seed: unit.seed, arm: unit.arm, config: config)
        case .full, .adhoc: return plan.commands.full.render(seed: unit.seed, arm: unit.arm, config: config)
        }
    }
}
