#!/usr/bin/env bash
# `rigor exec` overhead of two builds, measured in one run, interleaved (release builds).
#   benchmarks/guard/exec-overhead.sh BEFORE_BIN [AFTER_BIN]     (AFTER_BIN: this checkout's release build)
# Each round runs, for each binary, a guarded `rigor exec` (the example's spec is found, so the
# manifest, snapshot, sandbox, provenance probes and verification all happen) of
#   (a) a script that does nothing (the fixed cost per run), and
#   (b) a script that logs N events (default 50,000) through the Python helper,
# plus the same scripts bare for reference. Prints the median of ROUNDS (default 7) per cell and
# the ratio after/before. The machine is shared: compare the ratios, not absolute seconds.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
before="$(realpath "${1:?usage: exec-overhead.sh BEFORE_BIN [AFTER_BIN]}")"
if [[ -n "${2:-}" ]]; then after="$(realpath "$2")"; else
  swift build -c release --product rigor >/dev/null
  after="$(swift build -c release --show-bin-path)/rigor"
fi
N="${N:-50000}"; ROUNDS="${ROUNDS:-7}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cp -r examples/two-spirals "$work/ws"
mkdir -p "$work/ws/results/exp-001-hidden-width" "$work/store"
export RIGOR_STATE_DIR="$work/store" PYTHONPATH="$root/python"
py="$(python3 -c 'import sys; print(sys.executable)')"
emit="$root/benchmarks/supervisor/emit.py"
cd "$work/ws"
# A fresh results folder before each run (untimed), so the spec's run budget never refuses one.
fresh() { rm -rf results/exp-001-hidden-width; mkdir -p results/exp-001-hidden-width; }
# Every run must succeed, or the figures mean nothing.
check() { "$@" >/dev/null 2>&1 || { echo "exec-overhead: failed: $*" >&2; exit 1; }; }
timed() { local t0=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || true; local t1=$EPOCHREALTIME; awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'; }
fresh; check "$before" exec --experiment results/exp-001-hidden-width -- "$py" "$emit" 0
fresh; check "$after" exec --experiment results/exp-001-hidden-width -- "$py" "$emit" 0
declare -A cells
for ((i = 1; i <= ROUNDS; i++)); do
  cells[bare_a]+="$(timed "$py" "$emit" 0) "
  cells[bare_b]+="$(timed env -u RIGOR_EVENTS_FD "$py" "$emit" "$N") "
  for who in before after; do
    bin="$before"; [[ $who == after ]] && bin="$after"
    fresh; cells[${who}_a]+="$(timed "$bin" exec --experiment results/exp-001-hidden-width --json -- "$py" "$emit" 0) "
    fresh; cells[${who}_b]+="$(timed "$bin" exec --experiment results/exp-001-hidden-width --json -- "$py" "$emit" "$N") "
  done
done
python3 - "$N" "$ROUNDS" "${cells[bare_a]}" "${cells[bare_b]}" "${cells[before_a]}" "${cells[before_b]}" "${cells[after_a]}" "${cells[after_b]}" <<'PY'
import statistics, sys
n, rounds = sys.argv[1], sys.argv[2]
bare_a, bare_b, be_a, be_b, af_a, af_b = (statistics.median(map(float, s.split())) for s in sys.argv[3:])
print(f"rigor exec overhead, guarded, median of {rounds} interleaved rounds")
print(f"{'':34} {'bare':>8} {'before':>8} {'after':>8} {'after/before':>13}")
print(f"{'(a) script that logs nothing':34} {bare_a:8.3f} {be_a:8.3f} {af_a:8.3f} {af_a/be_a:12.3f}x")
print(f"{'(b) script that logs ' + n + ' events':34} {bare_b:8.3f} {be_b:8.3f} {af_b:8.3f} {af_b/be_b:12.3f}x")
print(f"fixed cost of a guarded rigor exec: before {1000*(be_a-bare_a):.0f} ms, after {1000*(af_a-bare_a):.0f} ms")
PY
