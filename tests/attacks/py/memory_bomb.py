# threat: memory exhaustion: 3 GiB at once while 8 threads run (resources.mem)
# expect: blocked
import threading
import time
from attacklib import attempt, succeeded

stop = threading.Event()

def spin():
    x = 0
    while not stop.is_set():
        x += 1
        time.sleep(0.001)

threads = [threading.Thread(target=spin) for _ in range(8)]
for t in threads:
    t.start()

def attack():
    block = bytearray(3 << 30)
    block[-1] = 1
    succeeded(f"allocated {len(block) >> 30} GiB with {threading.active_count() - 1} threads running")

try:
    attempt(attack)
finally:
    stop.set()
    for t in threads:
        t.join()
