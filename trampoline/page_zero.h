// The image of page 0: the sled that `call *%rax` lands in, whatever the syscall
// number, sliding into the gate blob (entry stub first) right after it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

namespace interpose::hook {

// Fills `page` (INTERPOSE_PAGE_ZERO_SIZE bytes): the sled, then `blob` (`size`
// bytes), then hlt.
void build_page_zero(uint8_t* page, const uint8_t* blob, size_t size);

// Where the blob starts; every sled offset slides to it.
inline constexpr size_t kSledEnd = INTERPOSE_SLED_SIZE;

// Bytes per sled instruction (prefixes and a nop); x86 instructions are at
// most 15 bytes long.
inline constexpr size_t kSledChunk = INTERPOSE_SLED_CHUNK;

// Fills a page of its own with the blob at its start, then hlt.
void build_gate_page(uint8_t* page, const uint8_t* blob, size_t size);

}  // namespace interpose::hook
