// Finding the `syscall` instructions that can be rewritten into `call *%rax`.
//
// A site is rewritten only if all of these hold:
//  - following the control flow of its function from its first byte (the start
//    comes from unwind info) reaches it as an instruction, exactly `0f 05` (K23
//    pitfall 3): bytes after an unconditional jump that nothing jumps to, and
//    pairs inside other instructions, are never taken for code;
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
  kRedZone,         // the function uses the 8 bytes below rsp
  kCacheLine,       // 0f 05 straddles a 64-byte line
  kNoFunction,      // no unwind info covers it
  kUndecodable,     // some path of the function does not decode, or decodes inconsistently
  kNotInstruction,  // the bytes 0f 05 are inside another instruction
  kUnreached,       // no path from the function's entry reaches it (data, or a jump-table target)
};

const char* verdict_name(Verdict v);

// Scratch for decoding one function: which bytes start a reached instruction and
// which a reached instruction covers.  Big; reused from call to call.
struct FunctionMap {
  static constexpr size_t kMaxBytes = size_t{1} << 17;
  static constexpr size_t kMaxPending = 4096;
  uint64_t starts[kMaxBytes / 64];
  uint64_t covered[kMaxBytes / 64];
  uint64_t linear[kMaxBytes / 64];  // starts of a plain linear sweep, for telling
                                    // unreached code from bytes inside instructions
                                    // (computed on demand, for unreached candidates)
  const uint8_t* code = nullptr;
  size_t size = 0;
  bool have_linear = false;
  uint32_t pending[kMaxPending];
};

// What decoding one function found out.
struct FunctionFacts {
  uint64_t begin = 0;
  uint64_t end = 0;
  bool too_big = false;        // longer than FunctionMap::kMaxBytes: nothing is trusted
  bool decode_failed = false;  // a reached path ran into bytes that do not decode
  bool inconsistent = false;   // two paths decode overlapping instructions
  bool uses_red_zone = false;
  size_t syscalls = 0;         // reached syscall instructions
};

// Receives the address of each reached `syscall` instruction.
using SyscallSink = void (*)(void* ctx, uint64_t site);

// Follows the control flow of `code` (the bytes of one function, which starts at
// code.addr): fallthrough, and the targets of direct jumps inside the function.
// Calls are assumed to return; indirect jumps end a path.  Pure: no allocation.
FunctionFacts scan_function(ByteView code, FunctionMap* map, SyscallSink sink, void* ctx);

// The verdict for any address in a function scan_function just decoded into `map`.
Verdict classify(uint64_t addr, const FunctionFacts& facts, FunctionMap& map);

// The 2-byte encodings involved.
inline constexpr uint16_t kSyscallBytes = 0x050f;  // 0f 05, little endian
inline constexpr uint16_t kCallRaxBytes = 0xd0ff;  // ff d0: call *%rax

// True if the 2 bytes at addr share one 64-byte cache line.
inline constexpr bool fits_cache_line(uint64_t addr) { return (addr & 63) != 63; }

}  // namespace interpose::rewriter
