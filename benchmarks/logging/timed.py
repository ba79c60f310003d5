"""timed.py OUT CMD...: runs CMD, writes "<wall seconds>\t<CPU seconds>" to OUT and exits with
CMD's status. CPU is user+system time of CMD and every descendant it waited for (os.wait4),
so for `rigor exec` it covers the supervisor, the script and a logger's service processes."""
import os
import subprocess
import sys
import time

out, cmd = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
proc = subprocess.Popen(cmd)
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - t0
with open(out, "w") as f:
    f.write(f"{wall:.6f}\t{usage.ru_utime + usage.ru_stime:.6f}\n")
sys.exit(os.waitstatus_to_exitcode(status))
