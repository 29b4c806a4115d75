#include "page_zero.h"

namespace interpose::hook {

namespace {

// hlt faults in user mode: a call that lands past the sled or the blob (rax not
// a syscall number) gets SIGSEGV.
constexpr uint8_t kHlt = 0xf4;

}  // namespace

void build_page_zero(uint8_t* page, const uint8_t* blob, size_t size) {
  // Single-byte nops: every offset is an instruction boundary, so a call to any
  // syscall number slides to the blob.
  for (size_t i = 0; i < kSledEnd; ++i) page[i] = 0x90;
  size_t p = kSledEnd;
  for (size_t i = 0; i < size && p < INTERPOSE_PAGE_ZERO_SIZE; ++i) page[p++] = blob[i];
  for (; p < INTERPOSE_PAGE_ZERO_SIZE; ++p) page[p] = kHlt;
}

void build_gate_page(uint8_t* page, const uint8_t* blob, size_t size) {
  size_t p = 0;
  for (size_t i = 0; i < size && p < INTERPOSE_PAGE_ZERO_SIZE; ++i) page[p++] = blob[i];
  for (; p < INTERPOSE_PAGE_ZERO_SIZE; ++p) page[p] = kHlt;
}

}  // namespace interpose::hook
