// Keeping the runtime in every image the program execs (K23 pitfall 1): whatever
// environment the program passes to execve/execveat, the new image gets the
// runtime in LD_PRELOAD and the arena fd in INTERPOSE_ARENA_FD (followed by
// ",<event fd>" when --log or --trace is on).
#pragma once

#include <stddef.h>

#include "abi.h"

namespace interpose::hook {

inline constexpr char kArenaFdVar[] = "INTERPOSE_ARENA_FD";
inline constexpr char kPreloadEntry[] = "LD_PRELOAD=";

// Runs the frame's execve/execveat as the program's call with the environment
// completed.  Returns only if the exec failed: the kernel's (negative) result.
long run_exec_with_runtime(interpose_frame* f);

// Builds into `out` (room for `out_slots` pointers) and `buf` (bufsize bytes) the
// environment `envp` with our two variables put in.  Returns false when the room is
// too small.  Exposed for unit tests.
bool build_exec_env(const char* const* envp, const char* runtime_path, int arena_fd, int event_fd,
                    const char** out, size_t out_slots, char* buf, size_t bufsize);

}  // namespace interpose::hook
