# threat: exec a statically linked program (no runtime in it) that opens a socket
# expect: blocked
import os
import sys
from attacklib import attempt

def attack():
    sys.stdout.flush()
    os.execv("./static_socket", ["static_socket"])

attempt(attack)
