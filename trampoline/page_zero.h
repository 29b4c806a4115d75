// The image of page 0: the sled that `call *%rax` lands in, whatever the syscall
// number, and the jump from its end into the entry stub.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

namespace interpose::hook {

// Fills `page` (INTERPOSE_PAGE_ZERO_SIZE bytes) with the image for a page mapped at
// address 0 whose sled ends in a jump to `entry`.
void build_page_zero(uint8_t* page, uint64_t entry);

// Where the jump to the entry stub starts; every sled offset slides to it.
inline constexpr size_t kSledEnd = INTERPOSE_SLED_SIZE;

}  // namespace interpose::hook
