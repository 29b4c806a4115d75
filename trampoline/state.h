// Process-wide state of the hook path, set up by the runtime's constructor and
// read on every call.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "site_table.h"

namespace interpose::hook {

inline constexpr size_t kMaxPath = 4096;

struct State {
  arena::Header* arena = nullptr;
  uintptr_t blocks_begin = 0;  // [blocks_begin, +blocks_span): this process's view of
  uintptr_t blocks_span = 0;   // the arena's thread blocks
  SiteTable sites;
  int arena_fd = -1;           // kept open across exec; guarded against close/dup2
  // What a new image's environment must hold for the runtime to come back in it:
  // "LD_PRELOAD=" + the runtime's own path.
  char runtime_path[kMaxPath] = {};
};

extern State g_state;

}  // namespace interpose::hook

extern "C" long interpose_app_syscall(long nr, long a1, long a2, long a3, long a4, long a5,
                                      long a6);
