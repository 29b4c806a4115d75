# threat: reading another process's memory without ptrace (process_vm_readv)
# expect: blocked
import ctypes
from attacklib import syscall, check_syscall

class IoVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]

# Read our own memory through the call: the call itself is the capability.
src = ctypes.create_string_buffer(b"0123456789abcdef")
dst = ctypes.create_string_buffer(16)
local = IoVec(ctypes.cast(dst, ctypes.c_void_p), 16)
remote = IoVec(ctypes.cast(src, ctypes.c_void_p), 16)
import os
r, err = syscall(310, os.getpid(), ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
check_syscall("process_vm_readv", r, err)
