# threat: a hard link: a second name, inside the working directory, for a file outside
# expect: blocked
# needs: root
import os
from attacklib import SECRET, SECRET_FILE, attempt, succeeded

def attack():
    os.link(SECRET_FILE, "hard")
    if open("hard").read().strip() == SECRET:
        succeeded("read the secret through a hard link")

attempt(attack)
