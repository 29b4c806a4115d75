# threat: filling the disk: a 100 MiB file (resources.fsize, 64 MiB)
# expect: blocked
import os
from attacklib import attempt, succeeded

def attack():
    chunk = b"x" * (1 << 20)
    with open("big.bin", "wb") as f:
        for _ in range(100):
            f.write(chunk)
    size = os.path.getsize("big.bin")
    os.unlink("big.bin")
    succeeded(f"wrote {size >> 20} MiB")

attempt(attack)
