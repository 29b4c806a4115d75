// What a recording run left in the arena, as a Profile; and the k23 rewrite plan
// a launch takes from a profile.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arena.h"
#include "profile.h"

namespace interpose::profile {

Profile from_arena(arena::Header& arena);

struct Plan {
  std::vector<uint8_t> bytes;         // plan.h layout, for the arena
  size_t sites = 0;                   // planned sites
  size_t modules = 0;                 // modules with planned sites
  std::vector<std::string> warnings;  // one line each: modules skipped, and why
};

// The sites hit at least `hot` times per process image of the recording (per
// run, for a profile that does not say how many images it saw), per module, for
// modules whose file still has the build-id the profile recorded (others are
// skipped with a warning).
Plan make_plan(const Profile& p, uint64_t hot, const std::string& profile_name);

}  // namespace interpose::profile
