// RigorAgent: the agent of the RUN phase and `rigor run`.
//
// Owns: what the agent is told (the RUN prompt and its context section), how long it may take
// (the time budget), the run broker that serves `rigor exec` / `rigor protocol run` from inside
// the sandbox, the agent runtimes (Claude Code), the shared transcript, and `rigor run` itself:
// the phase from the spec check to the verification after the agent and its records; and
// the model providers Rigor's own agent will talk to (Providers/: Anthropic Messages, streamed).
