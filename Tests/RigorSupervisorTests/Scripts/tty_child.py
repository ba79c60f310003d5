# Child for the terminal test: output lines on stdout and stderr between metric events
# (long metric names make a status line wider than the terminal), then a partial line
# that stays open for more than one status tick before it is ended.
import sys, time, rigor
for i in range(10):
    rigor.log(step=i, training_loss_exponential_moving_average=1.0 / (i + 1),
              validation_accuracy_top1_percent=10.0 * i, learning_rate_after_warmup=0.001)
    print("child line %d %s" % (i, "x" * 20), flush=True)
    if i % 3 == 0:
        print("err line %d" % i, file=sys.stderr, flush=True)
    time.sleep(0.12)
sys.stdout.write("partial ")
sys.stdout.flush()
time.sleep(1.4)
print("end", flush=True)
