# threat: chroot: with root, the classic way to escape a chroot-based view
# expect: blocked
# needs: root
import os
from attacklib import attempt, succeeded

def attack():
    os.chroot(".")
    succeeded("chroot succeeded")

attempt(attack)
