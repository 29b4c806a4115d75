// dispatch: the one C++ function every hooked syscall passes through, whichever
// way it arrived (a rewritten site, or a site the SIGSYS handler redirected).
//
// It validates the entry, counts the call in the thread's block, and decides what
// the stub does.  An ordinary syscall touches the thread block and the site table
// and nothing else; the syscalls that change stacks, processes, signal handling
// or the runtime's own resources go through dispatch_special.
#include <asm/prctl.h>
#include <asm/unistd_64.h>
#include <linux/mman.h>
#include <linux/sched.h>

#include "enforce.h"
#include "events.h"
#include "exec_env.h"
#include "gate.h"
#include "guard.h"
#include "hookpath.h"
#include "kernel_types.h"
#include "seccomp_check.h"
#include "state.h"
#include "sys.h"
#include "thread.h"

namespace interpose::hook {

State g_state;

bool announce_emulated() {
  uint8_t known = __atomic_load_n(&g_state.tracer_attached, __ATOMIC_RELAXED);
  if (known == 0) {
    known = 1;  // cannot tell: keep the markers
    const long fd = sys::openat(-100 /* AT_FDCWD */, "/proc/self/status", 0 /* O_RDONLY */);
    if (!sys::failed(fd)) {
      // TracerPid is among the first lines; a small buffer keeps the hook's
      // stack use small.
      char buf[1024];
      const long n = sys::read(static_cast<int>(fd), buf, sizeof buf - 1);
      sys::close(static_cast<int>(fd));
      static constexpr char kKey[] = "\nTracerPid:";
      for (long i = 0; n > 0 && i + static_cast<long>(sizeof kKey) - 1 < n; ++i) {
        size_t k = 0;
        while (k + 1 < sizeof kKey && buf[i + static_cast<long>(k)] == kKey[k]) ++k;
        if (k + 1 < sizeof kKey) continue;
        long at = i + static_cast<long>(sizeof kKey) - 1;
        while (at < n && (buf[at] == ' ' || buf[at] == '\t')) ++at;
        if (at < n) known = buf[at] == '0' ? 2 : 1;
        break;
      }
    }
    __atomic_store_n(&g_state.tracer_attached, known, __ATOMIC_RELAXED);
  }
  return known == 1;
}

namespace {

static_assert(offsetof(interpose_frame, action) == INTERPOSE_FRAME_ACTION);
static_assert(offsetof(interpose_frame, result) == INTERPOSE_FRAME_RESULT);
static_assert(offsetof(interpose_frame, child_sp) == INTERPOSE_FRAME_CHILD_SP);
static_assert(offsetof(interpose_frame, child_word) == INTERPOSE_FRAME_CHILD_WORD);
static_assert(offsetof(interpose_frame, aux) == INTERPOSE_FRAME_AUX);
static_assert(offsetof(interpose_frame, call_nr) == INTERPOSE_FRAME_CALL_NR);
static_assert(offsetof(interpose_frame, call_args) == INTERPOSE_FRAME_CALL_ARGS);
static_assert(offsetof(interpose_frame, nr) == INTERPOSE_FRAME_NR);
static_assert(offsetof(interpose_frame, args) == INTERPOSE_FRAME_ARGS);
static_assert(offsetof(interpose_frame, rflags) == INTERPOSE_FRAME_RFLAGS);
static_assert(offsetof(interpose_frame, kind) == INTERPOSE_FRAME_KIND);
static_assert(offsetof(interpose_frame, ret_slot) == INTERPOSE_FRAME_RET_SLOT);
static_assert(sizeof(interpose_frame) == INTERPOSE_FRAME_SIZE);
static_assert(INTERPOSE_FRAME_SCRATCH_SIZE == INTERPOSE_FRAME_CALL_NR);
static_assert(INTERPOSE_FRAME_SIZE % 16 == 0);

using arena::ThreadBlock;
using namespace kernel;

inline uint64_t act(interpose_frame* f, uint64_t action) {
  f->action = action;
  return action;
}

inline uint64_t answer(interpose_frame* f, long result) {
  f->result = result;
  return act(f, INTERPOSE_ACTION_RETURN);
}

// The runtime answers in the kernel's place: a tracer learns of the call through
// the marker (INTERPOSE_EMULATED_SYSCALL).
uint64_t emulate(interpose_frame* f, long result) {
  if (announce_emulated()) sys::call(INTERPOSE_EMULATED_SYSCALL, static_cast<long>(f->nr));
  return answer(f, result);
}

inline uint64_t return_address(const interpose_frame* f) {
  return *reinterpret_cast<const uint64_t*>(f->ret_slot);
}

// The caller's stack pointer at its syscall instruction.
inline uint64_t caller_sp(const interpose_frame* f) {
  return f->ret_slot + 8 + (f->kind == INTERPOSE_KIND_REDIRECTED ? INTERPOSE_RED_ZONE : 0);
}

// Runs the call with some arguments replaced, as the program's own call.
long run_as_program(const interpose_frame* f, int i, uint64_t value) {
  long a[6];
  for (int k = 0; k < 6; ++k) a[k] = static_cast<long>(f->call_args[k]);
  a[i] = static_cast<long>(value);
  return hook::g_app_syscall(static_cast<long>(f->call_nr), a[0], a[1], a[2], a[3], a[4], a[5]);
}

// A block may be handed back only by the thread that owns it: not while a vfork
// child borrows it (the child runs on its parent's block until it execs).
inline bool block_is_borrowed(const ThreadBlock* b) {
  return b->vfork_depth != 0 || b->borrowers != 0;
}

// ---- processes and threads ----------------------------------------------------

uint64_t push_vfork(interpose_frame* f, ThreadBlock* tb) {
  if (tb->index == 0 || tb->vfork_depth >= INTERPOSE_TB_VFORK_MAX) return emulate(f, -EAGAIN);
  tb->vfork_ret[tb->vfork_depth++] = return_address(f);
  return act(f, INTERPOSE_ACTION_VFORK);
}

uint64_t do_clone(interpose_frame* f, ThreadBlock* tb, uint64_t flags, uint64_t child_sp) {
  const bool vm = (flags & CLONE_VM) != 0;
  if (child_sp == 0) return vm ? push_vfork(f, tb) : act(f, INTERPOSE_ACTION_FORK);
  f->child_sp = child_sp;
  if (!vm) {
    f->child_word = reinterpret_cast<uint64_t>(tb) | INTERPOSE_CHILD_PROCESS;
    return act(f, INTERPOSE_ACTION_CLONE_NEWSTACK);
  }
  if ((flags & CLONE_VFORK) != 0) {
    // posix_spawn: the parent sleeps until the child execs; the child borrows.
    ++tb->borrowers;
    f->child_word = INTERPOSE_CHILD_VFORK;
    return act(f, INTERPOSE_ACTION_CLONE_NEWSTACK | INTERPOSE_ACTION_AFTER);
  }
  // A thread.  It gets a block of its own before it runs a single instruction of
  // the program; until then no signal may reach it.
  ThreadBlock* nb = claim_block();
  uint64_t all = ~0ULL, old = 0;
  sys::rt_sigprocmask(kSigSetmask, &all, &old);
  nb->saved_sigmask = old;
  f->aux[0] = old;
  f->aux[1] = reinterpret_cast<uint64_t>(nb);
  f->child_word = reinterpret_cast<uint64_t>(nb) | INTERPOSE_CHILD_THREAD;
  return act(f, INTERPOSE_ACTION_CLONE_NEWSTACK | INTERPOSE_ACTION_AFTER);
}

uint64_t do_clone3(interpose_frame* f, ThreadBlock* tb) {
  const auto* args = reinterpret_cast<const clone_args*>(f->call_args[0]);
  const uint64_t size = f->call_args[1];
  if (args == nullptr || size < CLONE_ARGS_SIZE_VER0) return act(f, INTERPOSE_ACTION_EXECUTE);
  const uint64_t sp = args->stack == 0 ? 0 : args->stack + args->stack_size;
  return do_clone(f, tb, args->flags, sp);
}

// Hands the block back before the thread or the image goes away.  %gs is cleared
// first so a signal arriving in between adopts a fresh block instead of writing
// into one that another thread may already have claimed.
void retire_block(ThreadBlock* tb) {
  if (block_is_borrowed(tb)) return;
  set_thread_block(nullptr);
  release_block(tb);
}

uint64_t do_exit_thread(interpose_frame* f, ThreadBlock* tb) {
  __atomic_sub_fetch(&g_state.threads, 1, __ATOMIC_RELAXED);
  if (!block_is_borrowed(tb)) {
    // Nothing of the program may run on this thread again: no signal handler
    // on a freed stack or with a freed block.
    uint64_t all = ~0ULL;
    sys::rt_sigprocmask(kSigSetmask, &all, nullptr);
    release_altstack(tb);
    retire_block(tb);
  }
  return act(f, INTERPOSE_ACTION_EXECUTE);
}

// Returns only if the exec failed, with the kernel's result.
long exec_now(interpose_frame* f, ThreadBlock* tb) {
  // The new image must get the runtime back whatever environment the program
  // passes (K23 pitfall 1).  On success this never returns.
  const bool own = !block_is_borrowed(tb);
  const uint64_t altstack = tb->altstack;
  if (own) retire_block(tb);
  const long r = run_exec_with_runtime(f);
  if (own) {  // the exec failed: this thread needs a block again
    ThreadBlock* nb = claim_block();
    nb->altstack = altstack;
    set_thread_block(nb);
  }
  return r;
}

uint64_t do_exec(interpose_frame* f, ThreadBlock* tb) {
  if (g_state.policy != nullptr) {
    uint64_t action;
    if (enforce_exec(f, tb, &action, exec_now)) return action;
  }
  return answer(f, exec_now(f, tb));
}

// ---- signals: SIGSYS stays the runtime's (K23 pitfall 2) ------------------------

uint64_t do_sigaction(interpose_frame* f) {
  const int sig = static_cast<int>(f->call_args[0]);
  auto* act_in = reinterpret_cast<const Sigaction*>(f->call_args[1]);
  auto* old_out = reinterpret_cast<Sigaction*>(f->call_args[2]);
  if (sig == kSigSys) {
    // The program's SIGSYS disposition is virtual: the real handler stays ours,
    // and passes on the SIGSYS that are not SUD's.
    if (f->call_args[3] != 8) return emulate(f, -EINVAL);
    const Sigaction old = g_state.program_sigsys.action;
    if (act_in != nullptr) g_state.program_sigsys.action = *act_in;
    if (old_out != nullptr) *old_out = old;
    return emulate(f, 0);
  }
  if (act_in != nullptr && (act_in->mask & kSigSysBit)) {
    // A handler may not block SIGSYS while it runs: SUD would kill the process.
    Sigaction copy = *act_in;
    copy.mask &= ~kSigSysBit;
    return answer(f, run_as_program(f, 1, reinterpret_cast<uint64_t>(&copy)));
  }
  return act(f, INTERPOSE_ACTION_EXECUTE);
}

uint64_t do_sigprocmask(interpose_frame* f, ThreadBlock* tb) {
  const int how = static_cast<int>(f->call_args[0]);
  auto* set = reinterpret_cast<const uint64_t*>(f->call_args[1]);
  auto* old = reinterpret_cast<uint64_t*>(f->call_args[2]);
  const uint32_t was_blocked = tb->sigsys_blocked;
  uint64_t copy = 0;
  long r;
  if (set != nullptr && f->call_args[3] == 8) {
    copy = *set;
    if (how == kSigSetmask) tb->sigsys_blocked = (copy & kSigSysBit) != 0;
    else if (copy & kSigSysBit) tb->sigsys_blocked = how == kSigBlock;
    copy &= ~kSigSysBit;
    r = run_as_program(f, 1, reinterpret_cast<uint64_t>(&copy));
    if (r != 0) tb->sigsys_blocked = was_blocked;
  } else {
    r = run_as_program(f, 1, f->call_args[1]);
  }
  if (r == 0 && old != nullptr && was_blocked) *old |= kSigSysBit;
  return answer(f, r);
}

// Syscalls that install a signal mask while they wait: argument `i` points at the
// mask (or, for pselect6, at {mask pointer, size}).
uint64_t do_mask_arg(interpose_frame* f, int i, bool indirect) {
  const uint64_t p = f->call_args[i];
  if (p == 0) return act(f, INTERPOSE_ACTION_EXECUTE);
  if (indirect) {
    struct MaskArg {
      const uint64_t* mask;
      uint64_t size;
    };
    const MaskArg in = *reinterpret_cast<const MaskArg*>(p);
    if (in.mask == nullptr || !(*in.mask & kSigSysBit)) return act(f, INTERPOSE_ACTION_EXECUTE);
    const uint64_t mask = *in.mask & ~kSigSysBit;
    const MaskArg out{&mask, in.size};
    return answer(f, run_as_program(f, i, reinterpret_cast<uint64_t>(&out)));
  }
  const uint64_t mask = *reinterpret_cast<const uint64_t*>(p);
  if (!(mask & kSigSysBit)) return act(f, INTERPOSE_ACTION_EXECUTE);
  const uint64_t copy = mask & ~kSigSysBit;
  return answer(f, run_as_program(f, i, reinterpret_cast<uint64_t>(&copy)));
}

// The runtime's alternate stack stays; the program's is remembered and reported.
uint64_t do_sigaltstack(interpose_frame* f, ThreadBlock* tb) {
  auto* in = reinterpret_cast<const StackT*>(f->call_args[0]);
  auto* out = reinterpret_cast<StackT*>(f->call_args[1]);
  const uint64_t sp = caller_sp(f);
  const bool set = tb->app_altstack_size != 0 && !(tb->app_altstack_flags & kSsDisable);
  const bool on = set && sp - tb->app_altstack_sp < tb->app_altstack_size;
  if (in != nullptr) {
    const StackT want = *in;
    const uint32_t mode = static_cast<uint32_t>(want.flags) & ~kSsAutodisarm;
    if (mode != 0 && mode != static_cast<uint32_t>(kSsDisable) && mode != static_cast<uint32_t>(kSsOnstack))
      return emulate(f, -EINVAL);
    if (on) return emulate(f, -EPERM);
    if (mode == static_cast<uint32_t>(kSsDisable)) {
      tb->app_altstack_flags = kSsDisable;
    } else {
      if (want.size < kMinSigStkSz) return emulate(f, -ENOMEM);
      tb->app_altstack_sp = want.sp;
      tb->app_altstack_size = want.size;
      tb->app_altstack_flags = static_cast<uint32_t>(want.flags) & kSsAutodisarm;
    }
  }
  if (out != nullptr) {
    StackT o{};
    if (!set) {
      o.flags = kSsDisable;
    } else {
      o.sp = tb->app_altstack_sp;
      o.size = tb->app_altstack_size;
      o.flags = static_cast<int32_t>((on ? kSsOnstack : 0) | (tb->app_altstack_flags & kSsAutodisarm));
    }
    *out = o;
  }
  return emulate(f, 0);
}

// A program's seccomp filter also filters the runtime: refuse one that would stop
// it.  Strict mode allows too little to run the runtime at all.
long check_seccomp(uint64_t mode, uint64_t prog_ptr) {
  constexpr uint64_t kModeStrict = 1, kModeFilter = 2;
  if (mode == kModeStrict) return -EPERM;
  if (mode != kModeFilter || prog_ptr == 0) return 0;
  struct Fprog {
    uint16_t len;
    const BpfInsn* filter;
  };
  const Fprog prog = *reinterpret_cast<const Fprog*>(prog_ptr);
  const uint64_t ip = gate_address(interpose_internal_syscall_site) + 2;
  if (prog.filter == nullptr || !filter_spares_runtime(prog.filter, prog.len, ip)) return -EPERM;
  return 0;
}

uint64_t do_prctl(interpose_frame* f) {
  constexpr uint64_t kPrSetSeccomp = 22, kPrSetSud = 59, kSudOff = 0;
  if (f->call_args[0] == kPrSetSud) {
    // Switching SUD off would let the program's syscalls bypass the runtime:
    // the request "succeeds" and changes nothing.  A dispatcher of its own
    // cannot be stacked on ours.
    return emulate(f, f->call_args[1] == kSudOff ? 0 : -EINVAL);
  }
  if (f->call_args[0] == kPrSetSeccomp) {
    const long r = check_seccomp(f->call_args[1], f->call_args[2]);
    if (r != 0) return emulate(f, r);
  }
  return act(f, INTERPOSE_ACTION_EXECUTE);
}

uint64_t do_seccomp(interpose_frame* f) {
  constexpr uint64_t kSetModeStrict = 0, kSetModeFilter = 1;
  long r = 0;
  if (f->call_args[0] == kSetModeStrict) r = check_seccomp(1, 0);
  else if (f->call_args[0] == kSetModeFilter) r = check_seccomp(2, f->call_args[2]);
  if (r != 0) return emulate(f, r);
  return act(f, INTERPOSE_ACTION_EXECUTE);
}

uint64_t do_arch_prctl(interpose_frame* f) {
  // %gs is the runtime's per-thread pointer; the program sees it unused.
  if (f->call_args[0] == ARCH_SET_GS) return emulate(f, -EPERM);
  if (f->call_args[0] == ARCH_GET_GS) {
    *reinterpret_cast<uint64_t*>(f->call_args[1]) = 0;
    return emulate(f, 0);
  }
  return act(f, INTERPOSE_ACTION_EXECUTE);
}

uint64_t do_sigreturn(interpose_frame* f) {
  // The mask the frame restores may not block SIGSYS either.
  auto* mask = reinterpret_cast<uint64_t*>(caller_sp(f) + kSigreturnMaskOffset);
  *mask &= ~kSigSysBit;
  return act(f, INTERPOSE_ACTION_SIGRETURN);
}

// ---- the runtime's arena fd must survive whatever the program does to fds -------

uint64_t guard_one_fd(interpose_frame* f, int* slot);

uint64_t guard_arena_fd(interpose_frame* f) {
  const uint64_t a = guard_one_fd(f, &g_state.arena_fd);
  if (a != INTERPOSE_ACTION_EXECUTE) return a;
  return guard_one_fd(f, &g_state.event_fd);
}

uint64_t guard_one_fd(interpose_frame* f, int* slot) {
  const long fd = *slot;
  if (fd < 0) return act(f, INTERPOSE_ACTION_EXECUTE);
  const uint64_t* a = f->call_args;
  switch (f->nr) {
    case __NR_close:
      if (static_cast<long>(static_cast<int>(a[0])) == fd) return emulate(f, 0);
      break;
    case __NR_fcntl:
      // Marking it close-on-exec would drop it at the next exec.
      if (static_cast<int>(a[0]) == fd && static_cast<int>(a[1]) == 2 /* F_SETFD */) return emulate(f, 0);
      break;
    case __NR_dup2:
    case __NR_dup3:
      if (static_cast<int>(a[1]) == fd && static_cast<int>(a[0]) != fd) {
        // The program wants this number: move the arena out of its way.
        long moved = sys::fcntl(static_cast<int>(fd), 0 /* F_DUPFD */, fd + 1);
        if (sys::failed(moved)) moved = sys::fcntl(static_cast<int>(fd), 0, 64);
        if (!sys::failed(moved)) __atomic_store_n(slot, static_cast<int>(moved), __ATOMIC_RELAXED);
      }
      break;
    case __NR_close_range: {
      const uint64_t lo = static_cast<unsigned>(a[0]), hi = static_cast<unsigned>(a[1]);
      const uint64_t ufd = static_cast<uint64_t>(fd);
      if (ufd < lo || ufd > hi) break;
      // Split around the arena fd; the last piece runs as the program's call.
      if (lo < ufd) {
        if (ufd == hi) {
          f->call_args[1] = ufd - 1;
          break;
        }
        const long r = sys::call(__NR_close_range, static_cast<long>(lo), static_cast<long>(ufd - 1),
                                 static_cast<long>(a[2]));
        if (sys::failed(r)) return emulate(f, r);
      } else if (ufd == hi) {
        return emulate(f, 0);
      }
      f->call_args[0] = ufd + 1;
      break;
    }
  }
  return act(f, INTERPOSE_ACTION_EXECUTE);
}

uint64_t dispatch_special_inner(interpose_frame* f, ThreadBlock* tb) {
  if (g_state.profile_hit != nullptr) g_state.profile_hit(return_address(f) - 2, f->nr);
  if (g_state.policy != nullptr && f->nr != __NR_execve && f->nr != __NR_execveat) {
    uint64_t action;
    if (enforce_policy(f, tb, &action)) return action;
  }
  switch (f->nr) {
    case __NR_rt_sigreturn:
      return do_sigreturn(f);
    case __NR_fork:
      return act(f, INTERPOSE_ACTION_FORK);
    case __NR_vfork:
      return push_vfork(f, tb);
    case __NR_clone:
      return do_clone(f, tb, f->call_args[0], f->call_args[1]);
    case __NR_clone3:
      return do_clone3(f, tb);
    case __NR_execve:
    case __NR_execveat:
      return do_exec(f, tb);
    case __NR_exit:
      return do_exit_thread(f, tb);
    case __NR_exit_group:
      retire_block(tb);
      return act(f, INTERPOSE_ACTION_EXECUTE);
    case __NR_rt_sigaction:
      return do_sigaction(f);
    case __NR_rt_sigprocmask:
      return do_sigprocmask(f, tb);
    case __NR_rt_sigsuspend:
      return do_mask_arg(f, 0, false);
    case __NR_ppoll:
      return do_mask_arg(f, 3, false);
    case __NR_epoll_pwait:
    case __NR_epoll_pwait2:
      return do_mask_arg(f, 4, false);
    case __NR_pselect6:
    case __NR_io_pgetevents:
      return do_mask_arg(f, 5, true);
    case __NR_sigaltstack:
      return do_sigaltstack(f, tb);
    case __NR_prctl:
      return do_prctl(f);
    case __NR_seccomp:
      return do_seccomp(f);
    case __NR_arch_prctl:
      return do_arch_prctl(f);
    case __NR_mmap:
      if (long r; guard_memory_call(f, &r)) return emulate(f, r);
      // A library mapped after start-up: its planned sites are rewritten then.
      if (g_state.exec_mapping != nullptr && (f->call_args[2] & PROT_EXEC) && !(f->call_args[3] & MAP_ANONYMOUS))
        return act(f, INTERPOSE_ACTION_EXECUTE | INTERPOSE_ACTION_AFTER);
      return act(f, INTERPOSE_ACTION_EXECUTE);
    case __NR_mprotect:
    case __NR_pkey_mprotect:
    case __NR_munmap:
    case __NR_mremap:
    case __NR_madvise:
      if (long r; guard_memory_call(f, &r)) return emulate(f, r);
      return act(f, INTERPOSE_ACTION_EXECUTE);
    default:
      return guard_arena_fd(f);
  }
}

// --trace: a line for every call; calls that come back get it after.
__attribute__((noinline)) uint64_t dispatch_special(interpose_frame* f, ThreadBlock* tb) {
  if (!g_state.trace) return dispatch_special_inner(f, tb);
  if (f->nr == __NR_exit || f->nr == __NR_exit_group || f->nr == __NR_execve || f->nr == __NR_execveat)
    events::trace(f, 0, false);
  const uint64_t action = dispatch_special_inner(f, tb);
  switch (action & INTERPOSE_ACTION_MASK) {
    case INTERPOSE_ACTION_EXECUTE:
      return act(f, action | INTERPOSE_ACTION_AFTER);
    case INTERPOSE_ACTION_RETURN:
      events::trace(f, f->result, true);
      return action;
    case INTERPOSE_ACTION_CLONE_NEWSTACK:
      if (action & INTERPOSE_ACTION_AFTER) return action;
      [[fallthrough]];
    default:
      events::trace(f, 0, false);
      return action;
  }
}

__attribute__((noinline)) void fold_count(ThreadBlock* tb, uint64_t nr) {
  g_state.arena->retired[nr].fetch_add(tb->counts[nr], std::memory_order_relaxed);
  tb->counts[nr] = 0;
}

}  // namespace

// The syscalls dispatch_special handles; everything else is counted and run.
// While profiling, every syscall is special (its site is recorded there).
void init_actions(bool all_special) {
  if (all_special || g_state.trace) {
    for (auto& a : g_state.actions) a = arena::kActionSpecial;
    return;
  }
  static constexpr int kSpecial[] = {
      __NR_close,      __NR_rt_sigreturn, __NR_dup2,         __NR_clone,         __NR_fork,
      __NR_vfork,      __NR_execve,       __NR_exit,         __NR_fcntl,         __NR_exit_group,
      __NR_dup3,       __NR_execveat,     __NR_clone3,       __NR_close_range,   __NR_rt_sigaction,
      __NR_rt_sigprocmask, __NR_rt_sigsuspend, __NR_ppoll,   __NR_epoll_pwait,   __NR_epoll_pwait2,
      __NR_pselect6,   __NR_io_pgetevents, __NR_sigaltstack, __NR_prctl,         __NR_seccomp,
      __NR_arch_prctl, __NR_mmap,         __NR_mprotect,     __NR_pkey_mprotect, __NR_munmap,
      __NR_mremap,     __NR_madvise,
  };
  for (int nr : kSpecial) g_state.actions[nr] = arena::kActionSpecial;
  if (g_state.policy == nullptr) return;
  for (size_t nr = 0; nr < arena::kCountedSyscalls; ++nr) {
    if (!policy_needs_special(static_cast<long>(nr))) continue;
    // Refused whatever its arguments, nothing to log, no special handling of
    // its own: the fast path answers it (unless a tracer wants the marker).
    const uint16_t e = policy_plain_errno(static_cast<long>(nr));
    if (e != 0 && g_state.actions[nr] == arena::kActionExecute && !announce_emulated()) {
      g_state.actions[nr] = arena::kActionAnswer;
      g_state.answer_errno[nr] = e;
    } else {
      g_state.actions[nr] = arena::kActionSpecial;
    }
  }
}

}  // namespace interpose::hook

using namespace interpose::hook;
namespace sys = interpose::sys;

extern "C" uint64_t interpose_dispatch(interpose_frame* f) {
  ThreadBlock* tb = current_block();
  if (INTERPOSE_LIKELY(f->kind == INTERPOSE_KIND_REWRITTEN)) {
    // Only a rewritten site may enter page 0: anything else is a wild jump.
    // After every kernel exit each page touched costs a page walk here, so a
    // site this thread came from lately is checked in its own block's page.
    const uint64_t site = return_address(f) - 2;
    uint64_t& cached = tb->site_cache[interpose::arena::site_cache_slot(site)];
    if (INTERPOSE_UNLIKELY(cached != site || tb->index == 0)) {
      if (INTERPOSE_UNLIKELY(!g_state.sites.contains(site))) {
        g_state.arena->wild_jumps.fetch_add(1, std::memory_order_relaxed);
        return act(f, INTERPOSE_ACTION_FAULT);
      }
      if (tb->index != 0) cached = site;
    }
  }
  tb->path_counts[f->kind & (interpose::arena::kPathCount - 1)]++;
  const uint64_t nr = f->nr;
  if (INTERPOSE_LIKELY(nr < interpose::arena::kCountedSyscalls)) {
    if (INTERPOSE_UNLIKELY(++tb->counts[nr] >= interpose::arena::kCountFoldThreshold)) fold_count(tb, nr);
    const uint8_t action = tb->action[nr];
    if (INTERPOSE_LIKELY(action == interpose::arena::kActionExecute)) return INTERPOSE_ACTION_EXECUTE;
    if (action == interpose::arena::kActionAnswer) {
      f->result = -static_cast<int64_t>(tb->answer_errno[nr]);
      f->action = INTERPOSE_ACTION_RETURN;
      return INTERPOSE_ACTION_RETURN;
    }
  } else {
    tb->other_count++;
  }
  return dispatch_special(f, tb);
}

extern "C" int64_t interpose_after(interpose_frame* f, int64_t result) {
  if (g_state.policy != nullptr) policy_after(f, result);
  if (g_state.trace) interpose::hook::events::trace(f, result, true);
  switch (f->nr) {
    case __NR_mmap:
      if (!interpose::sys::failed(result) && g_state.exec_mapping != nullptr)
        g_state.exec_mapping(static_cast<uint64_t>(result));
      break;
    case __NR_clone:
    case __NR_clone3: {
      const uint64_t kind = f->child_word & INTERPOSE_CHILD_KIND_MASK;
      if (kind == INTERPOSE_CHILD_THREAD) {
        sys::rt_sigprocmask(interpose::kernel::kSigSetmask, &f->aux[0], nullptr);
        if (result < 0) release_block(reinterpret_cast<ThreadBlock*>(f->aux[1]));
      } else if (kind == INTERPOSE_CHILD_VFORK) {
        --current_block()->borrowers;
      }
      break;
    }
  }
  return result;
}

namespace {

// A new process (fork, or clone without CLONE_VM): its own block, SUD again (the
// kernel does not carry it over), the SIGSYS handler again (CLONE_CLEAR_SIGHAND
// may have reset it).  The alternate stack was copied with the address space.
void setup_child_process(const ThreadBlock* parent) {
  ThreadBlock* b = claim_block();
  b->altstack = parent->altstack;
  b->app_altstack_sp = parent->app_altstack_sp;
  b->app_altstack_size = parent->app_altstack_size;
  b->app_altstack_flags = parent->app_altstack_flags;
  b->sigsys_blocked = parent->sigsys_blocked;
  g_state.threads = 1;
  g_state.pid = sys::getpid();
  if (g_state.sud) install_sigsys_handler();
  setup_thread(b, false);
}

}  // namespace

extern "C" void interpose_fork_child(interpose_frame*) {
  uintptr_t v;
  asm volatile("mov %%gs:0, %0" : "=r"(v));
  setup_child_process(reinterpret_cast<const ThreadBlock*>(v));
}

extern "C" void interpose_clone_child(uint64_t child_word) {
  const uint64_t kind = child_word & INTERPOSE_CHILD_KIND_MASK;
  auto* block = reinterpret_cast<ThreadBlock*>(child_word & ~uint64_t{INTERPOSE_CHILD_KIND_MASK});
  switch (kind) {
    case INTERPOSE_CHILD_THREAD:
      setup_thread(block, true);
      sys::rt_sigprocmask(interpose::kernel::kSigSetmask, &block->saved_sigmask, nullptr);
      break;
    case INTERPOSE_CHILD_PROCESS:
      setup_child_process(block);
      break;
    case INTERPOSE_CHILD_VFORK:
      // Borrows the parent's block until it execs; SUD is per task.
      if (g_state.sud) INTERPOSE_CHECK(arm_sud());
      break;
  }
}

extern "C" void interpose_vfork_child() {
  if (g_state.sud) INTERPOSE_CHECK(arm_sud());
}
