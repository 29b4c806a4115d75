#include "patch.h"

#include <linux/mman.h>

#include "rewriter.h"
#include "sys.h"

namespace interpose::runtime {

bool rewrite_site(uint64_t addr) {
  uint16_t expected = rewriter::kSyscallBytes;
  return __atomic_compare_exchange_n(reinterpret_cast<uint16_t*>(addr), &expected,
                                     rewriter::kCallRaxBytes, false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST);
}

void patch_sites(const SiteList& sites, hook::SiteTable* table, PatchTotals* totals) {
  constexpr uint64_t kPage = 4096;
  size_t i = 0;
  while (i < sites.size()) {
    const uint64_t page = sites[i].addr & ~(kPage - 1);
    const int prot = sites[i].prot;
    size_t j = i;
    while (j < sites.size() && (sites[j].addr & ~(kPage - 1)) == page && sites[j].prot == prot) ++j;
    void* p = reinterpret_cast<void*>(page);
    // Keep the page executable while writing: other threads may be running it.
    if (sys::failed(sys::mprotect(p, kPage, prot | PROT_WRITE | PROT_EXEC))) {
      totals->failed += j - i;
      i = j;
      continue;
    }
    for (size_t k = i; k < j; ++k) {
      if (!table->insert(sites[k].addr)) {
        ++totals->table_full;
        continue;
      }
      if (rewrite_site(sites[k].addr)) ++totals->patched;
      else ++totals->failed;
    }
    sys::mprotect(p, kPage, prot);
    i = j;
  }
}

}  // namespace interpose::runtime
