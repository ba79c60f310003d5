# Benchmark (b): logs finite losses, then a NaN with its write time; the SIGTERM handler
# records when the signal arrived. Prints "latency_ms <x>" to the file in argv[1].
import sys, time, signal, os, rigor
out = sys.argv[1]
sent = [None]
def on_term(signum, frame):
    got = time.time()
    with open(out, "w") as f:
        f.write("latency_ms %.3f\n" % ((got - sent[0]) * 1000))
    os._exit(0)
signal.signal(signal.SIGTERM, on_term)
for step in range(50):
    rigor.log(step=step, loss=1.0)
time.sleep(0.05)
sent[0] = time.time()
rigor.log(step=50, loss=float("nan"))
time.sleep(10)
