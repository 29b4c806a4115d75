# threat: fork bomb / a second process (threat model: resource exhaustion; limits.processes)
# expect: blocked
import os
from attacklib import attempt, succeeded

def attack():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    succeeded(f"forked child {pid}")

attempt(attack)
