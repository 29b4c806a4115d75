# threat: a shell (os.system): reverse shells, anything a shell can do
# expect: blocked
import os
from attacklib import attempt, blocked, succeeded

def attack():
    status = os.system("echo pwned > pwned.txt")
    if os.path.exists("pwned.txt"):
        succeeded("os.system ran a shell")
    else:
        blocked(f"os.system status {status}, no shell ran")

attempt(attack)
