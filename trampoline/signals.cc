#include "signals.h"

#include <asm/unistd_64.h>
#include <linux/mman.h>

#include "gate.h"
#include "hookpath.h"
#include "state.h"
#include "sys.h"
#include "thread.h"

extern "C" {
void interpose_sigsys(int sig, interpose::kernel::Siginfo* info, void* uc);
}

namespace interpose::hook {

namespace {

using namespace kernel;

// SUD's selector.  Never changed: the runtime's own syscalls are in the gate
// range, so every thread can point at one read-only byte.
__attribute__((used)) const volatile char kSelectorBlock = 1;  // SYSCALL_DISPATCH_FILTER_BLOCK

constexpr long kPrSetSyscallUserDispatch = 59;
constexpr long kPrSysDispatchOn = 1;
constexpr uint64_t kAltstackSize = 64 * 1024;

// The SIGSYS that SUD raised is sent back into the stub as if the site had been
// rewritten: the return address goes 136 bytes below the stack pointer (past the
// red zone) and execution resumes at interpose_entry_redirected.  rax still holds
// the syscall number (the kernel rolls it back).
void redirect_to_stub(Ucontext* uc) {
  const uint64_t sp = uc->rsp - INTERPOSE_RED_ZONE - 8;
  *reinterpret_cast<uint64_t*>(sp) = uc->rip;
  uc->rsp = sp;
  uc->rip = gate_address(interpose_entry_redirected);
}

// A SIGSYS that is not SUD's (the program's own seccomp filter, kill(SIGSYS)):
// the program's disposition decides, as it would without us.
void deliver_to_program(int sig, Siginfo* info, Ucontext* uc) {
  const Sigaction app = g_state.program_sigsys.action;
  if (app.handler == kSigIgn) return;
  if (app.handler == kSigDfl) {
    // Die of it, as the program would: default disposition, then re-raise; it
    // arrives once this handler's mask is lifted.
    Sigaction dfl{kSigDfl, 0, 0, 0};
    sys::call(__NR_rt_sigaction, kSigSys, sys::ptr(&dfl), 0, 8);
    sys::call(__NR_tgkill, sys::getpid(), sys::gettid(), kSigSys);
    uc->sigmask &= ~kSigSysBit;
    return;
  }
  // Run the program's handler with the mask it asked for (SIGSYS itself is
  // never really blocked: SUD would kill the process).
  uint64_t mask = (uc->sigmask | app.mask) & ~kSigSysBit;
  sys::rt_sigprocmask(kSigSetmask, &mask, nullptr);
  if (app.flags & kSaResethand) g_state.program_sigsys.action = Sigaction{kSigDfl, 0, 0, 0};
  if (app.flags & kSaSiginfo)
    reinterpret_cast<void (*)(int, Siginfo*, void*)>(app.handler)(sig, info, uc);
  else
    reinterpret_cast<void (*)(int)>(app.handler)(sig);
  uint64_t all = ~uint64_t{0};
  sys::rt_sigprocmask(kSigSetmask, &all, nullptr);
}

}  // namespace

bool install_sigsys_handler() {
  Sigaction sa{};
  sa.handler = reinterpret_cast<uint64_t>(interpose_sigsys);
  sa.flags = kSaSiginfo | kSaOnstack | kSaRestorer;
  sa.restorer = gate_address(interpose_sigreturn_restorer);
  sa.mask = ~uint64_t{0};
  return sys::call(__NR_rt_sigaction, kSigSys, sys::ptr(&sa), 0, 8) == 0;
}

bool setup_altstack(arena::ThreadBlock* b) {
  const long m = sys::mmap(nullptr, kAltstackSize, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (sys::failed(m)) return false;
  StackT ss{static_cast<uint64_t>(m), 0, 0, kAltstackSize};
  if (sys::call(__NR_sigaltstack, sys::ptr(&ss), 0) != 0) {
    sys::munmap(reinterpret_cast<void*>(m), kAltstackSize);
    return false;
  }
  b->altstack = static_cast<uint64_t>(m);
  return true;
}

void release_altstack(arena::ThreadBlock* b) {
  if (b->altstack == 0) return;
  StackT off{0, kSsDisable, 0, 0};
  sys::call(__NR_sigaltstack, sys::ptr(&off), 0);
  sys::munmap(reinterpret_cast<void*>(b->altstack), kAltstackSize);
  b->altstack = 0;
}

bool arm_sud() {
  const uint64_t begin = g_gate;
  const uint64_t len = gate_blob_size();
  return sys::call(__NR_prctl, kPrSetSyscallUserDispatch, kPrSysDispatchOn, static_cast<long>(begin),
                   static_cast<long>(len), sys::ptr(&kSelectorBlock)) == 0;
}

void setup_thread(arena::ThreadBlock* b, bool needs_altstack) {
  set_thread_block(b);
  if (!g_state.sud) return;
  // Without a stack of its own SIGSYS lands on the thread's stack (sigaltstack
  // refuses while a handler runs on the current one): degraded, not broken.
  if (needs_altstack) setup_altstack(b);
  INTERPOSE_CHECK(arm_sud());
}

}  // namespace interpose::hook

using namespace interpose::hook;

extern "C" void interpose_sigsys(int sig, interpose::kernel::Siginfo* info, void* ucv) {
  auto* uc = static_cast<interpose::kernel::Ucontext*>(ucv);
  if (info->code != interpose::kernel::kSysUserDispatch) {
    deliver_to_program(sig, info, uc);
    return;
  }
  if (info->arch != 0xc000003e /* AUDIT_ARCH_X86_64 */) {
    // int 0x80 or sysenter: the i386 ABI, whose numbers mean other calls.  The
    // gate can only make x86-64 calls, so this one fails as on a kernel
    // without IA32 emulation (the launcher's seccomp floor kills such a caller).
    uc->rax = static_cast<uint64_t>(-38L /* ENOSYS */);
    return;
  }
  if (g_state.lazy_rewrite != nullptr) g_state.lazy_rewrite(info->call_addr - 2);
  redirect_to_stub(uc);
}
