#include "stats.h"

#include <algorithm>
#include <cstdio>

#include "syscall_names.h"

namespace interpose::loader {

StatsSummary summarize(const arena::Header& h) {
  StatsSummary s;
  std::vector<uint64_t> per(arena::kCountedSyscalls, 0);
  uint64_t other = h.retired_other.load();
  for (size_t i = 0; i < arena::kCountedSyscalls; ++i) per[i] = h.retired[i].load();
  for (size_t p = 0; p < arena::kPathCount; ++p) s.paths[p] = h.retired_paths[p].load();
  const uint32_t used = std::min(h.next_block.load(), h.block_capacity);
  auto& hh = const_cast<arena::Header&>(h);
  for (uint32_t b = 0; b < used; ++b) {
    const arena::ThreadBlock* tb = arena::block_at(&hh, b);
    for (size_t i = 0; i < arena::kCountedSyscalls; ++i) per[i] += tb->counts[i];
    for (size_t p = 0; p < arena::kPathCount; ++p) s.paths[p] += tb->path_counts[p];
    other += tb->other_count;
  }
  for (size_t i = 0; i < arena::kCountedSyscalls; ++i)
    if (per[i] != 0) s.counts.push_back({static_cast<long>(i), per[i]});
  if (other != 0) s.counts.push_back({-1, other});
  std::stable_sort(s.counts.begin(), s.counts.end(),
                   [](const SyscallCount& a, const SyscallCount& b) { return a.calls > b.calls; });
  for (const auto& c : s.counts) s.total += c.calls;
  s.runtimes = h.runtimes_started.load();
  s.degraded = h.runtimes_degraded.load();
  s.blocks_exhausted = h.blocks_exhausted.load();
  s.sites_rewritten = h.sites_rewritten.load();
  for (size_t i = 0; i < arena::kSkipCount; ++i) s.sites_skipped[i] = h.sites_skipped[i].load();
  s.wild_jumps = h.wild_jumps.load();
  return s;
}

std::string format_rewrite_summary(const StatsSummary& s) {
  char line[512];
  std::snprintf(line, sizeof line,
                "interpose: %llu process image(s) ran the runtime; %llu sites rewritten, left alone: "
                "%llu red-zone, %llu cache-line, %llu outside known functions, %llu undecodable, %llu unreached\n",
                static_cast<unsigned long long>(s.runtimes),
                static_cast<unsigned long long>(s.sites_rewritten),
                static_cast<unsigned long long>(s.sites_skipped[arena::kSkipRedZone]),
                static_cast<unsigned long long>(s.sites_skipped[arena::kSkipCacheLine]),
                static_cast<unsigned long long>(s.sites_skipped[arena::kSkipNoFunction]),
                static_cast<unsigned long long>(s.sites_skipped[arena::kSkipUndecodable]),
                static_cast<unsigned long long>(s.sites_skipped[arena::kSkipUnreached]));
  return line;
}

std::string format_stats(const StatsSummary& s) {
  std::string out;
  char line[256];
  out += "interpose: syscalls of the program, all its processes and threads\n";
  std::snprintf(line, sizeof line, "%12s  %s\n", "calls", "syscall");
  out += line;
  for (const auto& c : s.counts) {
    char unknown[32];
    const char* name = c.nr < 0 ? "(numbers >= 512)" : syscall_name(c.nr);
    if (name == nullptr) {
      std::snprintf(unknown, sizeof unknown, "syscall_%ld", c.nr);
      name = unknown;
    }
    std::snprintf(line, sizeof line, "%12llu  %s\n", static_cast<unsigned long long>(c.calls), name);
    out += line;
  }
  std::snprintf(line, sizeof line, "%12llu  total (rewritten sites %llu, SUD %llu, ptrace %llu, boot %llu)\n",
                static_cast<unsigned long long>(s.total),
                static_cast<unsigned long long>(s.paths[arena::kPathRewritten]),
                static_cast<unsigned long long>(s.paths[arena::kPathRedirected]),
                static_cast<unsigned long long>(s.paths[arena::kPathPtrace]),
                static_cast<unsigned long long>(s.paths[arena::kPathBoot]));
  out += line;
  out += format_rewrite_summary(s);
  if (s.degraded != 0) {
    std::snprintf(line, sizeof line, "interpose: %llu process image(s) ran without interposition\n",
                  static_cast<unsigned long long>(s.degraded));
    out += line;
  }
  if (s.blocks_exhausted != 0) {
    std::snprintf(line, sizeof line,
                  "interpose: %llu threads found no free counter block; their counts are approximate\n",
                  static_cast<unsigned long long>(s.blocks_exhausted));
    out += line;
  }
  if (s.wild_jumps != 0) {
    std::snprintf(line, sizeof line, "interpose: %llu wild jump(s) into page 0 were stopped\n",
                  static_cast<unsigned long long>(s.wild_jumps));
    out += line;
  }
  return out;
}

}  // namespace interpose::loader
