// libinterpose.so's constructor: from here on every syscall of the program goes
// through dispatch, by a rewritten site or by Syscall User Dispatch.
//
// Order matters: the arena and the thread block exist before the first site is
// rewritten (dispatch needs both), page 0 exists before any site calls into it,
// every site is in the site table before its bytes change, and SUD is armed last,
// once nothing but the gate will run before the ready announcement.
#include <cpuid.h>
#include <dlfcn.h>
#include <link.h>
#include <linux/memfd.h>
#include <linux/mman.h>
#include <string.h>
#include <sys/auxv.h>

#include "abi.h"
#include "arena.h"
#include "dispatch.h"
#include "gate.h"
#include "hookpath.h"
#include "environment.h"
#include "guard.h"
#include "k23.h"
#include "lazy.h"
#include "profile_recorder.h"
#include "module_scan.h"
#include "page_zero.h"
#include "patch.h"
#include "signals.h"
#include "state.h"
#include "sys.h"
#include "text.h"
#include "thread.h"

namespace interpose::runtime {

namespace {

using hook::g_state;
using hook::Text;

void say(const Text& t) { t.write_to(2); }

const char* mode_name(arena::Mode m) {
  switch (m) {
    case arena::kModeZpoline: return "zpoline";
    case arena::kModeLazypoline: return "lazypoline";
    case arena::kModeK23: return "k23";
    case arena::kModeSud: return "sud";
    case arena::kModePtrace: return "ptrace";
  }
  return "?";
}

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
  // Without a launcher: zpoline where page 0 can be had, SUD catching the rest.
  const bool sud = sys::call(__NR_prctl, 59, 0, 0, 0, 0) == 0;
  arena::format(g_state.arena, capacity,
                arena::Config{arena::kModeZpoline, sud ? uint32_t{arena::kFlagSudAvailable} : 0u,
                              arena::kDefaultGatePage});
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

// Maps the page the gate blob runs in: page 0 (the sled, then the blob) or a page
// of its own at `page_addr`.  Returns 0 or -errno; on success the runtime's
// syscalls go through the copy from here on.
long map_gate(uint64_t page_addr, bool page_zero) {
  const size_t size = hook::gate_blob_size();
  INTERPOSE_CHECK(size + (page_zero ? hook::kSledEnd : 0) <= INTERPOSE_PAGE_ZERO_SIZE);
  const long m = sys::mmap(reinterpret_cast<void*>(page_addr), INTERPOSE_PAGE_ZERO_SIZE, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  // With MAP_FIXED_NOREPLACE the hint is the address, page 0 included.
  if (sys::failed(m)) return m;
  if (static_cast<uint64_t>(m) != page_addr) {
    sys::munmap(reinterpret_cast<void*>(m), INTERPOSE_PAGE_ZERO_SIZE);
    return -EEXIST;
  }
  uint8_t blob[INTERPOSE_PAGE_ZERO_SIZE];
  hook::copy_gate_blob(blob);
  uint8_t* page;
  asm("" : "=r"(page) : "0"(page_addr));  // maybe address 0, as far as the optimiser knows
  if (page_zero) hook::build_page_zero(page, blob, size);
  else hook::build_gate_page(page, blob, size);
  const long r = sys::mprotect(page, INTERPOSE_PAGE_ZERO_SIZE, PROT_READ | PROT_EXEC);
  if (r != 0) return r;
  hook::use_gate(page_zero ? arena::kGateInPageZero : page_addr);
  if (!page_zero) hook::protect_region(page_addr, page_addr + INTERPOSE_PAGE_ZERO_SIZE);
  return 0;
}

struct LoadedModule {
  rewriter::ModuleImage image;
  const char* name;
};

struct ModuleList {
  static constexpr size_t kMax = 1024;
  LoadedModule items[kMax];
  size_t n = 0;
};

int collect_module(dl_phdr_info* info, size_t, void* ctx) {
  auto* list = static_cast<ModuleList*>(ctx);
  if (list->n < ModuleList::kMax)
    list->items[list->n++] =
        LoadedModule{{info->dlpi_addr, info->dlpi_phdr, info->dlpi_phnum}, info->dlpi_name};
  return 0;
}

struct ScanTotals {
  uint64_t modules = 0;
  uint64_t rewritable = 0;
  uint64_t skipped[arena::kSkipCount] = {};
  SiteList* sites = nullptr;
};

void take_candidate(void* ctx, uint64_t addr, rewriter::Verdict v, int prot) {
  auto* t = static_cast<ScanTotals*>(ctx);
  switch (v) {
    case rewriter::Verdict::kRewrite:
      if (t->sites->push(PendingSite{addr, prot})) ++t->rewritable;
      return;
    case rewriter::Verdict::kRedZone: ++t->skipped[arena::kSkipRedZone]; return;
    case rewriter::Verdict::kCacheLine: ++t->skipped[arena::kSkipCacheLine]; return;
    case rewriter::Verdict::kUndecodable: ++t->skipped[arena::kSkipUndecodable]; return;
    case rewriter::Verdict::kUnreached: ++t->skipped[arena::kSkipUnreached]; return;
    case rewriter::Verdict::kNoFunction:
    case rewriter::Verdict::kNotInstruction: ++t->skipped[arena::kSkipNoFunction]; return;
  }
}

// Protects the runtime's own modules: itself and what it calls in the SIGSYS
// handler (Zydis, which needs Zycore).
bool is_runtime_module(const LoadedModule& m, uintptr_t self) {
  if (rewriter::module_contains(m.image, self)) return true;
  return m.name != nullptr && (strstr(m.name, "/libZydis.so") != nullptr || strstr(m.name, "/libZycore.so") != nullptr);
}

void protect_module(const rewriter::ModuleImage& m) {
  for (size_t i = 0; i < m.phnum; ++i)
    if (m.phdr[i].p_type == PT_LOAD)
      hook::protect_region(m.bias + m.phdr[i].p_vaddr, m.bias + m.phdr[i].p_vaddr + m.phdr[i].p_memsz);
}

// Looks at every module loaded now: protects the runtime's own, registers the
// rest for lazy rewriting, and (zpoline) finds every rewritable site.
void survey_modules(bool rewrite_now, PlanTotals* plan, ScanTotals* scan, PatchTotals* patch) {
  static ModuleList modules;
  dl_iterate_phdr(collect_module, &modules);
  const uintptr_t self = reinterpret_cast<uintptr_t>(&survey_modules);
  const uintptr_t vdso = getauxval(AT_SYSINFO_EHDR);
  SiteList sites;
  scan->sites = &sites;
  for (size_t i = 0; i < modules.n; ++i) {
    const LoadedModule& m = modules.items[i];
    if (is_runtime_module(m, self)) {
      protect_module(m.image);
      continue;
    }
    if (vdso != 0 && rewriter::module_contains(m.image, vdso)) continue;  // the kernel's
    register_module(m.image);
    ++scan->modules;
    if (rewrite_now) rewriter::scan_module(m.image, take_candidate, scan);
    if (plan != nullptr) plan_sites(m.image, &sites, plan);
  }
  // Room for twice the sites (load factor 1/2) plus the ones found later.
  const size_t bytes = hook::SiteTable::bytes_for(sites.size() + 4096);
  const long mem = sys::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (sys::failed(mem)) return;
  hook::protect_region(static_cast<uint64_t>(mem), static_cast<uint64_t>(mem) + bytes);
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

void report(const ScanTotals& scan, const PatchTotals& patch, const PlanTotals& plan, bool planned) {
  arena::Header* h = g_state.arena;
  h->sites_rewritten.fetch_add(patch.patched, std::memory_order_relaxed);
  for (size_t i = 0; i < arena::kSkipCount; ++i)
    h->sites_skipped[i].fetch_add(scan.skipped[i], std::memory_order_relaxed);
  h->sites_skipped[arena::kSkipTableFull].fetch_add(patch.table_full, std::memory_order_relaxed);
  if (!(h->config.flags & arena::kFlagVerbose)) return;
  Text t;
  t.str("interpose: pid ").dec(static_cast<uint64_t>(sys::getpid())).str(": ").str(mode_name(g_state.mode));
  if (g_state.mode == arena::kModeZpoline) {
    t.str(": rewrote ").dec(patch.patched).str(" syscall sites in ").dec(scan.modules);
    t.str(" modules; left to SUD: ").dec(scan.skipped[arena::kSkipRedZone]).str(" red-zone, ");
    t.dec(scan.skipped[arena::kSkipCacheLine]).str(" cache-line, ");
    t.dec(scan.skipped[arena::kSkipNoFunction]).str(" outside known functions, ");
    t.dec(scan.skipped[arena::kSkipUndecodable]).str(" undecodable, ");
    t.dec(scan.skipped[arena::kSkipUnreached]).str(" unreached");
    if (patch.failed + patch.table_full != 0) t.str(", ").dec(patch.failed + patch.table_full).str(" failed");
  } else if (planned) {
    t.str(": rewrote ").dec(patch.patched).str(" profiled sites in ").dec(plan.modules_matched);
    t.str(" modules (").dec(plan.sites_refused).str(" refused on re-verification); SUD catches the rest");
  } else if (g_state.arena->config.flags & arena::kFlagProfile) {
    t.str(": recording a profile, every syscall through Syscall User Dispatch");
  } else if (g_state.mode == arena::kModeSud) {
    t.str(": every syscall through Syscall User Dispatch, nothing rewritten");
  } else {
    t.str(": a site is rewritten when SUD has caught it ").dec(INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE).str(" times");
  }
  if (!g_state.sud) t.str("; SUD is not available, sites left alone are not interposed");
  t.ch('\n');
  say(t);
}

// The compiled policy, mapped on its own read-only from the arena's memfd.
bool map_policy(const arena::Header* h) {
  if (h->policy_offset == 0 || g_state.arena_fd < 0) return false;
  const long m = sys::mmap(nullptr, h->policy_size, PROT_READ, MAP_SHARED, g_state.arena_fd,
                           static_cast<long>(h->policy_offset));
  if (sys::failed(m)) return false;
  const auto* p = reinterpret_cast<const policy_table::Header*>(m);
  if (!policy_table::valid(p, h->policy_size)) return false;
  hook::protect_region(static_cast<uint64_t>(m), static_cast<uint64_t>(m) + arena::page_round(h->policy_size));
  g_state.policy = p;
  g_state.log_all = (h->config.flags & arena::kFlagLogAll) != 0 || (p->flags & policy_table::kLogAll) != 0;
  return true;
}

// Under a policy a process the runtime cannot cover must not run at all.
[[noreturn]] void refuse_to_run(const char* why) {
  Text t;
  t.str("interpose: ").str(why).str(": the policy cannot be enforced, stopping\n");
  say(t);
  sys::exit_group(INTERPOSE_EXIT_UNENFORCEABLE);
}

void init() {
  find_runtime_path();
  g_state.pid = sys::getpid();
  const LaunchEnv env = take_launch_env(g_state.runtime_path);
  if (!map_arena(env.arena_fd)) {
    say(Text().str("interpose: cannot create the runtime's shared memory; running without interposition\n"));
    return;
  }
  arena::Header* h = g_state.arena;
  const bool policy = (h->config.flags & arena::kFlagPolicy) != 0;
  if (policy && !map_policy(h)) refuse_to_run("the compiled policy is missing or damaged");
  if (env.event_fd >= 0) {
    g_state.event_fd = env.event_fd;
    g_state.trace = (h->config.flags & arena::kFlagTrace) != 0;
  }
  g_state.blocks_begin = reinterpret_cast<uintptr_t>(h) + h->header_size;
  g_state.blocks_span = size_t{h->block_capacity} * arena::kPage;
  hook::protect_region(reinterpret_cast<uint64_t>(h), reinterpret_cast<uint64_t>(h) + h->total_size);
  h->runtimes_started.fetch_add(1, std::memory_order_relaxed);
  g_state.mode = static_cast<arena::Mode>(h->config.mode);
  const bool sud_available = (h->config.flags & arena::kFlagSudAvailable) != 0;
  const bool profiling = (h->config.flags & arena::kFlagProfile) != 0 && arena::profile_area(h) != nullptr;
  if (profiling) g_state.mode = arena::kModeSud;  // every site, unrewritten, reported by SUD
  hook::init_actions(profiling);
  measure_xstate();

  const uint64_t gate_page = h->config.gate_page != 0 ? h->config.gate_page : arena::kDefaultGatePage;
  if (g_state.mode != arena::kModeSud) {
    if (const long r = map_gate(0, true); r != 0) {
      Text t;
      t.str("interpose: cannot map page 0 (error ").sdec(-r).str(")");
      if (sud_available) {
        t.str(": falling back to --mode sud\n");
        g_state.mode = arena::kModeSud;
      } else {
        t.str(" and SUD is not available: this process runs without interposition\n");
        h->runtimes_degraded.fetch_add(1, std::memory_order_relaxed);
        if (policy) refuse_to_run("no page 0 and no Syscall User Dispatch");
        say(t);
        return;
      }
      say(t);
    }
  }
  if (g_state.mode == arena::kModeSud) {
    if (const long r = map_gate(gate_page, false); r != 0) {
      Text t;
      t.str("interpose: cannot map the gate page at ").hex(gate_page).str(" (error ").sdec(-r);
      t.str("): this process runs without interposition\n");
      h->runtimes_degraded.fetch_add(1, std::memory_order_relaxed);
      if (policy) refuse_to_run("cannot map the gate page");
      say(t);
      return;
    }
  }
  // From here on the runtime's own syscalls come from the gate's internal site,
  // and every other syscall is either dispatched or (before SUD is armed, from a
  // site not yet rewritten) seen by the launcher's boot filter.
  sys::call(INTERPOSE_READY_SYSCALL, INTERPOSE_READY_MAGIC,
            static_cast<long>(hook::gate_address(interpose_internal_syscall_site)), static_cast<long>(hook::g_gate),
            static_cast<long>(hook::g_gate + hook::gate_blob_size()));
  if (sud_available && hook::install_sigsys_handler()) g_state.sud = true;
  hook::ThreadBlock* main_block = hook::claim_block();
  hook::set_thread_block(main_block);
  if (g_state.sud) hook::setup_altstack(main_block);

  ScanTotals scan;
  PatchTotals patch;
  PlanTotals plan;
  const bool planned = g_state.mode == arena::kModeK23 && have_plan();
  survey_modules(g_state.mode == arena::kModeZpoline, planned ? &plan : nullptr, &scan, &patch);
  if (g_state.mode == arena::kModeLazypoline || (g_state.mode == arena::kModeK23 && !planned))
    g_state.lazy_rewrite = lazy_rewrite_site;
  if (planned) g_state.exec_mapping = plan_new_mapping;
  if (profiling) g_state.profile_hit = record_profile_hit;
  if (g_state.sud && !hook::arm_sud()) {
    g_state.sud = false;
    say(Text().str("interpose: Syscall User Dispatch refused: sites left alone are not interposed\n"));
  }
  if (policy && !g_state.sud) refuse_to_run("Syscall User Dispatch is not armed, so unrewritten sites would escape");
  report(scan, patch, plan, planned);
}

}  // namespace

}  // namespace interpose::runtime

// Runs before the program's own constructors (libraries' constructors run first,
// so the runtime sees libc fully set up).
__attribute__((constructor(101))) static void interpose_runtime_init() { interpose::runtime::init(); }
