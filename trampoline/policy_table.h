// The compiled policy: a flat, position-independent table the launcher builds
// from a policy file (policy/) and hands to every runtime in a sealed memfd that
// is mapped read-only.  The runtime (dispatch) and the launcher's boot filter
// evaluate it with the same code (policy_eval.h), without allocating.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace interpose::policy_table {

inline constexpr uint32_t kMagic = 0x59434c50;  // "PLCY"
inline constexpr uint32_t kVersion = 1;
inline constexpr uint32_t kSyscalls = 512;  // numbers 0..511 have entries; others take the default

enum Action : uint8_t {
  kAllow = 0,
  kErrno = 1,  // answer -errno without running it
  kKill = 2,   // end the process (SIGKILL)
  kTrap = 3,   // SIGSYS to the program, as seccomp's SECCOMP_RET_TRAP
};

// Comparisons of seccomp's args (SCMP_CMP_*), on the full 64-bit value.
enum Op : uint8_t { kNe = 1, kLt, kLe, kEq, kGe, kGt, kMaskedEq };

struct Condition {
  uint8_t arg;   // 0..5
  uint8_t op;    // Op
  uint8_t pad[6];
  uint64_t value;
  uint64_t value_two;  // the mask of kMaskedEq
};

enum RuleFlags : uint8_t {
  kRuleLog = 1,  // log the call (allowed or not)
};

struct Rule {
  uint8_t action;  // Action
  uint8_t flags;   // RuleFlags
  uint16_t errno_value;
  uint32_t cond_begin;
  uint32_t cond_count;
  uint32_t name;  // string: which rule this is ("syscalls[3]: socket, connect, ...")
};

// What, beyond its rules, the runtime checks for a syscall number.
enum EntryFlags : uint8_t {
  kEntryPaths = 1,          // its path arguments go through the path rules
  kEntryProcess = 2,        // it may create a process or thread: the limits apply
  kEntryKill = 4,           // kill/tkill/tgkill: only inside the program's process group
  kEntryPersonality = 8,    // personality: only queries and the current persona
};

struct Entry {
  uint32_t rule_begin;
  uint16_t rule_count;
  uint8_t flags;  // EntryFlags
  uint8_t pad;
};

enum PathKind : uint8_t {
  kPathReadOnly = 1,
  kPathReadWrite = 2,
  kPathHidden = 3,
};

// A path rule covers a path and everything below it.  A pattern may use * and ?
// within a component (never across '/').  The rule with the most components that
// covers a path decides; on a tie, hidden > read-write > read-only.
struct PathRule {
  uint32_t pattern;  // string, absolute, normalised, no trailing '/'
  uint16_t components;
  uint8_t kind;      // PathKind
  uint8_t glob;      // the pattern has * or ?
  uint32_t name;     // string: "paths.hidden[2]: /etc/shadow"
};

enum HeaderFlags : uint32_t {
  kPathsEnabled = 1,     // the path rules apply (else every path is allowed)
  kLogAll = 2,           // log every syscall (the trace policy)
};

struct Header {
  uint32_t magic;
  uint32_t version;
  uint64_t total_size;
  uint32_t flags;       // HeaderFlags
  uint8_t default_action;
  uint8_t default_flags;  // RuleFlags
  uint16_t default_errno;
  uint32_t default_name;
  uint16_t hidden_errno;     // what a hidden path answers (ENOENT)
  uint16_t readonly_errno;   // what writing a read-only path answers (EACCES)
  int32_t max_processes;     // new processes the program may have alive at once; -1: no limit
  int32_t max_threads;       // threads per process; -1: no limit
  uint32_t rule_count, cond_count, path_rule_count;
  uint64_t entries_offset;   // Entry[kSyscalls]
  uint64_t rules_offset;     // Rule[rule_count]
  uint64_t conds_offset;     // Condition[cond_count]
  uint64_t paths_offset;     // PathRule[path_rule_count]
  uint64_t strings_offset;   // NUL-terminated strings; a "string" is an offset here
  uint64_t strings_size;
};

inline const char* string_at(const Header* h, uint32_t offset) {
  if (offset >= h->strings_size) return "";
  return reinterpret_cast<const char*>(h) + h->strings_offset + offset;
}
inline const Entry* entries(const Header* h) {
  return reinterpret_cast<const Entry*>(reinterpret_cast<const char*>(h) + h->entries_offset);
}
inline const Rule* rules(const Header* h) {
  return reinterpret_cast<const Rule*>(reinterpret_cast<const char*>(h) + h->rules_offset);
}
inline const Condition* conditions(const Header* h) {
  return reinterpret_cast<const Condition*>(reinterpret_cast<const char*>(h) + h->conds_offset);
}
inline const PathRule* path_rules(const Header* h) {
  return reinterpret_cast<const PathRule*>(reinterpret_cast<const char*>(h) + h->paths_offset);
}

// Whether `size` bytes at `h` hold a table whose every offset stays inside it.
bool valid(const Header* h, uint64_t size);

}  // namespace interpose::policy_table
