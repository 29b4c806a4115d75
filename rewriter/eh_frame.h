// Function boundaries from unwind information.
//
// The rewriter only trusts instruction boundaries it reached by decoding from the
// start of a function (K23 pitfall 3: a linear sweep mistakes data for code).
// .eh_frame_hdr gives a sorted table of every function's start and its FDE, which
// gives its length; hand-written assembly in glibc and OpenSSL carries CFI too,
// while data tables in .text are covered by no FDE.
//
// Everything is read through bounds-checked views, so a corrupt or hostile image
// yields an error, never an out-of-bounds read.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace interpose::rewriter {

// Bytes that live at `addr` in the program's address space.
struct ByteView {
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint64_t addr = 0;

  bool contains(uint64_t a, size_t n) const {
    return a >= addr && n <= size && a - addr <= size - n;
  }
};

struct FunctionRange {
  uint64_t begin = 0;
  uint64_t end = 0;
};

enum class EhStatus {
  kOk,
  kNotFound,     // no FDE covers the address
  kMalformed,    // the unwind data is inconsistent or out of bounds
  kUnsupported,  // an encoding we do not decode
};

// Looks functions up through .eh_frame_hdr's binary search table.
class FdeIndex {
 public:
  // `hdr` holds .eh_frame_hdr; `frame` holds (at least) the .eh_frame section it
  // points to.  Check status() afterwards.
  FdeIndex(ByteView hdr, ByteView frame);

  EhStatus status() const { return status_; }
  size_t size() const { return count_; }

  // The function containing pc.
  EhStatus lookup(uint64_t pc, FunctionRange* out) const;

  // For a pc that no FDE covers: the functions around it.  `before` ends at or
  // before pc, `after` starts after it; kNotFound if either is missing.
  EhStatus neighbors(uint64_t pc, FunctionRange* before, FunctionRange* after) const;

  // The i-th function in address order (for tools that walk all of them).
  EhStatus function_at(size_t i, FunctionRange* out) const;

 private:
  EhStatus table_entry(size_t i, uint64_t* initial, uint64_t* fde) const;
  // How many table entries start at or before pc.
  EhStatus rank(uint64_t pc, size_t* out) const;
  EhStatus parse_fde(uint64_t fde_addr, FunctionRange* out) const;

  ByteView hdr_;
  ByteView frame_;
  EhStatus status_ = EhStatus::kMalformed;
  uint8_t table_enc_ = 0;
  size_t entry_size_ = 0;
  uint64_t table_addr_ = 0;
  size_t count_ = 0;
};

}  // namespace interpose::rewriter
