# threat: namespaces: a way out of the file view (unshare)
# expect: blocked
# needs: root
from attacklib import syscall, check_syscall

r, err = syscall(272, 0x00020000)  # CLONE_NEWNS
check_syscall("unshare(CLONE_NEWNS)", r, err)
