// libinterpose.so's constructor: from here on every rewritten syscall of the
// program goes through dispatch.
//
// Order matters: the arena and the thread block exist before the first site is
// rewritten (dispatch needs both), page 0 exists before any site calls into it,
// and every site is in the site table before its bytes change.
#include <cpuid.h>
#include <dlfcn.h>
#include <link.h>
#include <linux/memfd.h>
#include <linux/mman.h>
#include <string.h>
#include <sys/auxv.h>

#include "abi.h"
#include "arena.h"
#include "environment.h"
#include "module_scan.h"
#include "page_zero.h"
#include "patch.h"
#include "state.h"
#include "sys.h"
#include "text.h"
#include "thread.h"

namespace interpose::runtime {

namespace {

using hook::g_state;
using hook::Text;

void say(const Text& t) { t.write_to(2); }

// The arena the launcher handed us, or a private one when the runtime was
// preloaded by hand.
bool map_arena(int fd) {
  if (fd >= 0) {
    // The header first, to learn the size.
    long m = sys::mmap(nullptr, arena::kHeaderSize, PROT_READ, MAP_SHARED, fd, 0);
    if (!sys::failed(m)) {
      const auto* h = reinterpret_cast<const arena::Header*>(m);
      const bool ok = arena::valid(h, h->total_size);
      const size_t size = ok ? h->total_size : 0;
      sys::munmap(reinterpret_cast<void*>(m), arena::kHeaderSize);
      if (ok) {
        m = sys::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (!sys::failed(m)) {
          g_state.arena = reinterpret_cast<arena::Header*>(m);
          g_state.arena_fd = fd;
          return true;
        }
      }
    }
    Text t;
    t.str("interpose: INTERPOSE_ARENA_FD=").dec(static_cast<uint64_t>(fd));
    t.str(" is not an interpose arena (closed by the program?); this process's counts are not reported\n");
    say(t);
  }
  const uint32_t capacity = 1024;
  const long fd2 = sys::call(__NR_memfd_create, sys::ptr("interpose-arena"), 0);
  if (sys::failed(fd2)) return false;
  const size_t size = arena::total_size(capacity);
  if (sys::failed(sys::call(__NR_ftruncate, fd2, static_cast<long>(size)))) return false;
  const long m = sys::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, static_cast<int>(fd2), 0);
  if (sys::failed(m)) return false;
  g_state.arena = reinterpret_cast<arena::Header*>(m);
  arena::format(g_state.arena, capacity, arena::Config{arena::kModeZpoline, 0});
  g_state.arena_fd = static_cast<int>(fd2);
  return true;
}

// How much XSAVE needs for everything the OS enabled (CPUID leaf 0xD).
void measure_xstate() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE)) return;  // FXSAVE only
  unsigned lo, hi;
  asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  __cpuid_count(0xd, 0, a, b, c, d);
  interpose_xsave_mask = (uint64_t{hi} << 32) | lo;
  interpose_xsave_size = b;
}

// Maps the sled at virtual address 0.  Returns 0 or -errno.
long map_page_zero() {
  const long m = sys::mmap(nullptr, INTERPOSE_PAGE_ZERO_SIZE, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  // nullptr as a hint with MAP_FIXED_NOREPLACE asks for address 0 exactly.
  if (sys::failed(m)) return m;
  if (m != 0) {
    sys::munmap(reinterpret_cast<void*>(m), INTERPOSE_PAGE_ZERO_SIZE);
    return -EPERM;
  }
  uint8_t* page;
  asm("" : "=r"(page) : "0"(uintptr_t{0}));  // address 0, as far as the optimiser knows
  hook::build_page_zero(page, reinterpret_cast<uint64_t>(interpose_entry));
  return sys::mprotect(page, INTERPOSE_PAGE_ZERO_SIZE, PROT_READ | PROT_EXEC);
}

struct ModuleList {
  static constexpr size_t kMax = 1024;
  rewriter::ModuleImage items[kMax];
  size_t n = 0;
};

int collect_module(dl_phdr_info* info, size_t, void* ctx) {
  auto* list = static_cast<ModuleList*>(ctx);
  if (list->n < ModuleList::kMax)
    list->items[list->n++] = rewriter::ModuleImage{info->dlpi_addr, info->dlpi_phdr, info->dlpi_phnum};
  return 0;
}

struct ScanTotals {
  uint64_t modules = 0;
  uint64_t rewritable = 0;
  uint64_t skipped[arena::kSkipCount] = {};
  SiteList* sites = nullptr;
  bool out_of_memory = false;
};

void take_candidate(void* ctx, uint64_t addr, rewriter::Verdict v, int prot) {
  auto* t = static_cast<ScanTotals*>(ctx);
  switch (v) {
    case rewriter::Verdict::kRewrite:
      if (t->sites->push(PendingSite{addr, prot})) ++t->rewritable;
      else t->out_of_memory = true;
      return;
    case rewriter::Verdict::kRedZone: ++t->skipped[arena::kSkipRedZone]; return;
    case rewriter::Verdict::kCacheLine: ++t->skipped[arena::kSkipCacheLine]; return;
    case rewriter::Verdict::kUndecodable: ++t->skipped[arena::kSkipUndecodable]; return;
    case rewriter::Verdict::kNoFunction:
    case rewriter::Verdict::kNotInstruction: ++t->skipped[arena::kSkipNoFunction]; return;
  }
}

void rewrite_loaded_modules(ScanTotals* scan, PatchTotals* patch) {
  static ModuleList modules;
  dl_iterate_phdr(collect_module, &modules);
  const uintptr_t self = reinterpret_cast<uintptr_t>(interpose_entry);
  const uintptr_t vdso = getauxval(AT_SYSINFO_EHDR);
  SiteList sites;
  scan->sites = &sites;
  for (size_t i = 0; i < modules.n; ++i) {
    const rewriter::ModuleImage& m = modules.items[i];
    // Our own syscalls are the gate; the vDSO is the kernel's.
    if (rewriter::module_contains(m, self) || (vdso != 0 && rewriter::module_contains(m, vdso))) continue;
    ++scan->modules;
    rewriter::scan_module(m, take_candidate, scan);
  }
  // Room for twice the sites (load factor 1/2) plus the ones found later.
  const size_t bytes = hook::SiteTable::bytes_for(sites.size() + 4096);
  const long mem = sys::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (sys::failed(mem)) return;
  g_state.sites.init(reinterpret_cast<void*>(mem), bytes);
  patch_sites(sites, &g_state.sites, patch);
}

void find_runtime_path() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&find_runtime_path), &info) != 0 && info.dli_fname != nullptr &&
      strlen(info.dli_fname) < sizeof(g_state.runtime_path)) {
    memcpy(g_state.runtime_path, info.dli_fname, strlen(info.dli_fname) + 1);
  }
}

void report(const ScanTotals& scan, const PatchTotals& patch) {
  arena::Header* h = g_state.arena;
  h->sites_rewritten.fetch_add(patch.patched, std::memory_order_relaxed);
  for (size_t i = 0; i < arena::kSkipCount; ++i)
    h->sites_skipped[i].fetch_add(scan.skipped[i], std::memory_order_relaxed);
  h->sites_skipped[arena::kSkipTableFull].fetch_add(patch.table_full, std::memory_order_relaxed);
  if (!(h->config.flags & arena::kFlagVerbose)) return;
  Text t;
  t.str("interpose: pid ").dec(static_cast<uint64_t>(sys::getpid()));
  t.str(": zpoline: rewrote ").dec(patch.patched).str(" syscall sites in ").dec(scan.modules);
  t.str(" modules; left alone: ").dec(scan.skipped[arena::kSkipRedZone]).str(" red-zone, ");
  t.dec(scan.skipped[arena::kSkipCacheLine]).str(" cache-line, ");
  t.dec(scan.skipped[arena::kSkipNoFunction]).str(" outside known functions, ");
  t.dec(scan.skipped[arena::kSkipUndecodable]).str(" undecodable");
  if (patch.failed + patch.table_full != 0) t.str(", ").dec(patch.failed + patch.table_full).str(" failed");
  t.ch('\n');
  say(t);
}

void init() {
  find_runtime_path();
  const LaunchEnv env = take_launch_env(g_state.runtime_path);
  if (!map_arena(env.arena_fd)) {
    say(Text().str("interpose: cannot create the runtime's shared memory; running without interposition\n"));
    return;
  }
  arena::Header* h = g_state.arena;
  g_state.blocks_begin = reinterpret_cast<uintptr_t>(h) + h->header_size;
  g_state.blocks_span = size_t{h->block_capacity} * arena::kPage;
  h->runtimes_started.fetch_add(1, std::memory_order_relaxed);

  measure_xstate();
  if (const long r = map_page_zero(); r != 0) {
    h->runtimes_degraded.fetch_add(1, std::memory_order_relaxed);
    Text t;
    t.str("interpose: cannot map page 0 (error ").sdec(-r);
    t.str("; vm.mmap_min_addr must be 0 or the process needs CAP_SYS_RAWIO): this process runs without interposition\n");
    say(t);
    return;
  }
  hook::set_thread_block(hook::claim_block());

  ScanTotals scan;
  PatchTotals patch;
  rewrite_loaded_modules(&scan, &patch);
  report(scan, patch);
  sys::call(INTERPOSE_READY_SYSCALL, INTERPOSE_READY_MAGIC,
            reinterpret_cast<long>(interpose_internal_syscall_site),
            reinterpret_cast<long>(interpose_gate_begin), reinterpret_cast<long>(interpose_gate_end));
}

}  // namespace

}  // namespace interpose::runtime

// Runs before the program's own constructors (libraries' constructors run first,
// so the runtime sees libc fully set up).
__attribute__((constructor(101))) static void interpose_runtime_init() { interpose::runtime::init(); }
