# Runs a command on a fresh pseudo-terminal (80x24) as its stdin, stdout and stderr;
# writes every byte the terminal received to argv[1]; exits with the command's status.
import fcntl, os, struct, subprocess, sys, termios
out, argv = sys.argv[1], sys.argv[2:]
master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
child = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
os.close(slave)
received = bytearray()
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: every writer has closed the terminal
        break
    if not chunk:
        break
    received += chunk
with open(out, "wb") as f:
    f.write(received)
sys.exit(child.wait())
