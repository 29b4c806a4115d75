// The path engine: every path a syscall names is made absolute (against the cwd
// or its dirfd), normalised, judged by the policy's path rules, and the call is
// then run by the runtime in the program's place so that what runs is what was
// judged.  See paths.cc for how symlinks and races are handled, and
// docs/policy.md for the rules' meaning.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "path_syscalls.h"
#include "path_text.h"
#include "policy_table.h"

namespace interpose::hook::paths {

using namespace ::interpose::paths;  // the table of path syscalls (path_syscalls.h)

// What the engine decided, for the event log.
struct Decision {
  uint32_t rule = 0;   // string in the policy: the path rule that decided (0: none matched)
  bool denied = false;
  char path[256] = {};  // the (first) path judged, truncated
};

// What run() asks dispatch to do.
enum class Outcome : uint8_t {
  kAnswer,  // the call ran (or was refused): answer the program with *result
  kExec,    // an exec whose path was checked: run it (its path argument now points
            // into the caller's ExecScratch)
};

struct ExecScratch {
  char path[path_text::kMax + 32];
};

Outcome run(interpose_frame* f, const PathSyscall& ps, const policy_table::Header* h, ExecScratch* exec,
            Decision* d, long* result);

// getdents/getdents64 on a directory some of whose entries the rules hide:
// runs it and leaves those entries out.  Returns the kernel's result, or the
// shortened length.
long getdents_filtered(const policy_table::Header* h, long nr, int fd, void* buf, unsigned count);

}  // namespace interpose::hook::paths
