# benign: signal handlers, interval timers, alarm, sleeping, signalling itself
import os
import signal
import threading
import time

ticks = []
signal.signal(signal.SIGALRM, lambda s, f: ticks.append(s))
signal.setitimer(signal.ITIMER_REAL, 0.01, 0.01)
while len(ticks) < 5:
    time.sleep(0.005)
signal.setitimer(signal.ITIMER_REAL, 0)
got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
os.kill(os.getpid(), signal.SIGUSR1)
os.kill(0, signal.SIGUSR1)  # its own process group
time.sleep(0.05)
fired = threading.Event()
threading.Timer(0.02, fired.set).start()
print("alarm ticks >= 5:", len(ticks) >= 5, "usr1:", len(got), "timer:", fired.wait(2))
print("BENIGN-OK")
