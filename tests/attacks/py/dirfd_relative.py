# threat: a path relative to a directory fd of / (openat)
# expect: blocked
import os
from attacklib import SECRET, SECRET_FILE, attempt, succeeded

def attack():
    root = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    fd = os.open(SECRET_FILE.lstrip("/"), os.O_RDONLY, dir_fd=root)
    if os.read(fd, 4096).decode().strip() == SECRET:
        succeeded("read the secret relative to a dirfd of /")

attempt(attack)
