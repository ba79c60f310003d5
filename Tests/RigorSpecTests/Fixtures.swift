import Foundation
import RigorTestSupport

/// Specs written for Rigor's own tests (the corpus is used by RigorCorpusTests only).
enum SpecFixtures {
    /// The bundled example's spec: the richest well-formed spec the project owns.
    static var example: String {
        (try? String(contentsOfFile: RepoPaths.root + "/examples/two-spirals/experiments/exp-001-hidden-width.md", encoding: .utf8)) ?? ""
    }

    static let minimal = """
    # Experiment: minimal

    ## Hypothesis
    Widening the layer raises accuracy by 5 points.

    ## Metrics (ALL must be reported)
    ### Primary
    1. **accuracy** — fraction correct.
    ### Secondary
    - **loss** — cross-entropy.
    ### Sanity Checks
    | Check | Expected |
    |-------|----------|
    | n_samples | 100 |

    ## Success Criteria (immutable once RUN begins)
    - [ ] **C1:** accuracy up by 0.05
    - [x] **C2:** loss finite

    ## Resource Budget
    **Tier:** Standard
    - Max GPU-hours: **2.5**
    - Max wall-clock time: **90 minutes**
    - Max training runs: 10
    - Max seeds per configuration: N/A (deterministic)

    ### Compute Profile
    ```yaml
    compute_type: gpu
    estimated_wall_hours: 1.5
    ```

    ## Abort Criteria
    - Loss is NaN
    - Any run longer than 20 minutes

    ## Mystery Section
    Kept as written.
    """

    /// 1-based number of the first line containing `needle`.
    static func line(of needle: String, in text: String) -> Int {
        (text.components(separatedBy: "\n").firstIndex { $0.contains(needle) } ?? -1) + 1
    }

    /// `minimal` with one section replaced or removed.
    static func minimal(replacing old: String, with new: String) -> String {
        precondition(minimal.contains(old), "fixture text not found: \(old)")
        return minimal.replacingOccurrences(of: old, with: new)
    }
}
