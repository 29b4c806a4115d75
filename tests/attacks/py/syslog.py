# threat: reading the kernel log (dmesg: kernel addresses, other users' activity)
# expect: blocked
# needs: root
import ctypes
from attacklib import check_syscall, syscall

buf = ctypes.create_string_buffer(1 << 16)
r, err = syscall(103, 3, buf, len(buf))  # syslog(SYSLOG_ACTION_READ_ALL)
check_syscall("syslog(READ_ALL)", r, err)
