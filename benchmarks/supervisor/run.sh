#!/usr/bin/env bash
# Supervisor benchmarks (release build). Prints figures; targets in brackets.
#  (a) 200,000 events: wall time supervised vs unsupervised        [<= 1.05x]
#  (b) abort latency, event write -> child's SIGTERM handler        [<= 50 ms median]
#  (c) event ingestion in the supervisor alone                      [>= 500k lines/s]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
swift build -c release --product rigor >/dev/null
rigor="$(swift build -c release --show-bin-path)/rigor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/results/exp-000-bench"
exp="$work/results/exp-000-bench"
N=200000
export PYTHONPATH="$root/python"

now() { python3 -c 'import time; print(time.perf_counter())'; }
best() { sort -g | head -1; }

echo "== (a) $N events: supervised vs unsupervised (best of 5 each, interleaved)"
un_null=(); un_none=(); sup=()
for i in 1 2 3 4 5; do
  # Unsupervised, events written to /dev/null on the same fd (same Python-side cost).
  t0=$(now); RIGOR_EVENTS_FD=3 python3 benchmarks/supervisor/emit.py $N 3>/dev/null; t1=$(now)
  un_null+=("$(python3 -c "print($t1-$t0)")")
  # Unsupervised without a channel (the helper does nothing).
  t0=$(now); env -u RIGOR_EVENTS_FD python3 benchmarks/supervisor/emit.py $N; t1=$(now)
  un_none+=("$(python3 -c "print($t1-$t0)")")
  t0=$(now); "$rigor" exec --experiment "$exp" --json -- python3 benchmarks/supervisor/emit.py $N >/dev/null 2>&1; t1=$(now)
  sup+=("$(python3 -c "print($t1-$t0)")")
done
a_null=$(printf '%s\n' "${un_null[@]}" | best)
a_none=$(printf '%s\n' "${un_none[@]}" | best)
a_sup=$(printf '%s\n' "${sup[@]}" | best)
events=$(wc -l < "$(ls -d "$exp"/runs/2*/ | tail -1)/events.jsonl")
python3 - "$a_null" "$a_none" "$a_sup" "$events" <<'PY'
import sys
null, none, sup, events = map(float, sys.argv[1:])
print(f"unsupervised, events to /dev/null: {null:.3f} s")
print(f"unsupervised, helper disabled:     {none:.3f} s")
print(f"supervised (rigor exec --json):    {sup:.3f} s   ({int(events)} events recorded)")
print(f"ratio supervised / unsupervised(/dev/null): {sup/null:.3f}x   [target <= 1.05x]")
print(f"ratio supervised / unsupervised(disabled):  {sup/none:.3f}x   (includes the helper's own JSON+write cost)")
PY

echo "== (b) abort latency (20 runs)"
lat=()
for i in $(seq 1 20); do
  out="$work/lat-$i"
  "$rigor" exec --experiment "$exp" --abort 'isnan(loss)' -- python3 Tests/RigorSupervisorTests/Scripts/abort_latency.py "$out" >/dev/null 2>&1 || true
  lat+=("$(awk '{print $2}' "$out")")
done
printf '%s\n' "${lat[@]}" | python3 -c '
import sys, statistics
xs = sorted(float(x) for x in sys.stdin if x.strip())
print(f"abort latency over {len(xs)} runs: median {statistics.median(xs):.2f} ms, min {xs[0]:.2f} ms, max {xs[-1]:.2f} ms   [target median <= 50 ms]")'

echo "== (c) ingestion in the supervisor alone"
"$rigor" _ingest-bench --lines 2000000
