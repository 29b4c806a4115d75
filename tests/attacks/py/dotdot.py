# threat: climbing out with ..
# expect: blocked
from attacklib import SECRET, SECRET_FILE, attempt, succeeded

def attack():
    if open("../" * 20 + SECRET_FILE.lstrip("/")).read().strip() == SECRET:
        succeeded("read the secret with ../")

attempt(attack)
