# Logs a few steps, NaN on request, a final value; exits with the code given.
import sys, rigor
nan_at = int(sys.argv[1]) if len(sys.argv) > 1 else -1
code = int(sys.argv[2]) if len(sys.argv) > 2 else 0
for step in range(1, 6):
    loss = float("nan") if step == nan_at else 1.0 / step
    rigor.log(step=step, loss=loss, acc=step / 10)
    print("step", step, flush=True)
    if step == nan_at:
        import time; time.sleep(30)
rigor.final(acc=0.5, inf_value=float("inf"))
print("seed", rigor.seed(), flush=True)
sys.exit(code)
