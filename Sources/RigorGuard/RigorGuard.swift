// RigorGuard — keeps the RUN agent's hands off what it must never change.
//
// Owns: the protected set of one experiment (spec, frozen spec, other results, READ-owned
// files, user additions), the bubblewrap sandbox that mounts it read-only (chmod fallback,
// loudly reported), the manifest + snapshot that detect, restore and record tampering, the
// command policy (shell text → allow/deny, rules as YAML data), the Claude Code
// PreToolUse hook protocol, and Rigor's trusted store (authenticated guard state, session
// markers, detection of running inside a sandbox). Treats everything the guarded party can
// write as hostile input (docs/guard.md, threat model).
// Must never interpret results, never weaken a rule silently (every fallback is reported),
// and never delete data: tampered additions are moved to a quarantine folder, not removed.
