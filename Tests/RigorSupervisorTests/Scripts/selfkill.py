import os, signal, rigor
rigor.log(step=1, loss=0.5)
os.kill(os.getpid(), signal.SIGKILL)
