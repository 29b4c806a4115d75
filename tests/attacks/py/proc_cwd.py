# threat: /proc/self/cwd and .. behind a magic link
# expect: blocked
from attacklib import SECRET, SECRET_FILE, attempt, succeeded

def attack():
    if open("/proc/self/cwd/" + "../" * 20 + SECRET_FILE.lstrip("/")).read().strip() == SECRET:
        succeeded("read the secret through /proc/self/cwd/..")

attempt(attack)
