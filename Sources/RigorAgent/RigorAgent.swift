// RigorAgent: the agent of the RUN phase and `rigor run`.
//
// Owns: what the agent is told (the RUN prompt and its context section), how long it may take
// (the time budget), the run broker that serves `rigor exec` / `rigor protocol run` from inside
// the sandbox, the agent runtimes (Runtime/: Claude Code, Codex; Builtin/: Rigor's own agent
// loop and its tools), the model providers that agent talks to (Providers/: Anthropic Messages
// and OpenAI Chat Completions, streamed), the shared transcript, and `rigor run` itself: the
// phase from the spec check to the verification after the agent and its records.
