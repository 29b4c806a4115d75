// The k23 rewrite plan: which sites of which modules to rewrite at load, as the
// launcher extracted it from a profile (--profile, --hot).  It lives in the arena
// (Header::plan_offset); the runtime matches modules by GNU build-id, so a module
// rebuilt since the profile was recorded is simply not found.
#pragma once

#include <stdint.h>

namespace interpose::plan {

inline constexpr uint32_t kMagic = 0x4e414c50;  // "PLAN"

struct Header {
  uint32_t magic;
  uint32_t module_count;
};

struct Module {
  uint8_t build_id[32];
  uint32_t build_id_len;
  uint32_t site_count;
  uint64_t sites_offset;  // from the plan's start: site_count uint64_t file offsets
  char path[256];         // for messages only
};

// Bytes a plan with `modules` modules and `sites` sites in all needs.
inline constexpr uint64_t size_for(uint64_t modules, uint64_t sites) {
  return sizeof(Header) + modules * sizeof(Module) + sites * sizeof(uint64_t);
}

}  // namespace interpose::plan
