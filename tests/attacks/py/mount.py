# threat: mounting a filesystem (in a mount namespace of its own)
# expect: blocked
# needs: root
import ctypes
import os
from attacklib import libc, succeeded, blocked

os.makedirs("mnt", exist_ok=True)
if libc.unshare(0x00020000) != 0:
    blocked(f"unshare: {os.strerror(ctypes.get_errno())}")
elif libc.mount(b"none", b"mnt", b"tmpfs", 0, None) == 0:
    succeeded("mounted a tmpfs")
else:
    blocked(f"mount: {os.strerror(ctypes.get_errno())}")
