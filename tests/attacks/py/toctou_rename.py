# threat: red-team round 2: check-then-use race: one thread swaps a directory for a symlink to /tmp while another opens a path through it
# expect: blocked
import os
import threading
import time
from attacklib import SECRET, SECRET_FILE, blocked, succeeded

name = os.path.basename(SECRET_FILE)
os.makedirs("d", exist_ok=True)
with open(os.path.join("d", name), "w") as f:
    f.write("harmless\n")
stop = threading.Event()

def swapper():
    while not stop.is_set():
        try:
            os.rename("d", "d.real")
            os.rename("evil", "d")      # "evil" is a planted symlink to the secret's directory
            os.rename("d", "evil")
            os.rename("d.real", "d")
        except OSError:
            pass

t = threading.Thread(target=swapper)
t.start()
got = None
deadline = time.time() + 3
while time.time() < deadline and got is None:
    try:
        with open(os.path.join("d", name)) as f:
            if f.read().strip() == SECRET:
                got = "read the secret through the swapped directory"
    except OSError:
        pass
stop.set()
t.join()
if got:
    succeeded(got)
else:
    blocked("the race never let the secret through in 3 s")
