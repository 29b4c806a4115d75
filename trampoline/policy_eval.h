// Evaluating the compiled policy (policy_table.h): pure functions, no allocation,
// no syscalls, so that the hook path and the launcher's boot filter share them.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "policy_table.h"

namespace interpose::policy_table {

struct Verdict {
  uint8_t action;       // Action
  uint8_t flags;        // RuleFlags
  uint16_t errno_value;
  uint32_t rule;        // string: the rule that decided
  uint8_t entry_flags;  // EntryFlags of the syscall
};

// The first rule for `nr` whose conditions all hold decides; else the default.
Verdict evaluate(const Header* h, long nr, const uint64_t args[6]);

// Whether every call of `nr` is allowed, whatever its arguments, with nothing
// more to check (no path rules, limits or targets) and nothing to log: such
// calls need not be seen one by one (the launcher's boot filter lets them pass).
bool plainly_allowed(const Header* h, long nr);

// What the path rules say about an absolute, normalised path.
struct PathVerdict {
  uint8_t kind;     // PathKind, or 0 when no rule covers it
  bool ancestor;    // it leads to something a rule allows: it may be traversed
                    // (looked up, listed), though nothing in it is readable
  bool deeper;      // some rule (of any kind) is about something below it
  uint32_t rule;    // string of the deciding rule (0 when none)
};
PathVerdict match_path(const Header* h, const char* path, size_t len);

// What the path rules answer for an access to p: 0, or the errno to refuse it
// with (hidden_errno, or readonly_errno for a write where only reading is
// allowed).  *rule gets the deciding rule's string.
int judge_path(const Header* h, const char* path, size_t len, bool write, uint32_t* rule);

// Whether a glob pattern component matches a path component (* and ?).
bool glob_match(const char* pattern, size_t plen, const char* s, size_t slen);

}  // namespace interpose::policy_table
