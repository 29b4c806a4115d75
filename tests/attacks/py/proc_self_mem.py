# threat: /proc/self/mem writes past page protections (and into the runtime)
# expect: blocked
import ctypes
from attacklib import attempt, blocked, succeeded

def attack():
    buf = ctypes.create_string_buffer(b"original")
    with open("/proc/self/mem", "r+b", buffering=0) as mem:
        mem.seek(ctypes.addressof(buf))
        mem.write(b"PATCHED!")
    if buf.value == b"PATCHED!":
        succeeded("patched memory through /proc/self/mem")
    else:
        blocked("write had no effect")

attempt(attack)
