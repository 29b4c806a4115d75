// The runtime's own system calls, all through the gate blob's gate (gate.h).
// Results are the kernel's raw values: >= 0 on success, -errno on failure.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <asm/unistd_64.h>
#include <linux/errno.h>

#include "abi.h"
#include "gate.h"

namespace interpose::sys {

inline long call(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0,
                 long a6 = 0) {
  return hook::g_syscall(nr, a1, a2, a3, a4, a5, a6);
}

inline constexpr int kSigSetMask = 2;  // SIG_SETMASK

inline bool failed(long r) { return static_cast<unsigned long>(r) > -4096UL; }

template <class T = void>
inline long ptr(T* p) {
  return reinterpret_cast<long>(p);
}

inline long write(int fd, const void* buf, size_t n) { return call(__NR_write, fd, ptr(buf), n); }
inline long read(int fd, void* buf, size_t n) { return call(__NR_read, fd, ptr(buf), n); }
inline long close(int fd) { return call(__NR_close, fd); }
inline long openat(int dirfd, const char* path, int flags, int mode = 0) {
  return call(__NR_openat, dirfd, ptr(path), flags, mode);
}
inline long mmap(void* addr, size_t len, int prot, int flags, int fd, long off) {
  return call(__NR_mmap, ptr(addr), len, prot, flags, fd, off);
}
inline long munmap(void* addr, size_t len) { return call(__NR_munmap, ptr(addr), len); }
inline long mprotect(void* addr, size_t len, int prot) {
  return call(__NR_mprotect, ptr(addr), len, prot);
}
inline long getpid() { return call(__NR_getpid); }
inline long gettid() { return call(__NR_gettid); }
inline long arch_prctl(int code, unsigned long addr) { return call(__NR_arch_prctl, code, addr); }
inline long rt_sigprocmask(int how, const void* set, void* old) {
  return call(__NR_rt_sigprocmask, how, ptr(set), ptr(old), 8);
}
inline long fcntl(int fd, int cmd, long arg = 0) { return call(__NR_fcntl, fd, cmd, arg); }
[[noreturn]] inline void exit_group(int status) {
  for (;;) call(__NR_exit_group, status);
}

}  // namespace interpose::sys
