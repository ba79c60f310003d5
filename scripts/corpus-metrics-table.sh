#!/usr/bin/env bash
# Prints, for every metrics file in the corpus, the violations `rigor metrics validate` finds
# against its spec (same `…exp-NNN` prefix): file, errors, warnings, codes with counts.
# Usage: scripts/corpus-metrics-table.sh [CORPUS_DIR]   (default ../shared/corpus)
# Uses the built binary: RIGOR_BIN, else .build/release/rigor, else .build/debug/rigor.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${1:-$root/../shared/corpus}"
bin="${RIGOR_BIN:-}"
if [[ -z "$bin" ]]; then
  for c in "$root/.build/release/rigor" "$root/.build/debug/rigor"; do [[ -x "$c" ]] && { bin="$c"; break; }; done
fi
[[ -n "$bin" && -x "$bin" ]] || { echo "corpus-metrics-table: no rigor binary; run 'swift build --product rigor'" >&2; exit 2; }
[[ -d "$corpus/results" ]] || { echo "corpus-metrics-table: $corpus/results: no such directory" >&2; exit 2; }

printf '| file | errors | warnings | codes |\n|---|---|---|---|\n'
for metrics in "$corpus"/results/*.json; do
  name="$(basename "$metrics")"
  prefix="$(sed -E 's/^(.*exp-[0-9]+).*/\1/' <<<"$name")"
  spec_args=()
  for s in "$corpus/specs/$prefix"-*.md; do [[ -f "$s" ]] && spec_args=(--spec "$s"); done
  set +e
  json="$("$bin" metrics validate "$metrics" "${spec_args[@]}" --json 2>/tmp/corpus-metrics-table.err)"
  rc=$?
  set -e
  if [[ $rc -eq 2 ]]; then
    printf '| %s | unusable | - | %s |\n' "$name" "$(head -1 /tmp/corpus-metrics-table.err)"
    continue
  fi
  python3 -c '
import json, sys, collections
r = json.loads(sys.stdin.read())
counts = collections.Counter(v["code"] for v in r["violations"])
codes = ", ".join(f"{c} ×{n}" for c, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])))
print("| %s | %d | %d | %s |" % (sys.argv[1], r["errors"], r["warnings"], codes or "-"))
' "$name" <<<"$json"
done
