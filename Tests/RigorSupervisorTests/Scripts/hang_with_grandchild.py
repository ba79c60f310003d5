# Starts a grandchild in the same process group, writes both pids, then hangs.
import os, sys, subprocess, time
pidfile = sys.argv[1]
ignore_term = len(sys.argv) > 2 and sys.argv[2] == "ignore-term"
if ignore_term:
    import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)
g = subprocess.Popen([sys.executable, "-c", "import time\nwhile True: time.sleep(1)"])
with open(pidfile + ".tmp", "w") as f:
    f.write(f"{os.getpid()} {g.pid} {os.getpgid(0)}\n")
os.rename(pidfile + ".tmp", pidfile)
print("ready", flush=True)
while True:
    time.sleep(1)
