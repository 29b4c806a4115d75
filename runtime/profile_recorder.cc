#include "profile_recorder.h"

#include <linux/mman.h>

#include <atomic>

#include "arena.h"
#include "maps.h"
#include "state.h"
#include "sys.h"

namespace interpose::runtime {

namespace {

using hook::g_state;

// This process's cache: site address -> its entry in the shared table.  Open
// addressing, lock-free inserts; entries are never removed.
struct CacheSlot {
  std::atomic<uint64_t> site;
  std::atomic<arena::ProfileSite*> entry;
};
constexpr size_t kCacheSlots = 1 << 16;
std::atomic<CacheSlot*> g_cache{nullptr};

CacheSlot* cache() {
  CacheSlot* c = g_cache.load(std::memory_order_acquire);
  if (c != nullptr) return c;
  const long m = sys::mmap(nullptr, kCacheSlots * sizeof(CacheSlot), PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (sys::failed(m)) return nullptr;
  auto* fresh = reinterpret_cast<CacheSlot*>(m);
  if (g_cache.compare_exchange_strong(c, fresh)) return fresh;
  sys::munmap(fresh, kCacheSlots * sizeof(CacheSlot));
  return c;
}

uint64_t hash(uint64_t v) { return (v * 0x9E3779B97F4A7C15ULL) >> 16; }

arena::ProfileSite* cached(CacheSlot* c, uint64_t site) {
  for (size_t i = hash(site) % kCacheSlots, n = 0; n < kCacheSlots; i = (i + 1) % kCacheSlots, ++n) {
    const uint64_t s = c[i].site.load(std::memory_order_acquire);
    if (s == site) return c[i].entry.load(std::memory_order_acquire);
    if (s == 0) return nullptr;
  }
  return nullptr;
}

void remember(CacheSlot* c, uint64_t site, arena::ProfileSite* e) {
  for (size_t i = hash(site) % kCacheSlots, n = 0; n < kCacheSlots / 2; i = (i + 1) % kCacheSlots, ++n) {
    uint64_t expected = 0;
    if (c[i].site.compare_exchange_strong(expected, site) || expected == site) {
      c[i].entry.store(e, std::memory_order_release);
      return;
    }
  }
}

// The shared module index of a mapping's file, registering it if new.
int module_index(arena::ProfileArea* a, const char* maps, const Mapping& m) {
  const uint32_t n = std::min(a->module_count.load(std::memory_order_acquire), arena::kProfileModules);
  for (uint32_t i = 0; i < n; ++i) {
    const arena::ProfileModule& pm = a->modules[i];
    if (pm.published.load(std::memory_order_acquire) && pm.inode == m.inode &&
        pm.dev == ((m.dev_major << 20) | m.dev_minor))
      return static_cast<int>(i);
  }
  const uint32_t i = a->module_count.fetch_add(1, std::memory_order_acq_rel);
  if (i >= arena::kProfileModules) return -1;
  arena::ProfileModule& pm = a->modules[i];
  rewriter::ModuleImage image;
  if (module_of(maps, m, &image)) pm.build_id_len = static_cast<uint32_t>(build_id_of(image, pm.build_id, sizeof pm.build_id));
  pm.dev = (m.dev_major << 20) | m.dev_minor;
  pm.inode = m.inode;
  for (size_t k = 0; k < sizeof pm.path; ++k) pm.path[k] = m.path[k];
  pm.published.store(1, std::memory_order_release);
  return static_cast<int>(i);
}

arena::ProfileSite* site_entry(arena::ProfileArea* a, uint64_t key) {
  for (size_t i = hash(key) % arena::kProfileSites, n = 0; n < arena::kProfileSites;
       i = (i + 1) % arena::kProfileSites, ++n) {
    uint64_t expected = 0;
    if (a->sites[i].key.compare_exchange_strong(expected, key) || expected == key) return &a->sites[i];
  }
  return nullptr;
}

// Resolves a site the first time this process sees it.  Each resolution reads
// /proc/self/maps into its own buffer: no lock, at the price of a read per new
// site.
arena::ProfileSite* resolve(arena::ProfileArea* a, uint64_t site, bool* anonymous) {
  constexpr size_t kBuf = 1 << 18;
  const long mem = sys::mmap(nullptr, kBuf, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (sys::failed(mem)) return nullptr;
  char* maps = reinterpret_cast<char*>(mem);
  arena::ProfileSite* e = nullptr;
  Mapping m;
  if (read_maps(maps, kBuf) && find_mapping(maps, site, &m)) {
    if (m.inode == 0) {
      *anonymous = true;
    } else {
      const int mod = module_index(a, maps, m);
      const uint64_t offset = site - m.start + m.offset;
      if (mod >= 0 && offset < (uint64_t{1} << arena::kProfileOffsetBits))
        e = site_entry(a, (static_cast<uint64_t>(mod) + 1) << arena::kProfileOffsetBits | offset);
    }
  }
  sys::munmap(maps, kBuf);
  return e;
}

void count(arena::ProfileArea* a, arena::ProfileSite* e, uint64_t nr) {
  e->hits.fetch_add(1, std::memory_order_relaxed);
  const uint32_t want = static_cast<uint32_t>(nr) + 1;
  for (uint32_t k = 0; k < arena::kProfileNrs; ++k) {
    uint32_t v = e->nr[k].load(std::memory_order_acquire);
    if (v == 0 && e->nr[k].compare_exchange_strong(v, want)) v = want;
    if (v == want) {
      e->nr_hits[k].fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  e->other_hits.fetch_add(1, std::memory_order_relaxed);
  (void)a;
}

}  // namespace

void record_profile_hit(uint64_t site, uint64_t nr) {
  arena::ProfileArea* a = arena::profile_area(g_state.arena);
  CacheSlot* c = cache();
  if (a == nullptr || c == nullptr) return;
  arena::ProfileSite* e = cached(c, site);
  if (e == nullptr) {
    bool anonymous = false;
    e = resolve(a, site, &anonymous);
    if (anonymous) {
      a->anonymous_hits.fetch_add(1, std::memory_order_relaxed);
      return;  // not cached: JIT code comes and goes
    }
    if (e == nullptr) {
      a->lost_hits.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    remember(c, site, e);
  }
  count(a, e, nr);
}

}  // namespace interpose::runtime
