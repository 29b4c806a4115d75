# threat: /tmp snooping: another run's or the grader's file in the shared /tmp
# expect: blocked
import os
from attacklib import SECRET, SECRET_FILE, attempt, succeeded

def attack():
    name = os.path.basename(SECRET_FILE)
    if name in os.listdir("/tmp"):
        succeeded(f"listed {name} in /tmp")
    if open(SECRET_FILE).read().strip() == SECRET:
        succeeded(f"read {SECRET_FILE}")

attempt(attack)
