#!/usr/bin/env python3
"""Checks the red-team scorer itself: with one guard layer disabled on purpose, run.py must
report mismatches on exactly that layer and exit non-zero (a dead layer can no longer pass
because the protected state happened to end unchanged).

Usage: redteam/selftest.py --rigor PATH/TO/rigor
"""
import argparse, json, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# A wrapper around the real binary that breaks one layer.
WRAPPER = r"""#!/bin/sh
REAL='{real}'
case "{layer}:$1:$2" in
  policy:guard:check-command) exit 0 ;;                      # the policy allows everything
  hook:hook:pre-tool-use) cat >/dev/null; exit 0 ;;          # the hook allows everything
  kernel:guard:exec) shift 2; exec "$REAL" guard exec --fallback "$@" ;;   # no sandbox
  manifest:guard:exec) "$REAL" "$@"; rc=$?; [ $rc -eq 3 ] && rc=0; exit $rc ;;  # tamper not reported
esac
exec "$REAL" "$@"
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rigor", required=True)
    args = ap.parse_args()
    real = os.path.abspath(args.rigor)
    tmp = tempfile.mkdtemp(prefix="rigor-redteam-selftest-")
    failures = 0
    for layer in ["policy", "hook", "kernel", "manifest"]:
        w = os.path.join(tmp, f"rigor-no-{layer}")
        with open(w, "w") as f:
            f.write(WRAPPER.format(real=real, layer=layer))
        os.chmod(w, 0o755)
        out = os.path.join(tmp, f"{layer}.json")
        p = subprocess.run([sys.executable, os.path.join(HERE, "run.py"), "--rigor", w, "--json", out, "--no-harness"],
                           capture_output=True, text=True, timeout=1800)
        layers = json.load(open(out))["summary"]["layers"]
        hit = {k: v["mismatches"] for k, v in layers.items()}
        ok = p.returncode != 0 and hit[layer] > 0
        failures += not ok
        print(f"{layer:<9} disabled: run.py exit {p.returncode}, mismatches per layer {hit}  {'ok' if ok else 'NOT CAUGHT'}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
