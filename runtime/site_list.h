// A growable array of sites for load time, backed by mmap through the gate so
// that setting up the runtime leaves the program's heap untouched.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace interpose::runtime {

struct PendingSite {
  uint64_t addr;
  int prot;  // the protection its page must get back after patching
};

class SiteList {
 public:
  SiteList() = default;
  SiteList(const SiteList&) = delete;
  SiteList& operator=(const SiteList&) = delete;
  ~SiteList();

  bool push(PendingSite s);
  size_t size() const { return size_; }
  const PendingSite& operator[](size_t i) const { return data_[i]; }

 private:
  PendingSite* data_ = nullptr;
  size_t size_ = 0;
  size_t bytes_ = 0;
};

}  // namespace interpose::runtime
