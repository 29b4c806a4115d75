#include "k23.h"

#include <linux/mman.h>

#include <atomic>

#include "arena.h"
#include "maps.h"
#include "patch.h"
#include "plan.h"
#include "state.h"
#include "sys.h"

namespace interpose::runtime {

namespace {

using hook::g_state;

const plan::Header* the_plan() {
  arena::Header* h = g_state.arena;
  if (h == nullptr || h->plan_offset == 0 || h->plan_size < sizeof(plan::Header)) return nullptr;
  const auto* p = reinterpret_cast<const plan::Header*>(reinterpret_cast<const char*>(h) + h->plan_offset);
  if (p->magic != plan::kMagic || plan::size_for(p->module_count, 0) > h->plan_size) return nullptr;
  return p;
}

const plan::Module* plan_module(const plan::Header* p, const uint8_t* id, size_t len) {
  const auto* mods = reinterpret_cast<const plan::Module*>(p + 1);
  for (uint32_t i = 0; i < p->module_count; ++i) {
    if (mods[i].build_id_len != len || len == 0) continue;
    bool same = true;
    for (size_t k = 0; k < len && same; ++k) same = mods[i].build_id[k] == id[k];
    if (same) return &mods[i];
  }
  return nullptr;
}

// The address a file offset of the module is loaded at, or 0.
uint64_t address_of(const rewriter::ModuleImage& m, uint64_t offset) {
  for (size_t i = 0; i < m.phnum; ++i) {
    const ElfW(Phdr)& p = m.phdr[i];
    if (p.p_type == PT_LOAD && (p.p_flags & PF_X) && offset >= p.p_offset && offset - p.p_offset < p.p_filesz)
      return m.bias + p.p_vaddr + (offset - p.p_offset);
  }
  return 0;
}

struct Collect {
  SiteList* out;
  PlanTotals* totals;
};

std::atomic<int> g_patching{0};
char g_maps[1 << 18];

}  // namespace

bool have_plan() { return the_plan() != nullptr; }

void plan_sites(const rewriter::ModuleImage& m, SiteList* out, PlanTotals* totals) {
  const plan::Header* p = the_plan();
  if (p == nullptr) return;
  uint8_t id[32];
  const size_t len = build_id_of(m, id, sizeof id);
  const plan::Module* pm = plan_module(p, id, len);
  if (pm == nullptr) return;
  const uint64_t end = pm->sites_offset + uint64_t{pm->site_count} * sizeof(uint64_t);
  if (end > g_state.arena->plan_size) return;
  ++totals->modules_matched;
  const auto* offsets = reinterpret_cast<const uint64_t*>(reinterpret_cast<const char*>(p) + pm->sites_offset);
  for (uint32_t i = 0; i < pm->site_count; ++i) {
    ++totals->sites_planned;
    const uint64_t addr = address_of(m, offsets[i]);
    int prot = 0;
    if (addr != 0 && rewriter::judge_address(m, addr, &prot) == rewriter::Verdict::kRewrite &&
        out->push(PendingSite{addr, prot}))
      continue;
    ++totals->sites_refused;
  }
}

void plan_new_mapping(uint64_t addr) {
  if (g_patching.exchange(1, std::memory_order_acquire) != 0) return;
  Mapping hit;
  rewriter::ModuleImage m;
  if (read_maps(g_maps, sizeof g_maps) && find_mapping(g_maps, addr, &hit) && module_of(g_maps, hit, &m)) {
    SiteList sites;
    PlanTotals totals;
    plan_sites(m, &sites, &totals);
    PatchTotals patch;
    patch_sites(sites, &g_state.sites, &patch);
    g_state.arena->sites_rewritten.fetch_add(patch.patched, std::memory_order_relaxed);
  }
  g_patching.store(0, std::memory_order_release);
}

}  // namespace interpose::runtime
