// RigorSpec — research-kit experiment specs (markdown) as a typed `ExperimentSpec`.
//
// Owns: splitting a spec into sections, recognising the sections research-kit defines
// under the many headings real specs use, metric names and their normalised keys,
// the resource budget, the compute profile, diagnostics with line numbers, and the
// SHA-256 fingerprint of the spec bytes. Must never modify a spec or guess a value
// the spec does not state: what is absent stays absent and is reported.
