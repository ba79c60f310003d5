// RigorSupervisor — one command as one supervised run.
//
// Owns: launching the child (its own process group, optionally wrapped by a sandbox),
// capturing stdout/stderr to the run folder, reading metric events, evaluating abort
// rules live, signals and timeouts, metering (wall time, GPU-hours, steps), provenance,
// the run record, and the experiment's append-only budget ledger.
// Must never interpret numbers or write metrics.json: that is the protocol engine's job.
