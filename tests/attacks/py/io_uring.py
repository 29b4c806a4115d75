# threat: io_uring: opens and reads files with no syscall the runtime sees
# expect: blocked
import ctypes
from attacklib import syscall, check_syscall

params = ctypes.create_string_buffer(120)
r, err = syscall(425, 8, params)
check_syscall("io_uring_setup", r, err)
