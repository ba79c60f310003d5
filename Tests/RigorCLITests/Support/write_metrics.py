"""What a RUN-phase agent might write: metrics.json from the supervised runs' records.
--invent puts a number no run produced in the baseline; --interpret writes interpretive notes."""
import glob
import json
import sys

exp = "results/exp-001-hidden-width"
runs = [json.load(open(p)) for p in sorted(glob.glob(exp + "/runs/*/run.json"))]
done = [r for r in runs if r.get("status") == "succeeded"]
by_arm = {r.get("arm"): r for r in done}
keys = ["val_accuracy", "val_loss", "train_accuracy", "train_loss_decreased"]


def values(r):
    return {k: r["finalMetrics"][k] for k in keys}


base = values(by_arm["hidden4"])
treat = values(by_arm["hidden32"])
if "--invent" in sys.argv:
    base["val_accuracy"] = 0.123456
notes = "This proves that wider networks are clearly better." if "--interpret" in sys.argv else ""
metrics = {
    "experiment": "exp-001-hidden-width",
    "timestamp": "2026-12-01T00:00:00Z",
    "baseline": dict(arm="hidden4", **base),
    "treatment": dict(arm="hidden32", **treat),
    "per_seed": [dict(seed=r["seed"], arm=r["arm"], **values(r)) for r in done],
    "sanity_checks": {"n_val": by_arm["hidden4"]["finalMetrics"]["n_val"]},
    "resource_usage": {"gpu_hours": 0, "wall_clock_seconds": round(sum(r["wallSeconds"] for r in runs), 3),
                       "total_training_steps": sum(r["steps"] for r in runs), "total_runs": len(runs)},
    "abort_triggered": False,
    "abort_reason": None,
    "notes": notes,
}
with open(exp + "/metrics.json", "w") as f:
    json.dump(metrics, f, indent=2)
print("wrote", exp + "/metrics.json")
