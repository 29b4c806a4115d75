// Recording a profile (interpose-profile): every syscall reaches dispatch through
// SUD at its own site; the site is resolved once per process to its module and
// file offset and counted in the arena's shared profile tables.
#pragma once

#include <stdint.h>

namespace interpose::runtime {

// Called from dispatch for every syscall while profiling: `site` is the address
// of the syscall instruction.  No locks; tables full -> counted as lost.
void record_profile_hit(uint64_t site, uint64_t nr);

}  // namespace interpose::runtime
