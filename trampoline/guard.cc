#include "guard.h"

#include <asm/unistd_64.h>
#include <linux/errno.h>
#include <linux/mman.h>

#include "state.h"

namespace interpose::hook {

namespace {

constexpr uint64_t kPage = 4096;

uint64_t page_len(uint64_t addr, uint64_t len) {
  const uint64_t end = addr + len;
  if (end < addr) return ~uint64_t{0} - (addr & ~(kPage - 1));
  return ((end + kPage - 1) & ~(kPage - 1)) - (addr & ~(kPage - 1));
}

}  // namespace

void protect_region(uint64_t begin, uint64_t end) {
  if (g_state.region_count < State::kMaxRegions && begin < end)
    g_state.regions[g_state.region_count++] = Region{begin & ~(kPage - 1), (end + kPage - 1) & ~(kPage - 1)};
}

bool touches_runtime(uint64_t addr, uint64_t len) {
  if (len == 0) return false;
  const uint64_t begin = addr & ~(kPage - 1);
  const uint64_t end = begin + page_len(addr, len);
  for (int i = 0; i < g_state.region_count; ++i) {
    const Region& r = g_state.regions[i];
    if (begin < r.end && r.begin < end) return true;
  }
  return false;
}

bool guard_memory_call(const interpose_frame* f, long* result) {
  const uint64_t* a = f->call_args;
  const bool page0 = g_state.mode != arena::kModeSud;  // page 0 is ours in every mode but sud
  long r = 0;
  switch (f->nr) {
    case __NR_mmap:
      // Only MAP_FIXED replaces what is there; without it the kernel never
      // places a mapping over ours.
      if ((a[3] & MAP_FIXED) && !(a[3] & MAP_FIXED_NOREPLACE) &&
          ((page0 && touches_page_zero(a[0], a[1])) || touches_runtime(a[0], a[1])))
        r = -EPERM;  // as vm.mmap_min_addr refuses page 0
      break;
    case __NR_munmap:
      if (page0 && touches_page_zero(a[0], a[1]) && a[0] + a[1] <= INTERPOSE_PAGE_ZERO_SIZE) {
        *result = 0;  // natively nothing is mapped there: unmapping nothing succeeds
        return true;
      }
      if (touches_runtime(a[0], a[1]) || (page0 && touches_page_zero(a[0], a[1]))) r = -EPERM;
      break;
    case __NR_mprotect:
    case __NR_pkey_mprotect:
    case __NR_madvise:
      if (page0 && touches_page_zero(a[0], a[1])) r = -ENOMEM;  // natively unmapped
      else if (touches_runtime(a[0], a[1])) r = -EPERM;
      break;
    case __NR_mremap:
      if (page0 && touches_page_zero(a[0], a[1])) r = -EFAULT;
      else if (touches_runtime(a[0], a[1])) r = -EPERM;
      else if ((a[3] & MREMAP_FIXED) && (touches_runtime(a[4], a[2]) || (page0 && touches_page_zero(a[4], a[2]))))
        r = -EPERM;
      break;
  }
  *result = r;
  return r != 0;
}

}  // namespace interpose::hook
