// Process-wide state of the hook path, set up by the runtime's constructor and
// read on every call.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "policy_table.h"
#include "signals.h"
#include "site_table.h"

namespace interpose::hook {

inline constexpr size_t kMaxPath = 4096;

// A range of the runtime's own memory the program may not unmap, remap or
// change the protection of.
struct Region {
  uint64_t begin;
  uint64_t end;
};

struct State {
  arena::Mode mode = arena::kModeZpoline;
  bool sud = false;                // Syscall User Dispatch is armed in every thread
  arena::Header* arena = nullptr;
  uintptr_t blocks_begin = 0;  // [blocks_begin, +blocks_span): this process's view of
  uintptr_t blocks_span = 0;   // the arena's thread blocks
  SiteTable sites;
  int arena_fd = -1;           // kept open across exec; guarded against close/dup2
  int event_fd = -1;           // --log/--trace lines go here; guarded as arena_fd

  // The compiled policy (read-only mapping), or nullptr: no policy, count only.
  const policy_table::Header* policy = nullptr;
  bool trace = false;          // --trace: every call gets a line, with its result
  bool log_all = false;        // the policy logs every call
  int threads = 1;             // this process's live threads (the policy's thread limit)
  long pid = 0;                // this process's id (set at start and in a fork child)
  // Say so (INTERPOSE_EMULATED_SYSCALL) when the runtime answers a call itself:
  // only while a tracer is attached, which is what the marker is for
  // (announce_emulated() in dispatch.h: 0 not looked at yet, 1 yes, 2 no).
  uint8_t tracer_attached = 0;
  // What a new image's environment must hold for the runtime to come back in it:
  // "LD_PRELOAD=" + the runtime's own path.
  char runtime_path[kMaxPath] = {};

  // What dispatch does per syscall number (arena::Action); each thread block gets
  // a copy, so the hot path reads it from the page it touches anyway.
  uint8_t actions[arena::kCountedSyscalls] = {};
  uint16_t answer_errno[arena::kCountedSyscalls] = {};  // for kActionAnswer

  ProgramSigsys program_sigsys;

  static constexpr int kMaxRegions = 16;
  Region regions[kMaxRegions] = {};
  int region_count = 0;

  // Rewrites a site the SIGSYS handler just caught (lazypoline and k23 modes);
  // runs in signal context, set by the runtime.
  void (*lazy_rewrite)(uint64_t site) = nullptr;

  // interpose-profile: every syscall's site, from dispatch (set by the runtime).
  void (*profile_hit)(uint64_t site, uint64_t nr) = nullptr;

  // k23 with a plan: a file was just mapped executable (dlopen).
  void (*exec_mapping)(uint64_t addr) = nullptr;
};

extern State g_state;

}  // namespace interpose::hook

