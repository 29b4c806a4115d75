// dispatch: the one C++ function every hooked syscall passes through, whichever
// way it arrived (a rewritten site, or a site redirected by the SIGSYS handler).
//
// It validates the entry, counts the call in the thread's block, and decides what
// the stub does.  The common case touches the thread block, the site table and
// nothing else; the few syscalls that change stacks, processes or the runtime's own
// resources take dispatch_special.
#include <asm/unistd_64.h>
#include <linux/sched.h>

#include "exec_env.h"
#include "hookpath.h"
#include "state.h"
#include "sys.h"
#include "thread.h"

namespace interpose::hook {

State g_state;

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

// Syscalls that need more than "count and execute".
constexpr bool is_special(uint64_t nr) {
  switch (nr) {
    case __NR_close:
    case __NR_rt_sigreturn:
    case __NR_dup2:
    case __NR_clone:
    case __NR_fork:
    case __NR_vfork:
    case __NR_execve:
    case __NR_exit:
    case __NR_fcntl:
    case __NR_exit_group:
    case __NR_dup3:
    case __NR_execveat:
    case __NR_clone3:
    case __NR_close_range:
      return true;
    default:
      return false;
  }
}

inline uint64_t act(interpose_frame* f, uint64_t action) {
  f->action = action;
  return action;
}

inline uint64_t answer(interpose_frame* f, long result) {
  f->result = result;
  return act(f, INTERPOSE_ACTION_RETURN);
}

inline uint64_t return_address(const interpose_frame* f) {
  return *reinterpret_cast<const uint64_t*>(f->ret_slot);
}

// A block may be handed back only by the thread that owns it: not while a vfork
// child borrows it (the child runs on its parent's block until it execs).
inline bool block_is_borrowed(const ThreadBlock* b) {
  return b->vfork_depth != 0 || b->borrowers != 0;
}

uint64_t push_vfork(interpose_frame* f, ThreadBlock* tb) {
  if (tb->index == 0 || tb->vfork_depth >= INTERPOSE_TB_VFORK_MAX) return answer(f, -EAGAIN);
  tb->vfork_ret[tb->vfork_depth++] = return_address(f);
  return act(f, INTERPOSE_ACTION_VFORK);
}

uint64_t do_clone(interpose_frame* f, ThreadBlock* tb, uint64_t flags, uint64_t child_sp) {
  const bool vm = (flags & CLONE_VM) != 0;
  if (child_sp == 0) return vm ? push_vfork(f, tb) : act(f, INTERPOSE_ACTION_FORK);
  f->child_sp = child_sp;
  if (!vm) {
    f->child_word = INTERPOSE_CHILD_PROCESS;
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
  sys::rt_sigprocmask(sys::kSigSetMask, &all, &old);
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

// The runtime's arena fd must survive everything the program does to its fds,
// or the images it execs lose the runtime's state.
uint64_t guard_arena_fd(interpose_frame* f) {
  const long fd = g_state.arena_fd;
  if (fd < 0) return act(f, INTERPOSE_ACTION_EXECUTE);
  const uint64_t* a = f->call_args;
  switch (f->nr) {
    case __NR_close:
      if (static_cast<long>(static_cast<int>(a[0])) == fd) return answer(f, 0);
      break;
    case __NR_fcntl:
      // Marking it close-on-exec would drop it at the next exec.
      if (static_cast<int>(a[0]) == fd && static_cast<int>(a[1]) == 2 /* F_SETFD */)
        return answer(f, 0);
      break;
    case __NR_dup2:
    case __NR_dup3:
      if (static_cast<int>(a[1]) == fd && static_cast<int>(a[0]) != fd) {
        // The program wants this number: move the arena out of its way.
        long moved = sys::fcntl(static_cast<int>(fd), 0 /* F_DUPFD */, fd + 1);
        if (sys::failed(moved)) moved = sys::fcntl(static_cast<int>(fd), 0, 64);
        if (!sys::failed(moved)) __atomic_store_n(&g_state.arena_fd, static_cast<int>(moved), __ATOMIC_RELAXED);
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
        const long r = sys::call(__NR_close_range, static_cast<long>(lo),
                                 static_cast<long>(ufd - 1), static_cast<long>(a[2]));
        if (sys::failed(r)) return answer(f, r);
      } else if (ufd == hi) {
        return answer(f, 0);
      }
      f->call_args[0] = ufd + 1;
      break;
    }
  }
  return act(f, INTERPOSE_ACTION_EXECUTE);
}

__attribute__((noinline)) uint64_t dispatch_special(interpose_frame* f, ThreadBlock* tb) {
  switch (f->nr) {
    case __NR_rt_sigreturn:
      return act(f, INTERPOSE_ACTION_SIGRETURN);
    case __NR_fork:
      return act(f, INTERPOSE_ACTION_FORK);
    case __NR_vfork:
      return push_vfork(f, tb);
    case __NR_clone:
      return do_clone(f, tb, f->call_args[0], f->call_args[1]);
    case __NR_clone3:
      return do_clone3(f, tb);
    case __NR_execve:
    case __NR_execveat: {
      // The new image must get the runtime back whatever environment the program
      // passes (K23 pitfall 1).  On success this never returns.
      const bool own = !block_is_borrowed(tb);
      if (own) retire_block(tb);
      const long r = run_exec_with_runtime(f);
      if (own) current_block();  // the exec failed: this thread needs a block again
      return answer(f, r);
    }
    case __NR_exit:
    case __NR_exit_group:
      retire_block(tb);
      return act(f, INTERPOSE_ACTION_EXECUTE);
    default:
      return guard_arena_fd(f);
  }
}

}  // namespace

}  // namespace interpose::hook

using namespace interpose::hook;
namespace sys = interpose::sys;

extern "C" uint64_t interpose_dispatch(interpose_frame* f) {
  ThreadBlock* tb = current_block();
  if (INTERPOSE_LIKELY(f->kind == INTERPOSE_KIND_REWRITTEN)) {
    // Only a rewritten site may enter page 0: anything else is a wild jump.
    if (INTERPOSE_UNLIKELY(!g_state.sites.contains(return_address(f) - 2))) {
      g_state.arena->wild_jumps.fetch_add(1, std::memory_order_relaxed);
      return act(f, INTERPOSE_ACTION_FAULT);
    }
  }
  tb->path_counts[f->kind & (interpose::arena::kPathCount - 1)]++;
  const uint64_t nr = f->nr;
  if (INTERPOSE_LIKELY(nr < interpose::arena::kCountedSyscalls))
    tb->counts[nr]++;
  else
    tb->other_count++;
  if (INTERPOSE_LIKELY(!is_special(nr))) return INTERPOSE_ACTION_EXECUTE;
  return dispatch_special(f, tb);
}

extern "C" int64_t interpose_after(interpose_frame* f, int64_t result) {
  switch (f->nr) {
    case __NR_clone:
    case __NR_clone3: {
      const uint64_t kind = f->child_word & INTERPOSE_CHILD_KIND_MASK;
      if (kind == INTERPOSE_CHILD_THREAD) {
        sys::rt_sigprocmask(sys::kSigSetMask, &f->aux[0], nullptr);
        if (result < 0) release_block(reinterpret_cast<ThreadBlock*>(f->aux[1]));
      } else if (kind == INTERPOSE_CHILD_VFORK) {
        --current_block()->borrowers;
      }
      break;
    }
  }
  return result;
}

extern "C" void interpose_fork_child(interpose_frame*) {
  // A new process: its thread must stop writing into its parent's block.
  set_thread_block(claim_block());
}

extern "C" void interpose_clone_child(uint64_t child_word) {
  const uint64_t kind = child_word & INTERPOSE_CHILD_KIND_MASK;
  auto* block = reinterpret_cast<ThreadBlock*>(child_word & ~uint64_t{INTERPOSE_CHILD_KIND_MASK});
  switch (kind) {
    case INTERPOSE_CHILD_THREAD:
      set_thread_block(block);
      sys::rt_sigprocmask(sys::kSigSetMask, &block->saved_sigmask, nullptr);
      break;
    case INTERPOSE_CHILD_PROCESS:
      set_thread_block(claim_block());
      break;
    case INTERPOSE_CHILD_VFORK:
      break;  // borrows the parent's block until it execs
  }
}

extern "C" void interpose_vfork_child() {}
