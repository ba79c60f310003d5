// RigorGuard — keeps the RUN agent's hands off what it must never change.
//
// Owns: the protected set of one experiment (spec, frozen spec, other results, READ-owned
// files, user additions), the bubblewrap sandbox that mounts it read-only (chmod fallback,
// loudly reported), the manifest + snapshot that detect, restore and record tampering, the
// command policy (shell text → allow/deny, rules as YAML data), and the Claude Code
// PreToolUse hook protocol.
// Must never interpret results, never weaken a rule silently (every fallback is reported),
// and never delete data: tampered additions are moved to a quarantine folder, not removed.
