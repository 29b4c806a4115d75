# threat: red-team round 2: watching for the grader writing the expected output
# expect: blocked
from attacklib import syscall, check_syscall

fd, err = syscall(294, 0)  # inotify_init1
if fd < 0:
    check_syscall("inotify_init1", fd, err)
else:
    r, err = syscall(254, fd, b"/tmp", 0x100)  # inotify_add_watch(IN_CREATE)
    check_syscall("inotify_add_watch(/tmp)", r, err)
