#include "thread.h"

#include <asm/prctl.h>

#include "signals.h"
#include "sys.h"

namespace interpose::hook {

namespace {

constexpr uint64_t kBlockMagic = 0x4b434f4c42504e49ULL;  // "INPBLOCK"

ThreadBlock* init_block(ThreadBlock* b, uint32_t index) {
  b->self = b;
  b->magic = kBlockMagic;
  b->index = index;
  for (uint64_t& c : b->site_cache) c = 0;
  for (size_t i = 0; i < arena::kCountedSyscalls; ++i) {
    b->action[i] = g_state.actions[i];
    b->answer_errno[i] = g_state.answer_errno[i];
  }
  return b;
}

}  // namespace

ThreadBlock* claim_block() {
  arena::Header* h = g_state.arena;
  uint64_t head = h->free_head.load(std::memory_order_acquire);
  while ((head & 0xffffffffu) != 0) {
    const uint32_t index = static_cast<uint32_t>(head & 0xffffffffu) - 1;
    ThreadBlock* b = arena::block_at(h, index);
    const uint64_t next = __atomic_load_n(&b->free_next, __ATOMIC_RELAXED);
    const uint64_t desired = (((head >> 32) + 1) << 32) | (next & 0xffffffffu);
    if (h->free_head.compare_exchange_weak(head, desired, std::memory_order_acq_rel))
      return init_block(b, index);
  }
  const uint32_t index = h->next_block.fetch_add(1, std::memory_order_relaxed);
  if (index < h->block_capacity) return init_block(arena::block_at(h, index), index);
  h->blocks_exhausted.fetch_add(1, std::memory_order_relaxed);
  return init_block(arena::block_at(h, 0), 0);
}

void release_block(ThreadBlock* b) {
  if (b->index == 0) return;
  arena::Header* h = g_state.arena;
  for (size_t i = 0; i < arena::kCountedSyscalls; ++i) {
    if (b->counts[i] != 0) {
      h->retired[i].fetch_add(b->counts[i], std::memory_order_relaxed);
      b->counts[i] = 0;
    }
  }
  for (size_t i = 0; i < arena::kPathCount; ++i) {
    h->retired_paths[i].fetch_add(b->path_counts[i], std::memory_order_relaxed);
    b->path_counts[i] = 0;
  }
  h->retired_other.fetch_add(b->other_count, std::memory_order_relaxed);
  b->other_count = 0;
  b->vfork_depth = 0;
  b->borrowers = 0;
  b->saved_sigmask = 0;
  b->sigsys_blocked = 0;
  b->altstack = 0;
  b->app_altstack_sp = 0;
  b->app_altstack_size = 0;
  b->app_altstack_flags = 0;
  b->self = nullptr;
  b->magic = 0;
  uint64_t head = h->free_head.load(std::memory_order_relaxed);
  do {
    __atomic_store_n(&b->free_next, head & 0xffffffffu, __ATOMIC_RELAXED);
  } while (!h->free_head.compare_exchange_weak(
      head, (((head >> 32) + 1) << 32) | (uint64_t{b->index} + 1), std::memory_order_release));
}

void set_thread_block(ThreadBlock* b) {
  const long r = sys::arch_prctl(ARCH_SET_GS, reinterpret_cast<unsigned long>(b));
  INTERPOSE_CHECK(r == 0);
  if (b != nullptr) b->tid = static_cast<int32_t>(sys::gettid());
}

ThreadBlock* adopt_current_thread() {
  ThreadBlock* b = claim_block();
  setup_thread(b, true);
  return b;
}

}  // namespace interpose::hook
