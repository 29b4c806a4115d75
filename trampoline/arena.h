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

// Syscall numbers the hook path keeps per-number state for (the sled covers the
// same range).  Any higher number is counted in ThreadBlock::other_count.
inline constexpr size_t kCountedSyscalls = INTERPOSE_SLED_SIZE;

// Which way a syscall reached dispatch.
enum Path : uint32_t {
  kPathRewritten = INTERPOSE_KIND_REWRITTEN,
  kPathRedirected = INTERPOSE_KIND_REDIRECTED,  // caught by Syscall User Dispatch
  kPathPtrace = 2,
  kPathBoot = 3,         // before the runtime: the launcher's seccomp filter showed it
  kPathCount = 4,
};

// How the runtime catches syscalls (docs/modes.md).
enum Mode : uint32_t {
  kModeZpoline = 1,     // rewrite every site at load, SUD catches the rest
  kModeLazypoline = 2,  // rewrite nothing at load; rewrite a site when SUD first catches it
  kModeK23 = 3,         // rewrite the profiled sites at load, the rest lazily
  kModeSud = 4,         // SUD only, never rewrite, no page 0
  kModePtrace = 5,      // the launcher's tracer handles every syscall; no runtime
};

enum ConfigFlags : uint32_t {
  kFlagVerbose = 1u << 0,
  kFlagStats = 1u << 1,
  kFlagSudAvailable = 1u << 2,  // the launcher found Syscall User Dispatch working
  kFlagProfile = 1u << 3,       // record every syscall site (interpose-profile)
  kFlagPolicy = 1u << 4,        // a compiled policy (policy_table.h) is at policy_offset
  kFlagTrace = 1u << 5,         // --trace: a line per syscall on the event fd
  kFlagLogAll = 1u << 6,        // --log: a line per syscall the policy logs or refuses
};

// ---- profiles (interpose-profile) ---------------------------------------------
// While profiling, every syscall arrives by SUD at its own site; the runtime
// records per site: its module (path, build-id) and file offset, how often it was
// hit, and with which syscall numbers.  Shared by every process of the run.
inline constexpr uint32_t kProfileModules = 512;
inline constexpr uint32_t kProfileSites = 32768;
inline constexpr uint32_t kProfileNrs = 6;  // distinct numbers kept per site; the rest add up in other_hits
inline constexpr uint64_t kProfileOffsetBits = 40;

struct ProfileModule {
  std::atomic<uint32_t> published;  // fields below are complete
  uint32_t build_id_len;
  uint8_t build_id[32];
  uint64_t dev;
  uint64_t inode;
  char path[256];
};

struct ProfileSite {
  std::atomic<uint64_t> key;  // (module index + 1) << kProfileOffsetBits | file offset; 0 = free
  std::atomic<uint64_t> hits;
  std::atomic<uint32_t> nr[kProfileNrs];  // syscall number + 1; 0 = free
  std::atomic<uint64_t> nr_hits[kProfileNrs];
  std::atomic<uint64_t> other_hits;
};

struct ProfileArea {
  std::atomic<uint32_t> module_count;
  uint32_t pad;
  std::atomic<uint64_t> anonymous_hits;  // sites in memory no file backs (JIT, the vDSO)
  std::atomic<uint64_t> lost_hits;       // a table was full
  ProfileModule modules[kProfileModules];
  ProfileSite sites[kProfileSites];
};

// The gate blob runs right after the sled in page 0 when sites are rewritten;
// under --mode sud (or when page 0 turns out not to be mappable) it runs at
// Config::gate_page, a fixed address the launcher chose for the whole session.
inline constexpr uint64_t kGateInPageZero = INTERPOSE_SLED_SIZE;
inline constexpr uint64_t kDefaultGatePage = 0x100000000000ULL;

// Written by the launcher before the program starts; the runtime only reads it.
struct Config {
  uint32_t mode;
  uint32_t flags;
  uint64_t gate_page;  // page-aligned
};

// Why the rewriter left a `syscall` alone (arena totals, shown by --stats/--verbose).
enum SkipReason : uint32_t {
  kSkipRedZone,        // the function keeps live data just below the stack pointer
  kSkipCacheLine,      // the 2 bytes straddle a cache line: no atomic store exists
  kSkipNoFunction,     // no unwind info says which instructions are real
  kSkipUndecodable,    // decoding the function from its start failed before the site
  kSkipUnreached,      // no path from the function's entry reaches it (jump tables)
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

  uint64_t profile_offset;  // ProfileArea, when kFlagProfile; 0 otherwise
  uint64_t plan_offset;     // the k23 rewrite plan (plan.h), 0 if none
  uint64_t plan_size;
  uint64_t policy_offset;   // the compiled policy (policy_table.h), 0 if none
  uint64_t policy_size;

  // The policy's process limit: processes the program made that are still alive.
  std::atomic<int32_t> processes;
  uint32_t pad1;
  std::atomic<uint64_t> denied;   // calls the policy refused (in-process and at boot)
  std::atomic<uint64_t> logged;   // event lines written

  // Counters of released blocks, folded in when a thread exits or execs.
  std::atomic<uint64_t> retired_paths[kPathCount];
  std::atomic<uint64_t> retired_other;
  std::atomic<uint64_t> retired[kCountedSyscalls];
};

inline constexpr size_t kHeaderSize = (sizeof(Header) + kPage - 1) / kPage * kPage;

inline constexpr size_t blocks_end(uint32_t capacity) { return kHeaderSize + size_t{capacity} * kPage; }

inline constexpr size_t page_round(size_t n) { return (n + kPage - 1) / kPage * kPage; }

// The arena: header, thread blocks, then (optionally) the profile area, the
// rewrite plan and the compiled policy (mapped read-only on its own).
inline constexpr size_t total_size(uint32_t capacity, bool profile = false, size_t plan_bytes = 0,
                                   size_t policy_bytes = 0) {
  return blocks_end(capacity) + (profile ? page_round(sizeof(ProfileArea)) : 0) + page_round(plan_bytes) +
         page_round(policy_bytes);
}

// What dispatch does with a syscall number (ThreadBlock::action).
enum Action : uint8_t {
  kActionExecute = 0,  // count it and run it: the fast path
  kActionSpecial = 1,  // dispatch_special decides
  kActionAnswer = 2,   // answer -answer_errno[nr] without the kernel: the policy
                       // refuses it whatever its arguments, with nothing to log
};

// Per thread; lives in the arena; %gs:0 holds its own address.  Everything the
// hook path reads for an ordinary syscall is in this one page.
struct ThreadBlock {
  ThreadBlock* self;             // INTERPOSE_TB_SELF
  uint64_t magic;
  uint32_t vfork_depth;          // INTERPOSE_TB_VFORK_DEPTH
  uint32_t borrowers;            // CLONE_VM|CLONE_VFORK children running on this block
  uint64_t vfork_ret[INTERPOSE_TB_VFORK_MAX];  // INTERPOSE_TB_VFORK_RET
  uint32_t index;
  uint32_t sigsys_blocked;       // the program believes it blocked SIGSYS
  uint64_t free_next;            // free-list link: index + 1 of the next free block
  uint64_t saved_sigmask;        // the mask a new thread restores once it is set up
  uint64_t path_counts[kPathCount];
  uint64_t other_count;
  uint64_t altstack;             // the runtime's signal stack for this thread (this process's address)
  uint64_t app_altstack_sp;      // what the program set with sigaltstack (virtual)
  uint64_t app_altstack_size;
  uint32_t app_altstack_flags;
  uint32_t pad0;
  int32_t tid;                   // the thread's id, set with %gs (0: not known)
  uint32_t pad1;
  // Rewritten sites this thread has entered through lately, already checked
  // against the process's site table (which lives in other pages): the wild-jump
  // check of a hot site then reads only this page (kSiteCacheSlots, a power of
  // 2; emptied whenever the block is claimed, since blocks pass between the
  // processes of a run; not used in the shared overflow block 0).
  uint64_t site_cache[8];
  uint64_t reserved[4];
  uint8_t action[kCountedSyscalls];   // Action per syscall number, copied from the process's table
  uint32_t counts[kCountedSyscalls];  // folded into Header::retired before they can overflow
  uint16_t answer_errno[kCountedSyscalls];  // with kActionAnswer
  uint8_t spare[INTERPOSE_TB_SIZE - 256 - kCountedSyscalls * 7];
};

inline constexpr uint32_t kCountFoldThreshold = 1u << 31;
inline constexpr size_t kSiteCacheSlots = sizeof(ThreadBlock::site_cache) / sizeof(uint64_t);
static_assert((kSiteCacheSlots & (kSiteCacheSlots - 1)) == 0);
static_assert(sizeof(ThreadBlock) == INTERPOSE_TB_SIZE);

inline size_t site_cache_slot(uint64_t site) {
  return static_cast<size_t>((site * 0x9E3779B97F4A7C15ULL) >> 61) & (kSiteCacheSlots - 1);
}

inline ThreadBlock* block_at(Header* h, uint32_t index) {
  return reinterpret_cast<ThreadBlock*>(reinterpret_cast<char*>(h) + h->header_size +
                                        size_t{index} * kPage);
}

// Lays out a fresh (zero-filled) arena of total_size(capacity, profile, plan_bytes) bytes.
inline void format(Header* h, uint32_t capacity, Config config, size_t plan_bytes = 0, size_t policy_bytes = 0) {
  const bool profile = (config.flags & kFlagProfile) != 0;
  h->magic = kMagic;
  h->version = kVersion;
  h->block_capacity = capacity;
  h->header_size = kHeaderSize;
  h->total_size = total_size(capacity, profile, plan_bytes, policy_bytes);
  h->config = config;
  h->profile_offset = profile ? blocks_end(capacity) : 0;
  const size_t plan_at = blocks_end(capacity) + (profile ? page_round(sizeof(ProfileArea)) : 0);
  h->plan_offset = plan_bytes != 0 ? plan_at : 0;
  h->plan_size = plan_bytes;
  h->policy_offset = policy_bytes != 0 ? plan_at + page_round(plan_bytes) : 0;
  h->policy_size = policy_bytes;
  h->next_block.store(1, std::memory_order_relaxed);  // block 0: the overflow block
}

// Whether a mapping of `mapped` bytes holds an arena this runtime understands.
inline bool valid(const Header* h, size_t mapped) {
  if (mapped < kHeaderSize || h->magic != kMagic || h->version != kVersion || h->header_size != kHeaderSize)
    return false;
  const bool profile = h->profile_offset != 0;
  return h->total_size == total_size(h->block_capacity, profile, h->plan_size, h->policy_size) &&
         h->total_size <= mapped && (!profile || h->profile_offset == blocks_end(h->block_capacity)) &&
         (h->plan_size == 0 || h->plan_offset + page_round(h->plan_size) + page_round(h->policy_size) == h->total_size) &&
         (h->policy_size == 0 || h->policy_offset + page_round(h->policy_size) == h->total_size);
}

inline ProfileArea* profile_area(Header* h) {
  return h->profile_offset == 0 ? nullptr
                                : reinterpret_cast<ProfileArea*>(reinterpret_cast<char*>(h) + h->profile_offset);
}

}  // namespace interpose::arena
