// The path rules as a kernel floor: the launcher turns the compiled policy's
// path rules into a Landlock domain (Linux 5.13+) for the program, so that code
// which defeats the in-process runtime still cannot read a hidden file or write
// outside the writable places.  Coarser than the runtime: Landlock can only
// allow whole hierarchies, so a read-only directory with something hidden in it
// is granted entry by entry, and it cannot hide names from listings (the
// runtime does that).  docs/threat-model.md says what each layer promises.
#pragma once

#include <string>

#include "policy_table.h"

namespace interpose::loader {

struct LandlockResult {
  int error = 0;        // 0, or the errno that stopped it
  bool unsupported = false;  // this kernel has no Landlock: nothing was applied
  int abi = 0;
  size_t rules = 0;
};

// Child side, after fork (this process's /proc/self is the program's), before
// the seccomp filters.  `extra_read` are files the runtime needs (itself).
LandlockResult apply_landlock(const policy_table::Header* h, const std::string& extra_read);

}  // namespace interpose::loader
