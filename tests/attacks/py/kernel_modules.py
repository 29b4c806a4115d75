# threat: loading kernel code (finit_module): garbage reaches the module loader
# expect: blocked
# needs: root
import os
from attacklib import reached_kernel, syscall

with open("module.ko", "wb") as f:
    f.write(b"\x7fELF-not-really-a-module" * 10)
fd = os.open("module.ko", os.O_RDONLY)
r, err = syscall(313, fd, b"", 0)
import errno
if err == errno.ENOSYS:  # the policy answers EPERM; ENOSYS is the kernel's own
    print("ATTACK-UNAVAILABLE this kernel cannot load modules (ENOSYS natively)", flush=True)
else:
    reached_kernel("finit_module", r, err)
