# threat: a symlink already in the working directory (shipped with the submission) leading out
# expect: blocked
from attacklib import SECRET, attempt, succeeded

def attack():
    if open("planted").read().strip() == SECRET:
        succeeded("read the secret through the planted symlink")

attempt(attack)
