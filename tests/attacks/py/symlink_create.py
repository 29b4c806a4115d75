# threat: red-team round 2: a symlink from the working directory to a secret
# expect: blocked
import os
from attacklib import SECRET, SECRET_FILE, attempt, succeeded

def attack():
    os.symlink(SECRET_FILE, "link")
    if open("link").read().strip() == SECRET:
        succeeded("read the secret through a symlink it made")

attempt(attack)
