# Writes N megabytes to stdout (and a little to stderr) as fast as it can.
import sys
mb = int(sys.argv[1])
block = (b"x" * 1023 + b"\n") * 1024
out = sys.stdout.buffer
for _ in range(mb):
    out.write(block)
out.flush()
sys.stderr.write("done\n")
