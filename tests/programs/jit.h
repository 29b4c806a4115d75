// A syscall instruction in code made at run time: no rewriter saw it at load.
#pragma once

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

typedef long (*jit_syscall_fn)(long nr, long a, long b, long c);

// mov %rdi,%rax; mov %rsi,%rdi; mov %rdx,%rsi; mov %rcx,%rdx; syscall; ret
static const unsigned char kJitSyscall[] = {0x48, 0x89, 0xf8, 0x48, 0x89, 0xf7, 0x48, 0x89,
                                            0xd6, 0x48, 0x89, 0xca, 0x0f, 0x05, 0xc3};

// rwx: one RWX mapping; otherwise written RW, then made RX (W^X).
static jit_syscall_fn make_jit_syscall(int rwx) {
  void* p = mmap(NULL, 4096, rwx ? PROT_READ | PROT_WRITE | PROT_EXEC : PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  memcpy(p, kJitSyscall, sizeof kJitSyscall);
  if (!rwx && mprotect(p, 4096, PROT_READ | PROT_EXEC) != 0) return NULL;
  return (jit_syscall_fn)p;
}
