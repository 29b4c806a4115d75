# threat: eBPF: kernel attack surface
# expect: blocked
# needs: root
import ctypes
from attacklib import syscall, check_syscall

attr = (ctypes.c_uint32 * 30)()
attr[0], attr[1], attr[2], attr[3] = 2, 4, 8, 1  # BPF_MAP_TYPE_ARRAY, key 4 B, value 8 B, 1 entry
r, err = syscall(321, 0, attr, ctypes.sizeof(attr))  # BPF_MAP_CREATE
check_syscall("bpf(BPF_MAP_CREATE)", r, err)
