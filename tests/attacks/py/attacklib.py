"""Shared by the attack programs: how an attack reports.

Every attack prints ATTACK-SUCCEEDED when it got what it was after (a secret's
actual value, a process, a socket) and ATTACK-BLOCKED with the error that
stopped it otherwise.  The runner (../run.py) gives every attack the same
arguments: the path of a grader secret in /tmp, the secret's value, and the pid
of a grader process whose environment and command line hold the secret.
"""
import ctypes
import errno
import os
import sys

SECRET_FILE = sys.argv[1] if len(sys.argv) > 1 else ""
SECRET = sys.argv[2] if len(sys.argv) > 2 else ""
GRADER_PID = int(sys.argv[3]) if len(sys.argv) > 3 else 0

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def syscall(nr, *args):
    """A raw syscall; returns (result, errno)."""
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
    return r, (ctypes.get_errno() if r == -1 else 0)


def succeeded(detail):
    print("ATTACK-SUCCEEDED", detail, flush=True)


def blocked(detail):
    print("ATTACK-BLOCKED", detail, flush=True)


def attempt(fn):
    """Runs fn(); an exception is the attack being blocked."""
    try:
        fn()
    except BaseException as e:  # noqa: BLE001 - any refusal counts, SystemExit included
        if isinstance(e, SystemExit) and e.code == 0:
            raise
        blocked(f"{type(e).__name__}: {e}")


def check_syscall(name, r, err):
    if r >= 0:
        succeeded(f"{name} returned {r}")
    else:
        blocked(f"{name}: {errno.errorcode.get(err, err)}")


def reached_kernel(name, r, err, refusals=(errno.EPERM, errno.ENOSYS, errno.EACCES)):
    """For calls whose success needs more than the test can give (a module, a
    kernel image): reaching the kernel's own checks is the attack's success."""
    if r >= 0 or err not in refusals:
        succeeded(f"{name} reached the kernel: {r} {errno.errorcode.get(err, err)}")
    else:
        blocked(f"{name}: {errno.errorcode.get(err, err)}")
