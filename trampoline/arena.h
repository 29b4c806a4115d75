// The arena: one shared memory file (memfd) created by the launcher and mapped by
// the runtime of every process it starts, exec'd children included (the fd number
// travels in INTERPOSE_ARENA_FD).  It holds the launcher's configuration and one
// 4 KiB ThreadBlock per thread: %gs points at the thread's block, whose counters
// the hook path increments without atomics (one writer each).  Because the blocks
// are shared, the launcher still sees the counts of a process that was SIGKILLed.
//
// Both the launcher (ordinary C++) and the hook path include this file; it is part
// of the versioned trampoline interface.
#pragma once

#include <atomic>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"

namespace interpose::arena {

inline constexpr uint64_t kMagic = 0x314e524150494e49ULL;  // "INIPARN1"
inline constexpr uint32_t kVersion = INTERPOSE_TRAMPOLINE_ABI_VERSION;
inline constexpr size_t kPage = 4096;
inline constexpr uint32_t kDefaultBlockCapacity = 8192;

// Syscalls 0..kCountedSyscalls-1 are counted one by one; any higher number lands in
// ThreadBlock::other_count.  The kernel's table ends well below this.
inline constexpr size_t kCountedSyscalls = 496;

// Which way a syscall reached dispatch.
enum Path : uint32_t {
  kPathRewritten = INTERPOSE_KIND_REWRITTEN,
  kPathRedirected = INTERPOSE_KIND_REDIRECTED,  // caught by Syscall User Dispatch
  kPathPtrace = 2,
  kPathCount = 4,
};

enum Mode : uint32_t {
  kModeZpoline = 1,
};

enum ConfigFlags : uint32_t {
  kFlagVerbose = 1u << 0,
  kFlagStats = 1u << 1,
};

// Written by the launcher before the program starts; the runtime only reads it.
struct Config {
  uint32_t mode;
  uint32_t flags;
};

// Why the rewriter left a `syscall` alone (arena totals, shown by --stats/--verbose).
enum SkipReason : uint32_t {
  kSkipRedZone,        // the function keeps live data just below the stack pointer
  kSkipCacheLine,      // the 2 bytes straddle a cache line: no atomic store exists
  kSkipNoFunction,     // no unwind info says which instructions are real
  kSkipUndecodable,    // decoding the function from its start failed before the site
  kSkipTableFull,
  kSkipCount,
};

struct Header {
  uint64_t magic;
  uint32_t version;
  uint32_t block_capacity;
  uint64_t header_size;
  uint64_t total_size;
  Config config;

  std::atomic<uint32_t> next_block;  // bump allocator; block 0 is the shared overflow
  uint32_t pad0;
  std::atomic<uint64_t> free_head;   // (tag << 32) | (index + 1), 0 = empty
  std::atomic<uint64_t> runtimes_started;
  std::atomic<uint64_t> runtimes_degraded;  // came up without hooking (e.g. no page 0)
  std::atomic<uint64_t> blocks_exhausted;
  std::atomic<uint64_t> sites_rewritten;
  std::atomic<uint64_t> sites_skipped[kSkipCount];
  std::atomic<uint64_t> wild_jumps;

  // Counters of released blocks, folded in when a thread exits or execs.
  std::atomic<uint64_t> retired_paths[kPathCount];
  std::atomic<uint64_t> retired_other;
  std::atomic<uint64_t> retired[kCountedSyscalls];
};

inline constexpr size_t kHeaderSize = (sizeof(Header) + kPage - 1) / kPage * kPage;

inline constexpr size_t total_size(uint32_t capacity) {
  return kHeaderSize + size_t{capacity} * kPage;
}

// Per thread; lives in the arena; %gs:0 holds its own address.
struct ThreadBlock {
  ThreadBlock* self;             // INTERPOSE_TB_SELF
  uint64_t magic;
  uint32_t vfork_depth;          // INTERPOSE_TB_VFORK_DEPTH
  uint32_t borrowers;            // CLONE_VM|CLONE_VFORK children running on this block
  uint64_t vfork_ret[INTERPOSE_TB_VFORK_MAX];  // INTERPOSE_TB_VFORK_RET
  uint32_t index;
  uint32_t pad0;
  uint64_t free_next;            // free-list link: index + 1 of the next free block
  uint64_t saved_sigmask;        // the mask a new thread restores once it is set up
  uint64_t path_counts[kPathCount];
  uint64_t other_count;
  uint64_t reserved[1];
  uint64_t counts[kCountedSyscalls];
};

static_assert(sizeof(ThreadBlock) == INTERPOSE_TB_SIZE);
static_assert(offsetof(ThreadBlock, self) == INTERPOSE_TB_SELF);
static_assert(offsetof(ThreadBlock, vfork_depth) == INTERPOSE_TB_VFORK_DEPTH);
static_assert(offsetof(ThreadBlock, vfork_ret) == INTERPOSE_TB_VFORK_RET);
static_assert(std::atomic<uint64_t>::is_always_lock_free);

inline ThreadBlock* block_at(Header* h, uint32_t index) {
  return reinterpret_cast<ThreadBlock*>(reinterpret_cast<char*>(h) + h->header_size +
                                        size_t{index} * kPage);
}

// Lays out a fresh (zero-filled) arena of total_size(capacity) bytes.
inline void format(Header* h, uint32_t capacity, Config config) {
  h->magic = kMagic;
  h->version = kVersion;
  h->block_capacity = capacity;
  h->header_size = kHeaderSize;
  h->total_size = total_size(capacity);
  h->config = config;
  h->next_block.store(1, std::memory_order_relaxed);  // block 0: the overflow block
}

// Whether a mapping of `mapped` bytes holds an arena this runtime understands.
inline bool valid(const Header* h, size_t mapped) {
  return mapped >= kHeaderSize && h->magic == kMagic && h->version == kVersion &&
         h->header_size == kHeaderSize && h->total_size == total_size(h->block_capacity) &&
         h->total_size <= mapped;
}

}  // namespace interpose::arena
