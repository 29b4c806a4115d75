#include "lazy.h"

#include <linux/mman.h>

#include <atomic>

#include "abi.h"
#include "arena.h"
#include "maps.h"
#include "patch.h"
#include "state.h"
#include "sys.h"

namespace interpose::runtime {

namespace {

using hook::g_state;

constexpr size_t kMaxModules = 512;
rewriter::ModuleImage g_modules[kMaxModules];
std::atomic<size_t> g_module_count{0};
std::atomic<int> g_patching{0};
std::atomic<uint64_t> g_rewritten{0}, g_refused{0}, g_busy{0};

// Sites that failed the rules: remembered so the next SIGSYS from them costs no
// decoding (a small direct-mapped cache; collisions just decode again).
constexpr size_t kRefusedSlots = 1024;
uint64_t g_refused_sites[kRefusedSlots];

// How often SUD has caught each site lately, to rewrite only those it catches
// INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE times (direct-mapped; a collision starts
// the count again, and threads racing on a slot may lose a count: either only
// delays a rewrite).
struct TrapCount {
  uint64_t site;
  uint32_t hits;
};
constexpr size_t kCountSlots = 4096;
TrapCount g_trap_counts[kCountSlots];

bool due_for_rewrite(uint64_t site) {
  TrapCount& c = g_trap_counts[(site >> 1) % kCountSlots];
  if (__atomic_load_n(&c.site, __ATOMIC_RELAXED) != site) {
    __atomic_store_n(&c.site, site, __ATOMIC_RELAXED);
    __atomic_store_n(&c.hits, 1u, __ATOMIC_RELAXED);
    return INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE <= 1;
  }
  return __atomic_add_fetch(&c.hits, 1u, __ATOMIC_RELAXED) >= INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE;
}

// /proc/self/maps, read in signal context.
char g_maps[1 << 18];

const rewriter::ModuleImage* find_module(uint64_t addr) {
  const size_t n = g_module_count.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i)
    if (rewriter::module_contains(g_modules[i], addr)) return &g_modules[i];
  return nullptr;
}

// A file-backed module mapped after start-up (dlopen).
const rewriter::ModuleImage* discover_module(uint64_t addr) {
  Mapping hit;
  rewriter::ModuleImage m;
  if (!read_maps(g_maps, sizeof g_maps) || !find_mapping(g_maps, addr, &hit) || !module_of(g_maps, hit, &m))
    return nullptr;
  const size_t n = g_module_count.load(std::memory_order_relaxed);
  if (n >= kMaxModules) return nullptr;
  g_modules[n] = m;
  g_module_count.store(n + 1, std::memory_order_release);
  return &g_modules[n];
}

}  // namespace

void register_module(const rewriter::ModuleImage& m) {
  const size_t n = g_module_count.load(std::memory_order_relaxed);
  if (n < kMaxModules) {
    g_modules[n] = m;
    g_module_count.store(n + 1, std::memory_order_release);
  }
}

void lazy_rewrite_site(uint64_t site) {
  if (!rewriter::fits_cache_line(site) || g_state.sites.contains(site)) return;
  if (g_refused_sites[(site >> 1) % kRefusedSlots] == site) return;
  if (!due_for_rewrite(site)) return;
  if (g_patching.exchange(1, std::memory_order_acquire) != 0) {
    g_busy.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const rewriter::ModuleImage* m = find_module(site);
  if (m == nullptr) m = discover_module(site);
  int prot = 0;
  if (m != nullptr && rewriter::judge_address(*m, site, &prot) == rewriter::Verdict::kRewrite) {
    const uint64_t page = site & ~uint64_t{4095};
    bool done = false;
    if (!sys::failed(sys::mprotect(reinterpret_cast<void*>(page), 4096, prot | PROT_WRITE | PROT_EXEC))) {
      done = g_state.sites.insert(site) && rewrite_site(site);
      sys::mprotect(reinterpret_cast<void*>(page), 4096, prot);
    }
    if (done) {
      g_rewritten.fetch_add(1, std::memory_order_relaxed);
      g_state.arena->sites_rewritten.fetch_add(1, std::memory_order_relaxed);
    }
  } else {
    g_refused_sites[(site >> 1) % kRefusedSlots] = site;
    g_refused.fetch_add(1, std::memory_order_relaxed);
  }
  g_patching.store(0, std::memory_order_release);
}

LazyTotals lazy_totals() {
  return LazyTotals{g_rewritten.load(), g_refused.load(), g_busy.load()};
}

}  // namespace interpose::runtime
