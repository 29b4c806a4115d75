# threat: perf_event_open: kernel attack surface, side channels
# expect: blocked
# needs: root
import ctypes
from attacklib import syscall, check_syscall

attr = (ctypes.c_uint8 * 128)()
ctypes.c_uint32.from_buffer(attr, 0).value = 1          # PERF_TYPE_SOFTWARE
ctypes.c_uint32.from_buffer(attr, 4).value = 128        # size
ctypes.c_uint64.from_buffer(attr, 8).value = 0          # PERF_COUNT_SW_CPU_CLOCK
r, err = syscall(298, attr, 0, -1, -1, 0)
check_syscall("perf_event_open", r, err)
