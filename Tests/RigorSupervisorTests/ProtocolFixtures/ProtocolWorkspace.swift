import Foundation
import RigorTestSupport

/// A small research-kit workspace for protocol tests: a spec, a Python training script that
/// reports through the `rigor` helper, and a plan. Values the script emits are a function of
/// (arm, seed, config) so tests can recompute them from the run records.
struct ProtocolWorkspace {
    let dir = TempDirectory(prefix: "rigor-proto")
    var root: String { dir.path }
    var planPath: String { root + "/plan.yaml" }
    var resultsDir: String { root + "/results/exp-001-proto" }

    static let spec = """
    # Experiment: exp-001-proto

    ## Hypothesis
    The wide arm changes accuracy on the toy task.

    ## Independent Variables
    - arm: base, wide

    ## Controls
    - same data, same steps

    ## Metrics
    ### Primary
    - **accuracy**: final accuracy on the toy task
    ### Secondary
    - **final_loss**: last training loss
    ### Sanity Checks
    - **loss_finite**: the loss after one step is finite

    ## Baselines
    - base accuracy: 0.70 (± 0.02)

    ## Success Criteria (immutable once RUN begins)
    - [ ] accuracy of wide exceeds base by 0.05

    ## Minimum Viable Experiment
    One seed of each arm, three steps.

    ## Full Protocol
    1. Reproduce the baseline
    2. Run the MVE
    3. Run 5 seeds of each arm

    ## Resource Budget
    **Tier:** Quick
    - Max GPU-hours: 0
    - Max wall-clock time: 30 minutes
    - Max training runs: 1000
    - Max seeds per configuration: 10

    ### Compute Profile
    ```yaml
    compute_type: cpu
    estimated_wall_hours: 0.01
    memory_gb: 1
    gpu_type: none
    parallelizable: true
    ```

    ## Abort Criteria
    - loss is NaN
    """

    /// accuracy = base(arm) + 0.01·seed (+0.003 with config b.json), or exactly --accuracy when given;
    /// loss = 1/step + 0.001·seed (9 when --broken).
    static let script = """
    import argparse, time, rigor
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--arm", required=True)
    p.add_argument("--config", default="")
    p.add_argument("--sleep", type=float, default=0.3)
    p.add_argument("--broken", action="store_true")
    p.add_argument("--fail", action="store_true")
    p.add_argument("--accuracy", type=float, default=None)
    a = p.parse_args()
    base = {"base": 0.70, "wide": 0.80, "deep": 0.75}[a.arm]
    acc = base + 0.01 * a.seed + (0.003 if a.config.endswith("b.json") else 0.0)
    if a.accuracy is not None:
        acc = a.accuracy
    loss = None
    for step in range(1, 4):
        loss = (9.0 if a.broken else 1.0 / step) + 0.001 * a.seed
        rigor.log(step=step, loss=loss)
        time.sleep(a.sleep / 3)
    if a.fail:
        raise SystemExit(3)
    rigor.final(accuracy=acc, final_loss=loss)
    """

    static func plan(seeds: String = "[0, 1, 2, 3, 4]", sleep: Double = 0.3, expect: String = "from_spec: base accuracy",
                     mveCommand: String? = nil, baselineCommand: String? = nil, extra: String = "") -> String {
        """
        spec: experiments/exp-001-proto.md
        seeds: \(seeds)
        arms:
          base: {config: configs/a.json}
          wide: {config: configs/b.json}
        baseline_arm: base
        commands:
          full: python3 train.py --seed {seed} --arm {arm} --config {config} --sleep \(sleep)
        \([mveCommand.map { "  mve: " + $0 }, baselineCommand.map { "  baseline: " + $0 }].compactMap { $0 }.joined(separator: "\n"))
        metrics:
          accuracy: accuracy
          final_loss: final_loss
        sanity:
          - name: one_step
            command: python3 train.py --seed 0 --arm base --sleep 0
            metrics: {final_loss: loss_finite}
            checks:
              - {name: loss_is_finite, value: final_loss, finite: true}
        baseline:
          expect:
            - metric: accuracy
              \(expect)
        mve:
          checks:
            - {name: loss_below_2, value: final_loss, max: 2}
        \(extra)
        """
    }

    init(plan: String = ProtocolWorkspace.plan()) {
        dir.write("experiments/exp-001-proto.md", ProtocolWorkspace.spec)
        dir.write("train.py", ProtocolWorkspace.script)
        dir.write("plan.yaml", plan)
    }

    /// The value the script emits for a run.
    static func accuracy(arm: String, seed: Int, config: String) -> Double {
        let base = ["base": 0.70, "wide": 0.80, "deep": 0.75][arm] ?? .nan
        return base + 0.01 * Double(seed) + (config.hasSuffix("b.json") ? 0.003 : 0)
    }
}
