// What an exec is about to start, checked before the runtime lets it happen: a
// statically linked or 32-bit program cannot take the preloaded runtime, so it
// would run with none of its syscalls interposed (K23 pitfall 1).  Such an exec
// is refused with EACCES and one line on stderr; --mode ptrace covers them.
#pragma once

#include "abi.h"

namespace interpose::hook {

enum class ExecTarget {
  kPreloadable,  // dynamically linked x86-64, or a script whose interpreter is
  kStatic,
  kForeign,      // not x86-64 (32-bit, another architecture)
  kUnknown,      // unreadable, or not ELF: the kernel decides
};

// Looks at the file execve/execveat in `f` would run (following one #! line).
ExecTarget classify_exec(const interpose_frame* f);

// Classifies an ELF image from its first bytes (`n` of them, at least the ELF
// header and program headers when they fit).  Exposed for unit tests.
ExecTarget classify_elf(const unsigned char* head, unsigned long n);

}  // namespace interpose::hook
