# threat: userfaultfd: the classic helper for winning kernel races
# expect: blocked
# needs: root
from attacklib import syscall, check_syscall

r, err = syscall(323, 0o2000000)
check_syscall("userfaultfd", r, err)
