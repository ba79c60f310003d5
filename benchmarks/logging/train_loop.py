"""A numpy training loop that logs 3 values every step, through one of several loggers.

    python train_loop.py --mode bare|rigor|tensorboardX|wandb|mlflow --steps 20000 --dim D --out DIR [--report FILE]
    python train_loop.py --calibrate 200      # prints the --dim whose step takes ~200 us here

Each step is a small MLP layer's forward and backward pass on a fixed batch (numpy, one
thread); the loss, an accuracy and the learning rate are logged as Python floats, as a
training script logs `loss.item()`. The last line printed is a JSON object with the
script's own timing of its loop ("loop_s": first step to the logger's flush/close, without
interpreter start, imports or logger set-up; "cpu_s": the process's CPU time over the same
span) so that run.sh can separate per-call cost from fixed costs.
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def make_step(dim, batch=32):
    """One step: a dense tanh layer's forward and backward pass and an SGD update, with
    every array preallocated (no per-step allocation of large temporaries, so the step's
    cost does not depend on the heap layout that a logger's imports leave behind)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, dim))
    xt = np.ascontiguousarray(x.T)
    y = rng.standard_normal((batch, dim))
    w = rng.standard_normal((dim, dim)) * (1.0 / dim ** 0.5)
    h = np.empty((batch, dim))
    err = np.empty((batch, dim))
    tmp = np.empty((batch, dim))
    grad = np.empty((dim, dim))
    scale = 2.0 / err.size

    def step(lr):
        np.matmul(x, w, out=h)
        np.tanh(h, out=h)
        np.subtract(h, y, out=err)
        flat = err.reshape(-1)
        loss = float(np.dot(flat, flat)) / err.size
        np.multiply(h, h, out=tmp)
        np.subtract(1.0, tmp, out=tmp)
        np.multiply(err, tmp, out=tmp)
        np.matmul(xt, tmp, out=grad)
        np.multiply(grad, scale * lr, out=grad)
        np.subtract(w, grad, out=w)
        np.multiply(h, y, out=tmp)
        acc = float(np.count_nonzero(tmp > 0)) / tmp.size
        return loss, acc

    return step


def calibrate(target_us):
    best = None
    for dim in range(16, 1025, 8):
        step = make_step(dim)
        for _ in range(50):
            step(1e-3)
        n = 400
        t0 = time.perf_counter()
        for _ in range(n):
            step(1e-3)
        us = (time.perf_counter() - t0) / n * 1e6
        if best is None or abs(us - target_us) < abs(best[1] - target_us):
            best = (dim, us)
        if us > target_us * 1.5:
            break
    print(json.dumps({"dim": best[0], "us_per_step": round(best[1], 1)}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="bare")
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--out", default=None)
    ap.add_argument("--calibrate", type=float, default=None)
    ap.add_argument("--report", default=None, help="also write the timing line to this file")
    a = ap.parse_args()
    if a.calibrate:
        calibrate(a.calibrate)
        return
    mode = a.mode
    out = a.out or "."
    close = None
    if mode == "bare":
        def log(i, loss, acc, lr):
            pass
    elif mode == "rigor":
        import rigor
        if not rigor.enabled():
            sys.exit("rigor mode must run under `rigor exec` (no event channel)")
        rlog = rigor.log

        def log(i, loss, acc, lr):
            rlog(step=i, loss=loss, acc=acc, lr=lr)
        close = rigor.flush
    elif mode == "tensorboardX":
        from tensorboardX import SummaryWriter
        writer = SummaryWriter(logdir=os.path.join(out, "tb"))
        add = writer.add_scalar

        def log(i, loss, acc, lr):
            add("loss", loss, i)
            add("acc", acc, i)
            add("lr", lr, i)
        close = writer.close
    elif mode == "wandb":
        os.environ["WANDB_MODE"] = "offline"
        os.environ.setdefault("WANDB_SILENT", "true")
        import wandb
        run = wandb.init(mode="offline", dir=out, project="rigor-bench")
        wlog = run.log

        def log(i, loss, acc, lr):
            wlog({"loss": loss, "acc": acc, "lr": lr}, step=i)
        close = run.finish
    elif mode == "mlflow":
        # MLflow's local file store (mlruns/), the no-server set-up most scripts start with.
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        import mlflow
        mlflow.set_tracking_uri("file://" + os.path.abspath(os.path.join(out, "mlruns")))
        mlflow.start_run()
        mlog = mlflow.log_metrics

        def log(i, loss, acc, lr):
            mlog({"loss": loss, "acc": acc, "lr": lr}, step=i)
        close = mlflow.end_run
    else:
        sys.exit("unknown mode " + mode)

    step = make_step(a.dim)  # after the logger's imports and set-up, as in a real script
    lr = 1e-3
    t0 = time.perf_counter()
    c0 = time.process_time()
    for i in range(a.steps):
        loss, acc = step(lr)
        log(i, loss, acc, lr)
    if close is not None:
        close()
    loop_s = time.perf_counter() - t0
    cpu_s = time.process_time() - c0
    line = json.dumps({"mode": mode, "steps": a.steps, "loop_s": loop_s, "cpu_s": cpu_s})
    print(line)
    if a.report:
        with open(a.report, "w") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
