#!/usr/bin/env bash
# Spec parse time per spec and `rigor --version` start time, release build.
# Target: <= 5 ms per spec. Prints figures; never fails on a slow machine.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product rigor >/dev/null
bin=.build/release/rigor
specs=(examples/*/experiments/*.md)
[ -d ../shared/corpus/specs ] && specs+=(../shared/corpus/specs/*.md)
echo "== spec parse time (in-process, ${ITERATIONS:-200} parses each)"
"$bin" spec bench --iterations "${ITERATIONS:-200}" "${specs[@]}"
echo
echo "== rigor --version start time (process start to exit, 50 runs)"
python3 - "$bin" <<'PY'
import subprocess, sys, time, statistics
bin = sys.argv[1]
samples = []
for _ in range(50):
    t = time.perf_counter(); subprocess.run([bin, "--version"], stdout=subprocess.DEVNULL, check=True)
    samples.append((time.perf_counter() - t) * 1000)
samples.sort()
print(f"median {statistics.median(samples):.2f} ms  min {samples[0]:.2f} ms  p90 {samples[int(len(samples)*0.9)]:.2f} ms")
t = time.perf_counter()
for _ in range(50): subprocess.run(["/bin/true"], check=True)
print(f"/bin/true for comparison: {(time.perf_counter() - t) * 1000 / 50:.2f} ms per start")
PY
