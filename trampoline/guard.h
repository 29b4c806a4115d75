// Keeping the runtime's own memory out of the program's reach through syscalls:
// page 0, libinterpose.so and the libraries it needs, the arena, the site table.
// A program that writes into them directly is not stopped (it shares the address
// space); one that unmaps, remaps, re-protects or maps over them is.
#pragma once

#include <stdint.h>

#include "abi.h"

namespace interpose::hook {

// Adds [begin, end) to the protected regions.
void protect_region(uint64_t begin, uint64_t end);

// Whether [addr, addr + len) overlaps a protected region.
bool touches_runtime(uint64_t addr, uint64_t len);

// Whether the range covers (part of) page 0 and nothing of the program's could
// be there (natively page 0 is never mapped).
inline bool touches_page_zero(uint64_t addr, uint64_t len) {
  return len != 0 && addr < INTERPOSE_PAGE_ZERO_SIZE;
}

// The memory syscalls (mmap, mprotect, pkey_mprotect, munmap, mremap, madvise):
// true if the call must not run, with the result to answer it with in *result.
bool guard_memory_call(const interpose_frame* f, long* result);

}  // namespace interpose::hook
