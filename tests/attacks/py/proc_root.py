# threat: /proc/self/root: the root directory by another name
# expect: blocked
from attacklib import SECRET, SECRET_FILE, attempt, succeeded

def attack():
    if open("/proc/self/root" + SECRET_FILE).read().strip() == SECRET:
        succeeded("read the secret through /proc/self/root")

attempt(attack)
