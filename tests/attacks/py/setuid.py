# threat: changing identity (setuid)
# expect: blocked
# needs: root
import os
from attacklib import attempt, succeeded

def attack():
    os.setuid(65534)
    succeeded(f"uid is now {os.getuid()}")

attempt(attack)
