# Emits N metric events through the rigor helper (benchmark a).
import sys, rigor
n = int(sys.argv[1])
log = rigor.log
for step in range(n):
    log(step=step, loss=1.0 / (step + 1), acc=0.5)
