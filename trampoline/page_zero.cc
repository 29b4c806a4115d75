#include "page_zero.h"

namespace interpose::hook {

namespace {

// hlt faults in user mode: a call that lands past the sled or the blob (rax not
// a syscall number) gets SIGSEGV.
constexpr uint8_t kHlt = 0xf4;

}  // namespace

void build_page_zero(uint8_t* page, const uint8_t* blob, size_t size) {
  // Every offset must be an instruction boundary, so that a call to any syscall
  // number slides to the blob.  Single-byte nops would do, but the lowest
  // numbers (read, write, ...) would then run ~500 of them (~15 ns).  A nop
  // with operand-size prefixes in front is still a nop when entered at any of
  // its prefixes: chunks of kSledChunk-1 prefixes and a nop execute at most
  // kSledEnd/kSledChunk instructions from anywhere.  Laid out backwards from
  // the blob, so the last chunk ends exactly where the blob begins.
  for (size_t end = kSledEnd; end > 0;) {
    const size_t begin = end > kSledChunk ? end - kSledChunk : 0;
    for (size_t i = begin; i + 1 < end; ++i) page[i] = 0x66;
    page[end - 1] = 0x90;
    end = begin;
  }
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
