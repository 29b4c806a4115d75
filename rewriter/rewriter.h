// Finding the `syscall` instructions that can be rewritten into `call *%rax`.
//
// A site is rewritten only if all of these hold:
//  - decoding from the start of its function (from unwind info) lands on it, and
//    the instruction there is exactly `0f 05` (K23 pitfall 3);
//  - its two bytes lie in one cache line, so one atomic 2-byte store replaces them
//    while other threads may be executing them (pitfall 5);
//  - its function does not keep live data in the 8 bytes just below the stack
//    pointer, which the `call` overwrites with its return address (the red zone;
//    see docs/architecture.md).
// Everything else is left alone and counted by reason.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "eh_frame.h"

namespace interpose::rewriter {

enum class Verdict : uint8_t {
  kRewrite,
  kRedZone,       // the function uses the 8 bytes below rsp
  kCacheLine,     // 0f 05 straddles a 64-byte line
  kNoFunction,    // no unwind info covers it
  kUndecodable,   // decoding the function failed before reaching it
  kNotInstruction,  // the bytes 0f 05 are inside another instruction (or data)
};

const char* verdict_name(Verdict v);

// What decoding one function found out.
struct FunctionFacts {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t decoded_until = 0;  // first address decoding did not reach (== end if all)
  bool uses_red_zone = false;
  size_t syscalls = 0;
};

// Receives the address of each `syscall` instruction found (in address order).
using SyscallSink = void (*)(void* ctx, uint64_t site);

// Decodes `code` (the bytes of one function, which starts at code.addr) and
// reports its syscall instructions.  Pure: no allocation, no global state.
FunctionFacts scan_function(ByteView code, SyscallSink sink, void* ctx);

// The verdict for a `syscall` found by scan_function in a function with `facts`.
Verdict judge_site(uint64_t site, const FunctionFacts& facts);

// The 2-byte encodings involved.
inline constexpr uint16_t kSyscallBytes = 0x050f;  // 0f 05, little endian
inline constexpr uint16_t kCallRaxBytes = 0xd0ff;  // ff d0: call *%rax

// True if the 2 bytes at addr share one 64-byte cache line.
inline constexpr bool fits_cache_line(uint64_t addr) { return (addr & 63) != 63; }

}  // namespace interpose::rewriter
