#include "site_list.h"

#include <linux/mman.h>

#include "sys.h"

namespace interpose::runtime {

SiteList::~SiteList() {
  if (data_ != nullptr) sys::munmap(data_, bytes_);
}

bool SiteList::push(PendingSite s) {
  if ((size_ + 1) * sizeof(PendingSite) > bytes_) {
    const size_t bytes = bytes_ == 0 ? 64 * 1024 : bytes_ * 2;
    long m;
    if (data_ == nullptr)
      m = sys::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    else
      m = sys::call(__NR_mremap, sys::ptr(data_), static_cast<long>(bytes_), static_cast<long>(bytes),
                    MREMAP_MAYMOVE);
    if (sys::failed(m)) return false;
    data_ = reinterpret_cast<PendingSite*>(m);
    bytes_ = bytes;
  }
  data_[size_++] = s;
  return true;
}

}  // namespace interpose::runtime
