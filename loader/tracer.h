// --mode ptrace: the launcher traces the program and every process and thread it
// starts, and sees each syscall at its entry.  Slow (two stops per syscall), but
// it needs nothing from the program: static binaries, setuid-free or not.
#pragma once

#include <sys/types.h>

#include "arena.h"

namespace interpose::loader {

// The child side: stops itself so the parent can seize it, then returns (the
// caller execs).
void become_tracee();

// The parent side: seizes `child` (stopped by become_tracee), follows it and all
// its descendants until none is left, counting syscalls into `arena`.  Returns
// the wait status of `child` itself, or -1 if it could not be traced.
int trace_until_exit(pid_t child, arena::Header* arena);

}  // namespace interpose::loader
