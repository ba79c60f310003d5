#!/usr/bin/env bash
# Logging overhead in a training loop: the same numpy loop (~200 us of work per step, 3 values
# logged every step, 20,000 steps) run bare, under `rigor exec` with rigor.log, and bare with
# tensorboardX, wandb (offline) and MLflow (local file store). Modes run interleaved
# (round-robin), ROUNDS rounds; per mode the median wall time, its ratio to bare (same run),
# and the logging cost per call.                                   [target: rigor <= 1.05x bare]
#
# The loggers come from PyPI into a benchmark-only virtual environment outside the clone:
#   RIGOR_BENCH_VENV (default ${XDG_CACHE_HOME:-$HOME/.cache}/rigor-bench-venv), created and
#   filled on first use (numpy, tensorboardX, wandb, mlflow-skinny). A logger that cannot be
#   installed is reported as such and left out; no figure is printed for it.
# Environment: ROUNDS (default 5), STEPS (default 20000), DIM (skips the calibration: the
# layer width of a step), TARGET_US (default 200: the calibration's target per step),
# MODES (default "bare rigor tensorboardX wandb mlflow"), RIGOR_BENCH_BIN=<rigor binary>
# (skips the release build).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/benchmarks/logging"
ROUNDS="${ROUNDS:-5}"
STEPS="${STEPS:-20000}"
TARGET_US="${TARGET_US:-200}"
MODES="${MODES:-bare rigor tensorboardX wandb mlflow}"
venv="${RIGOR_BENCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/rigor-bench-venv}"
case "$venv/" in "$root"/*) echo "RIGOR_BENCH_VENV must lie outside the clone ($root)" >&2; exit 2 ;; esac

if [[ -n "${RIGOR_BENCH_BIN:-}" ]]; then
  rigor="$RIGOR_BENCH_BIN"
else
  (cd "$root" && swift build -c release --product rigor >/dev/null)
  rigor="$(cd "$root" && swift build -c release --show-bin-path)/rigor"
fi

# The benchmark's virtual environment, with each logger installed on its own, so that one
# that fails leaves the others.
if [[ ! -x "$venv/bin/python" ]]; then
  base="$(python3 -c 'import sys; print(sys.executable)')"
  "$base" -m venv "$venv"
fi
py="$venv/bin/python"
declare -A pkg=([numpy]=numpy [tensorboardX]=tensorboardX [wandb]=wandb [mlflow]=mlflow-skinny)
declare -A missing=()
for mod in numpy tensorboardX wandb mlflow; do
  if ! "$py" -c "import $mod" >/dev/null 2>&1; then
    "$py" -m pip install -q "${pkg[$mod]}" >"$venv/pip-$mod.log" 2>&1 || true
    if ! "$py" -c "import $mod" >/dev/null 2>&1; then
      missing[$mod]="pip install ${pkg[$mod]} failed: $(tail -1 "$venv/pip-$mod.log")"
    fi
  fi
done
[[ -z "${missing[numpy]:-}" ]] || { echo "numpy cannot be installed: ${missing[numpy]}" >&2; exit 1; }

# One thread for BLAS in every mode: the step's cost is then the loop's own, not a thread pool's.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
export WANDB_MODE=offline WANDB_SILENT=true WANDB_DISABLE_GIT=true MLFLOW_ALLOW_FILE_STORE=true
unset RIGOR_EVENTS_FD
# The helper for the rigor mode is the one `rigor exec` installs (PYTHONPATH set by rigor).

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ws/results"
exp="$work/ws/results/exp-001-bench"

if [[ -z "${DIM:-}" ]]; then
  DIM="$("$py" "$here/train_loop.py" --calibrate "$TARGET_US" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["dim"])')"
fi

modes=()
for m in $MODES; do
  case "$m" in
    bare|rigor) modes+=("$m") ;;
    tensorboardX|wandb|mlflow) [[ -z "${missing[$m]:-}" ]] && modes+=("$m") ;;
    *) echo "unknown mode $m" >&2; exit 2 ;;
  esac
done

results="$work/results.tsv"
: >"$results"
run_one() {  # mode round
  local mode="$1" round="$2" out="$work/out-$1-$2" rc=0
  mkdir -p "$out"
  local cmd=("$py" "$here/train_loop.py" --mode "$mode" --steps "$STEPS" --dim "$DIM" --out "$out" --report "$out/report.json")
  if [[ "$mode" == rigor ]]; then
    cmd=("$rigor" exec --no-guard --experiment "$exp" -- "${cmd[@]}")
  fi
  (cd "$work/ws" && "$py" "$here/timed.py" "$out/timing" "${cmd[@]}") >"$out/stdout" 2>"$out/stderr" || rc=$?
  if [[ $rc -ne 0 || ! -s "$out/report.json" ]]; then
    echo "$mode (round $round) failed (exit $rc):" >&2; tail -5 "$out/stderr" >&2; exit 1
  fi
  local events=-
  if [[ "$mode" == rigor ]]; then
    local run; run="$(ls -d "$exp"/runs/2*/ | sort | tail -1)"
    events="$("$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["eventCount"] if d["status"] == "succeeded" else "run " + d["status"])' "$run/run.json")"
    rm -rf "$run"
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$mode" "$round" "$(cat "$out/timing")" \
    "$("$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["loop_s"])' "$out/report.json")" "$events" >>"$results"
  rm -rf "$out"
}

for round in $(seq 1 "$ROUNDS"); do
  for mode in "${modes[@]}"; do run_one "$mode" "$round"; done
done

missing_text=""
for m in "${!missing[@]}"; do missing_text+="$m	${missing[$m]}"$'\n'; done
"$py" - "$results" "$STEPS" "$DIM" "$ROUNDS" "$rigor" "$missing_text" <<'PY'
import json, os, platform, statistics, subprocess, sys
path, steps, dim, rounds, rigor, missing = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
by = {}
for mode, rnd, wall, cpu, loop, events in rows:
    by.setdefault(mode, []).append((float(wall), float(loop), float(cpu), events))
def versions():
    out = {}
    for mod in ("numpy", "tensorboardX", "wandb", "mlflow"):
        try:
            m = __import__(mod)
            out[mod] = getattr(m, "__version__", "?")
        except Exception:
            pass
    return out
model = ""
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip(); break
except OSError:
    pass
print(f"machine: {os.cpu_count()} cores ({model or platform.machine()}), load average {os.getloadavg()[0]:.2f} at the end; "
      f"Python {platform.python_version()}; " + ", ".join(f"{k} {v}" for k, v in versions().items()))
bare = by["bare"]
bare_wall = statistics.median(x[0] for x in bare)
bare_loop = statistics.median(x[1] for x in bare)
bare_cpu = statistics.median(x[2] for x in bare)
print(f"loop: {steps} steps, numpy dense layer width {dim}, 3 values logged per step; bare step "
      f"{bare_loop / steps * 1e6:.1f} us (median); {rounds} rounds, interleaved; medians")
print(f"{'mode':<30}{'wall s':>8}{'x bare':>8}{'us/call':>9}{'loop s':>8}{'x bare':>8}{'us/call':>9}{'CPU s':>8}{'us/call':>9}")
print(f"{'':<30}{'(whole run, start-up in)':>25}{'(the loop alone)':>25}{'(all processes)':>17}")
names = {"bare": "bare (no logging)", "rigor": "rigor exec + rigor.log", "tensorboardX": "tensorboardX SummaryWriter",
         "wandb": "wandb offline", "mlflow": "MLflow (file store)"}
for mode in ("bare", "rigor", "tensorboardX", "wandb", "mlflow"):
    if mode not in by:
        continue
    xs = by[mode]
    wall = statistics.median(x[0] for x in xs)
    loop = statistics.median(x[1] for x in xs)
    cpu = statistics.median(x[2] for x in xs)
    if mode == "bare":
        print(f"{names[mode]:<30}{wall:>8.3f}{1:>8.2f}{'-':>9}{loop:>8.3f}{1:>8.2f}{'-':>9}{cpu:>8.3f}{'-':>9}")
        continue
    print(f"{names[mode]:<30}{wall:>8.3f}{wall / bare_wall:>8.2f}{(wall - bare_wall) / steps * 1e6:>9.1f}"
          f"{loop:>8.3f}{loop / bare_loop:>8.2f}{(loop - bare_loop) / steps * 1e6:>9.1f}"
          f"{cpu:>8.3f}{(cpu - bare_cpu) / steps * 1e6:>9.1f}")
if "rigor" in by:
    ev = sorted(set(x[3] for x in by["rigor"]))
    r = statistics.median(x[0] for x in by["rigor"]) / bare_wall
    print(f"rigor exec: events recorded per run {', '.join(ev)} (of {steps}); ratio {r:.3f}x bare   [target <= 1.05x]")
for line in missing.splitlines():
    if line.strip():
        mod, why = line.split("\t", 1)
        print(f"{mod}: NOT MEASURED ({why})")
print("per call = (mode median - bare median) / steps; one call logs 3 values. CPU s: user+system time of the")
print("whole process tree (rigor, the script, a logger's own processes), less disturbed by other load than wall time")
PY
