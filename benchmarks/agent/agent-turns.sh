#!/usr/bin/env bash
# The builtin agent's own time per turn (the model's latency excluded) over a scripted
# 200-turn session, and Rigor's memory at the end of it. Target: <= 5 ms per turn.
# Usage: benchmarks/agent/agent-turns.sh [TURNS]   (builds release unless RIGOR_BIN is set)
set -euo pipefail
cd "$(dirname "$0")/../.."
TURNS=${1:-200}
if [ -z "${RIGOR_BIN:-}" ]; then swift build -c release --product rigor >/dev/null; RIGOR_BIN="$(swift build -c release --show-bin-path)/rigor"; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r examples/two-spirals/. "$work"
rm -rf "$work/results/exp-001-hidden-width"
"$RIGOR_BIN" init "$work" >/dev/null
echo "== $TURNS turns, context window 128000 (nothing shortened)"
"$RIGOR_BIN" agent-bench "$work/experiments/exp-001-hidden-width.md" --turns "$TURNS"
echo "== $TURNS turns, context window 16000 (old tool output shortened as the session grows)"
"$RIGOR_BIN" agent-bench "$work/experiments/exp-001-hidden-width.md" --turns "$TURNS" --context-window 16000
