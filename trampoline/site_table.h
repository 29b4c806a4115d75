// SiteTable: the set of addresses of rewritten `syscall` instructions.
//
// The hook path asks it, for every call through page 0, whether the return address
// follows a site we rewrote; anything else entering page 0 is a wild jump.  Open
// addressing with linear probing over caller-provided memory, so it works in the
// hook path (no allocation) and in unit tests alike.  Inserts are lock-free (a CAS
// per slot) so a site can be added while other threads look up; entries are never
// removed.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace interpose::hook {

class SiteTable {
 public:
  // Bytes of memory needed for a table that can hold `sites` entries at a load
  // factor of at most 1/2 (rounded up to a power-of-two slot count).
  static size_t bytes_for(size_t sites);

  // `memory` must be zeroed and at least bytes_for(sites) long.
  void init(void* memory, size_t bytes);

  // False if the table is full (load factor above 3/4) or site is 0.
  bool insert(uint64_t site);

  bool contains(uint64_t site) const {
    if (mask_ == 0) return false;
    for (uint64_t i = slot_of(site);; i = (i + 1) & mask_) {
      const uint64_t v = __atomic_load_n(&slots_[i], __ATOMIC_ACQUIRE);
      if (v == site) return true;
      if (v == 0) return false;
    }
  }

  size_t size() const { return __atomic_load_n(&size_, __ATOMIC_RELAXED); }
  size_t capacity() const { return mask_ + 1; }

 private:
  uint64_t slot_of(uint64_t site) const {
    return (site * 0x9E3779B97F4A7C15ULL) >> shift_;
  }

  uint64_t* slots_ = nullptr;
  uint64_t mask_ = 0;
  unsigned shift_ = 64;
  size_t size_ = 0;
};

}  // namespace interpose::hook
