// Signals: the runtime's SIGSYS handler (the Syscall User Dispatch path), its
// per-thread alternate stack, and keeping the program from switching either off
// while it still sees the signal behaviour it asked for (K23 pitfall 2).
#pragma once

#include <stdint.h>

#include "arena.h"
#include "kernel_types.h"

namespace interpose::hook {

// Installs the SIGSYS handler (all signals blocked while it runs, on the
// alternate stack, returning through the runtime's own restorer).
bool install_sigsys_handler();

// Gives the calling thread its own alternate signal stack, recorded in `block`.
bool setup_altstack(arena::ThreadBlock* block);
// Unmaps it (the thread is about to exit).
void release_altstack(arena::ThreadBlock* block);

// Turns Syscall User Dispatch on for the calling thread: every syscall outside
// the gate range raises SIGSYS.  False if the kernel refused.
bool arm_sud();

// Everything a new thread needs before it runs a single instruction of the
// program: %gs, the alternate stack (if it has none yet) and SUD.
void setup_thread(arena::ThreadBlock* block, bool needs_altstack);

// The program's view of SIGSYS, kept by the runtime while the real handler
// stays the runtime's.
struct ProgramSigsys {
  kernel::Sigaction action{};  // SIG_DFL until the program sets one
};

}  // namespace interpose::hook
