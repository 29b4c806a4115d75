# threat: the kernel keyring (other users' secrets, a history of kernel bugs)
# expect: blocked
from attacklib import syscall, check_syscall

r, err = syscall(248, b"user", b"interpose-attack", b"value", 5, -2)  # add_key, KEY_SPEC_PROCESS_KEYRING
check_syscall("add_key", r, err)
