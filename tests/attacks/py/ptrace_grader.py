# threat: red-team round 1: ptrace the grader and read its expected answers
# expect: blocked
# needs: root
from attacklib import GRADER_PID, check_syscall, syscall

PTRACE_ATTACH, PTRACE_DETACH = 16, 17
r, err = syscall(101, PTRACE_ATTACH, GRADER_PID, 0, 0)
if r == 0:
    import os
    os.waitpid(GRADER_PID, 0x40000000)  # __WALL
    syscall(101, PTRACE_DETACH, GRADER_PID, 0, 0)
check_syscall("ptrace(PTRACE_ATTACH, grader)", r, err)
