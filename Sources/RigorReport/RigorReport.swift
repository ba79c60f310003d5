// RigorReport: what Rigor says about a results folder after the fact. Today: every number of
// metrics.json traced to the supervised run (and event) it came from, or to the aggregate Rigor
// computes from such values, or reported untraced (docs/trace.md).
