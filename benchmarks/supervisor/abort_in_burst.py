# Benchmark (b2): logs in a tight loop for 0.3 s (so the helper batches), then one event over
# the abort threshold (run with --abort 'loss > 50') and busy work with no more logging: only
# the helper's flush thread can send that event. The SIGTERM handler writes
# "latency_ms <x>" (event logged -> signal received) to the file in argv[1].
import os, signal, sys, time, rigor
out = sys.argv[1]
sent = [None]
def on_term(signum, frame):
    got = time.time()
    with open(out, "w") as f:
        f.write("latency_ms %.3f\n" % ((got - sent[0]) * 1000))
    os._exit(0)
signal.signal(signal.SIGTERM, on_term)
step = 0
end = time.time() + 0.3
while time.time() < end:
    step += 1
    rigor.log(step=step, loss=1.0)
sent[0] = time.time()
rigor.log(step=step + 1, loss=100.0)
x = 0
end = time.time() + 10
while time.time() < end:
    x += 1
