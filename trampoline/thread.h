// Thread blocks: which one this thread uses (%gs), claiming and releasing them.
#pragma once

#include "arena.h"
#include "hookpath.h"
#include "state.h"
#include "sys.h"

namespace interpose::hook {

using arena::ThreadBlock;

// The slow half of current_block(): this thread has no block yet (it started
// before the runtime, or through a path that could not give it one).
ThreadBlock* adopt_current_thread();

// The calling thread's block.  %gs:0 holds the block's own address once the
// runtime has set the thread up; before that %gs is 0 and %gs:0 reads page 0.
inline ThreadBlock* current_block() {
  uintptr_t v;
  asm volatile("mov %%gs:0, %0" : "=r"(v) : : "memory");
  if (INTERPOSE_LIKELY(v - g_state.blocks_begin < g_state.blocks_span))
    return reinterpret_cast<ThreadBlock*>(v);
  return adopt_current_thread();
}

// A fresh zeroed block (or the shared overflow block 0 if the arena is full).
ThreadBlock* claim_block();

// Folds the block's counts into the arena totals and puts it back on the free
// list.  Block 0 is never released.
void release_block(ThreadBlock* block);

// Points this thread's %gs at block (nullptr: at nothing).
void set_thread_block(ThreadBlock* block);

// This process's and thread's ids without a syscall where the runtime knows
// them: not in a vfork child (it runs on its parent's block and memory) nor on
// the shared overflow block.
inline void current_ids(long* pid, long* tid) {
  const ThreadBlock* tb = current_block();
  if (tb->vfork_depth != 0 || tb->borrowers != 0 || tb->index == 0 || tb->tid == 0 || g_state.pid == 0) {
    *pid = sys::getpid();
    *tid = sys::gettid();
    return;
  }
  *pid = g_state.pid;
  *tid = tb->tid;
}

}  // namespace interpose::hook
