#!/usr/bin/env bash
# rigor run's overheads, printed (not timed in tests; the machine is shared and noisy, so
# compare the ratios measured in one run):
#  1. the broker's added latency per `rigor exec`: N runs of `python3 -c pass` through the
#     broker (a loop in the agent's Bash tool, inside rigor run's sandbox, timed inside the
#     loop so the model's latency is not counted) vs the same loop run directly;
#  2. the wall time of `rigor run --agent none --plan` vs `rigor protocol run` on the example.
# Needs the Claude Code CLI (pip install claude-agent-sdk) for 1; the model is the scripted
# server of the tests (Tests/Servers/anthropic_messages_server.py) on 127.0.0.1.
# Usage: benchmarks/run/run.sh [N]   (default N=20)
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
N=${1:-20}
swift build -c release >/dev/null 2>&1 || swift build -c release
RIGOR="$(swift build -c release --show-bin-path)/rigor"
CLAUDE_DIR=$(python3 -c 'import claude_agent_sdk, os; print(os.path.join(os.path.dirname(claude_agent_sdk.__file__), "_bundled"))')
W=$(mktemp -d /tmp/rigor-bench-run-XXXXXX)
SERVER=
trap '[ -n "$SERVER" ] && kill -9 $SERVER 2>/dev/null; rm -rf "$W"' EXIT
EXP=results/exp-001-hidden-width
fresh() { rm -rf "$W/$1"; mkdir -p "$W/$1"; cp -r examples/two-spirals/. "$W/$1"; rm -rf "$W/$1/results/exp-"*; }
LOOP="s=\$(date +%s%N); for i in \$(seq $N); do rigor exec --experiment $EXP --kind evaluation -- python3 -c pass >/dev/null 2>&1 || echo failed; done; e=\$(date +%s%N); echo \$(( (e - s) / $N / 1000 )) > loop-us.txt"

echo "== 1. broker latency per rigor exec (python3 -c pass), $N runs each"
fresh direct
(cd "$W/direct" && PATH="$(dirname "$RIGOR"):$PATH" bash -c "$LOOP")
direct=$(cat "$W/direct/loop-us.txt")
fresh brokered
python3 - "$W/script.json" "$LOOP" <<'PY'
import json, sys
json.dump([{"tool_use": [{"name": "Bash", "input": {"command": sys.argv[2], "description": "loop", "timeout": 600000}}]}, {"text": "done"}], open(sys.argv[1], "w"))
PY
python3 Tests/Servers/anthropic_messages_server.py "$W/script.json" "$W/requests.jsonl" "$W/port" & SERVER=$!
while [ ! -s "$W/port" ]; do sleep 0.1; done
(cd "$W/brokered" && PATH="$CLAUDE_DIR:$PATH" ANTHROPIC_BASE_URL="http://127.0.0.1:$(cat "$W/port")" ANTHROPIC_API_KEY=sk-bench-not-a-key \
  "$RIGOR" run experiments/exp-001-hidden-width.md --agent claude --time-budget 10m >/dev/null 2>&1 || true)
brokered=$(cat "$W/brokered/loop-us.txt")
python3 -c "d=$direct/1000; b=$brokered/1000; print('direct    %.1f ms per run' % d); print('brokered  %.1f ms per run' % b); print('added     %.1f ms per run (%.2fx)' % (b - d, b / d))"

echo "== 2. rigor run --agent none vs rigor protocol run on examples/two-spirals (3 each, median)"
median() { python3 -c "import statistics,sys; print('%.2f' % statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
tp=(); tr=()
for i in 1 2 3; do
  fresh p; fresh r
  s=$(date +%s%N); (cd "$W/p" && "$RIGOR" protocol run plan.yaml >/dev/null 2>&1); e=$(date +%s%N); tp+=($(python3 -c "print(($e-$s)/1e9)"))
  s=$(date +%s%N); (cd "$W/r" && "$RIGOR" run experiments/exp-001-hidden-width.md --agent none --plan plan.yaml >/dev/null 2>&1); e=$(date +%s%N); tr+=($(python3 -c "print(($e-$s)/1e9)"))
done
mp=$(median "${tp[@]}"); mr=$(median "${tr[@]}")
echo "protocol run      ${mp} s"
echo "run --agent none  ${mr} s"
python3 -c "print('ratio             %.2fx (%.2f s more: preflight, guard session, prompt, broker, verification, trace, records)' % ($mr/$mp, $mr-$mp))"
