// The --stats report: per-syscall counts summed over every thread block of the
// arena (the blocks of every process and thread the program started).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arena.h"

namespace interpose::loader {

struct SyscallCount {
  long nr;          // -1: numbers beyond the counted range
  uint64_t calls;
};

struct StatsSummary {
  std::vector<SyscallCount> counts;  // nonzero only, most calls first
  uint64_t total = 0;
  uint64_t paths[arena::kPathCount] = {};
  uint64_t runtimes = 0;
  uint64_t degraded = 0;
  uint64_t blocks_exhausted = 0;
  uint64_t sites_rewritten = 0;
  uint64_t sites_skipped[arena::kSkipCount] = {};
  uint64_t wild_jumps = 0;
};

StatsSummary summarize(const arena::Header& h);

// The table as printed by --stats.
// The line saying how many images ran the runtime and what was rewritten.
std::string format_rewrite_summary(const StatsSummary& s);

std::string format_stats(const StatsSummary& s);

}  // namespace interpose::loader
