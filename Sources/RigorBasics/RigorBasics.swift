// RigorBasics — the small shared ground every Rigor module stands on.
//
// Owns: JSON values that keep NaN/±Inf and key order, a JSON reader that reports
// positions (line, column) and non-standard tokens, SHA-256, atomic file writes,
// durations, and bounded file reading. Must never know about specs, results or runs.
