// RigorBasics — the small shared ground every Rigor module stands on.
//
// Owns: JSON values that keep NaN/±Inf and key order, a JSON reader that reports
// positions (line, column) and non-standard tokens, SHA-256 and HMAC, atomic file writes,
// record files opened without following links (DirectoryHandle), and the one way Rigor
// starts a process (ProcessLauncher, TrustedExecutable, CapturedCommand, StrayProcesses),
// durations, and bounded file reading. Must never know about specs, results or runs.
