# threat: red-team round 3: personality(READ_IMPLIES_EXEC) makes every readable page executable
# expect: blocked
from attacklib import blocked, succeeded, syscall

READ_IMPLIES_EXEC = 0x0400000
syscall(135, READ_IMPLIES_EXEC)
now, _ = syscall(135, 0xffffffff)
if now & READ_IMPLIES_EXEC:
    succeeded(f"persona is now {now:#x}")
else:
    blocked(f"persona stayed {now:#x}")
