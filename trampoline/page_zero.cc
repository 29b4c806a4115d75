#include "page_zero.h"

namespace interpose::hook {

void build_page_zero(uint8_t* page, uint64_t entry) {
  // Single-byte nops: every offset is an instruction boundary, so a call to any
  // syscall number slides to the end.
  for (size_t i = 0; i < kSledEnd; ++i) page[i] = 0x90;
  size_t p = kSledEnd;
  // movabs $entry, %r11 (r11 is dead: the syscall instruction clobbers it too)
  page[p++] = 0x49;
  page[p++] = 0xbb;
  for (int i = 0; i < 8; ++i) page[p++] = static_cast<uint8_t>(entry >> (8 * i));
  // jmp *%r11
  page[p++] = 0x41;
  page[p++] = 0xff;
  page[p++] = 0xe3;
  // Anything past the sled is not a syscall number: hlt faults in user mode.
  for (; p < INTERPOSE_PAGE_ZERO_SIZE; ++p) page[p] = 0xf4;
}

}  // namespace interpose::hook
