#include "site_table.h"

namespace interpose::hook {

size_t SiteTable::bytes_for(size_t sites) {
  size_t slots = 16;
  while (slots < sites * 2) slots *= 2;
  return slots * sizeof(uint64_t);
}

void SiteTable::init(void* memory, size_t bytes) {
  size_t slots = 1;
  while (slots * 2 * sizeof(uint64_t) <= bytes) slots *= 2;
  unsigned bits = 0;
  while ((size_t{1} << bits) < slots) ++bits;
  slots_ = static_cast<uint64_t*>(memory);
  mask_ = slots - 1;
  shift_ = 64 - bits;
  size_ = 0;
  if (bits == 0) {  // a single slot cannot terminate a probe sequence
    mask_ = 0;
    slots_ = nullptr;
  }
}

bool SiteTable::insert(uint64_t site) {
  if (site == 0 || mask_ == 0) return false;
  if ((size() + 1) * 4 > capacity() * 3) return false;
  for (uint64_t i = slot_of(site);; i = (i + 1) & mask_) {
    uint64_t expected = 0;
    if (__atomic_compare_exchange_n(&slots_[i], &expected, site, false, __ATOMIC_RELEASE,
                                    __ATOMIC_ACQUIRE)) {
      __atomic_fetch_add(&size_, 1, __ATOMIC_RELAXED);
      return true;
    }
    if (expected == site) return true;
  }
}

}  // namespace interpose::hook
