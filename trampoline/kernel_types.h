// The kernel's own signal ABI on x86-64, as the hook path needs it (glibc's
// headers describe glibc's view, which differs: its sigset_t is 128 bytes).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace interpose::kernel {

inline constexpr int kSigSys = 31;
inline constexpr uint64_t sigbit(int sig) { return uint64_t{1} << (sig - 1); }
inline constexpr uint64_t kSigSysBit = sigbit(kSigSys);

inline constexpr uint64_t kSaSiginfo = 0x00000004;
inline constexpr uint64_t kSaOnstack = 0x08000000;
inline constexpr uint64_t kSaRestorer = 0x04000000;
inline constexpr uint64_t kSaNodefer = 0x40000000;
inline constexpr uint64_t kSaResethand = 0x80000000;
inline constexpr uint64_t kSigDfl = 0;
inline constexpr uint64_t kSigIgn = 1;

inline constexpr int kSigBlock = 0, kSigUnblock = 1, kSigSetmask = 2;
inline constexpr int kSysUserDispatch = 2;  // si_code of a SUD SIGSYS
inline constexpr int kSysSeccomp = 1;

struct Sigaction {
  uint64_t handler;
  uint64_t flags;
  uint64_t restorer;
  uint64_t mask;
};

// The parts of siginfo_t the runtime reads.
struct Siginfo {
  int32_t signo;
  int32_t errno_;
  int32_t code;
  int32_t pad;
  uint64_t call_addr;  // SIGSYS: the address after the syscall instruction
  int32_t syscall;
  uint32_t arch;
  uint8_t rest[96];
};
static_assert(sizeof(Siginfo) == 128);

struct StackT {
  uint64_t sp;
  int32_t flags;
  int32_t pad;
  uint64_t size;
};
inline constexpr int kSsOnstack = 1, kSsDisable = 2;
inline constexpr uint32_t kSsAutodisarm = 1u << 31;
inline constexpr uint64_t kMinSigStkSz = 2048;

// struct ucontext: uc_flags, uc_link, uc_stack, uc_mcontext (sigcontext), uc_sigmask.
struct Ucontext {
  uint64_t flags;
  uint64_t link;
  StackT stack;
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
  uint64_t eflags;
  uint16_t cs, gs, fs, ss;
  uint64_t err, trapno, oldmask, cr2;
  uint64_t fpstate;
  uint64_t reserved1[8];
  uint64_t sigmask;
};
static_assert(offsetof(Ucontext, rip) == 168);
static_assert(offsetof(Ucontext, sigmask) == 296);

// Where rt_sigreturn finds the mask it restores: the ucontext sits at the stack
// pointer the restorer's syscall is made with.
inline constexpr size_t kSigreturnMaskOffset = offsetof(Ucontext, sigmask);

}  // namespace interpose::kernel
