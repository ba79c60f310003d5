// RigorProtocol — the protocol engine: a plan executed as supervised runs.
//
// Owns: the plan format (YAML, parsed with line numbers and checked against the spec), the
// fixed order sanity → baseline reproduction (gate) → MVE (gate) → full protocol (seeds ×
// arms on bounded slots), the per-(phase, arm, seed) run ids and attempts, the append-only
// protocol journal and the experiment lock (resume after any kill), aggregation of captured
// runs into metrics.json and config.json, and progress events.
// Must never: launch a child itself (every run goes through a `RunExecutor`, in production the
// Supervisor), invent a number that no captured run produced, repeat a finished run, or
// write anything that interprets results.
import RigorBasics
