// Conventions for code on the hook path (everything in trampoline/).
//
// This code runs inside someone else's process, between their `syscall` and the
// kernel, possibly in a signal handler, possibly in a vfork child sharing their
// stack.  So: no libc, no allocation, no locks, no exceptions, no vector or x87
// registers (the build compiles it with -ffreestanding -mgeneral-regs-only), and
// every syscall goes through the gate.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

#define INTERPOSE_LIKELY(x) __builtin_expect(!!(x), 1)
#define INTERPOSE_UNLIKELY(x) __builtin_expect(!!(x), 0)

// Invariants stay checked in release builds (rr's approach): a broken invariant in
// the runtime ends the process with a message rather than corrupting it.
#define INTERPOSE_CHECK(cond)                                                    \
  do {                                                                           \
    if (INTERPOSE_UNLIKELY(!(cond)))                                             \
      ::interpose::hook::check_failed(__FILE__, __LINE__, #cond);                \
  } while (0)

namespace interpose::hook {

[[noreturn]] void check_failed(const char* file, int line, const char* what);

}  // namespace interpose::hook
