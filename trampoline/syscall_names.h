// Syscall names and numbers, generated at build time from <asm/unistd_64.h>
// (cmake/gen_syscall_table.cmake).  constexpr data, usable on the hook path.
#pragma once

#include <stddef.h>

#include <asm/unistd_64.h>


namespace interpose {

struct SyscallName {
  int nr;
  const char* name;
};

inline constexpr SyscallName kSyscallNames[] = {
#define INTERPOSE_SYSCALL(name, nr) {nr, #name},
#include "interpose/syscall_table.inc"
#undef INTERPOSE_SYSCALL
};

// Every generated entry agrees with the header the code is compiled against.
#define INTERPOSE_SYSCALL(name, nr) static_assert(__NR_##name == (nr), "syscall table out of date: " #name);
#include "interpose/syscall_table.inc"
#undef INTERPOSE_SYSCALL

inline constexpr int kMaxSyscall = INTERPOSE_SYSCALL_TABLE_MAX;
inline constexpr int kSyscallCount = INTERPOSE_SYSCALL_TABLE_COUNT;

// nullptr if the kernel headers know no syscall of that number.
inline constexpr const char* syscall_name(long nr) {
  if (nr < 0 || nr > kMaxSyscall) return nullptr;
  // The table is sorted by number; numbers have gaps (e.g. 335..423).
  size_t lo = 0, hi = sizeof(kSyscallNames) / sizeof(kSyscallNames[0]);
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (kSyscallNames[mid].nr < nr) lo = mid + 1;
    else hi = mid;
  }
  return lo < sizeof(kSyscallNames) / sizeof(kSyscallNames[0]) && kSyscallNames[lo].nr == nr
             ? kSyscallNames[lo].name
             : nullptr;
}

// -1 if no syscall has that name.
inline constexpr long syscall_number(const char* name) {
  for (const SyscallName& s : kSyscallNames) {
    const char* a = s.name;
    const char* b = name;
    while (*a != '\0' && *a == *b) ++a, ++b;
    if (*a == '\0' && *b == '\0') return s.nr;
  }
  return -1;
}

static_assert(syscall_number("getppid") == __NR_getppid);
static_assert(syscall_name(__NR_clone3)[5] == '3');

}  // namespace interpose

namespace interpose {

// errno names, generated from <linux/errno.h> like the syscall table.
struct ErrnoName {
  int value;
  const char* name;
};

inline constexpr ErrnoName kErrnoNames[] = {
#define INTERPOSE_ERRNO(name, value) {value, #name},
#include "interpose/errno_table.inc"
#undef INTERPOSE_ERRNO
};

// nullptr for a value no name has.
inline constexpr const char* errno_name(long value) {
  for (const ErrnoName& e : kErrnoNames)
    if (e.value == value) return e.name;
  return nullptr;
}

// -1 for an unknown name.
inline constexpr int errno_value(const char* name) {
  for (const ErrnoName& e : kErrnoNames) {
    const char* a = e.name;
    const char* b = name;
    while (*a != '\0' && *a == *b) ++a, ++b;
    if (*a == '\0' && *b == '\0') return e.value;
  }
  return -1;
}

static_assert(errno_value("ENOENT") == 2 && errno_value("EPERM") == 1);

}  // namespace interpose

namespace interpose {

struct SyscallArity {
  int nr;
  int args;
};

// From trampoline/syscall_arity.txt; every name must be a syscall of this header.
inline constexpr SyscallArity kSyscallArity[] = {
#define INTERPOSE_SYSCALL_ARITY(name, n) {__NR_##name, n},
#include "interpose/syscall_arity.inc"
#undef INTERPOSE_SYSCALL_ARITY
};

// How many arguments syscall nr takes, or -1 when the table does not say.
inline constexpr int syscall_arity(long nr) {
  for (const SyscallArity& a : kSyscallArity)
    if (a.nr == nr) return a.args;
  return -1;
}

static_assert(syscall_arity(__NR_openat) == 4 && syscall_arity(__NR_getpid) == 0);

}  // namespace interpose
