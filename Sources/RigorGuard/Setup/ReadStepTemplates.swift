/// Starting texts for the files the READ step owns, in research-kit's shape (written for Rigor).
/// `rigor init` creates the ones a workspace lacks; RUN never modifies them afterwards.
enum ReadStepTemplates {
    static let files: [(name: String, text: String)] = [
        ("RESEARCH_LOG.md", """
        # Research Log

        One entry per experiment, appended by the READ step after each RUN: what was run, what the
        numbers were, what was concluded and why. Newest last.

        ---

        """),
        ("QUESTIONS.md", """
        # Research Questions

        The research agenda: the goal, the constraints, and the open questions in priority order.

        ## 1. Goal

        _The overarching research objective, and what "done" looks like._

        ## 2. Constraints

        | Constraint | Decision |
        |------------|----------|
        | Framework  | _e.g. PyTorch_ |
        | Compute    | _e.g. 1x A100_ |

        ## 3. Open Questions

        | # | Question | Priority | Status |
        |---|----------|----------|--------|

        """),
        ("HANDOFF.md", """
        # Handoff

        Where the research stands, for whoever picks it up next: the last experiment, its state,
        and the next step.

        ## Current state

        _Nothing run yet._

        ## Next step

        _The next experiment to design._

        """),
    ]
}
