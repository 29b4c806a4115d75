// Lazy rewriting (modes lazypoline and k23): a site is rewritten when Syscall
// User Dispatch catches it for the INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE-th time.  The kernel reports the exact address of a
// syscall it just saw, so there is no guessing which bytes are instructions; the
// site still has to pass the red-zone and cache-line rules, which need its
// function, found through the unwind info of its module.
#pragma once

#include <stdint.h>

#include "module_scan.h"

namespace interpose::runtime {

// Modules known at start-up (later ones are found in /proc/self/maps).
void register_module(const rewriter::ModuleImage& m);

// Runs in the SIGSYS handler (signal context: raw syscalls only, no locks; a
// second thread arriving while one patches just leaves its site to SUD).
void lazy_rewrite_site(uint64_t site);

struct LazyTotals {
  uint64_t rewritten;
  uint64_t refused;  // not rewritable (red zone, cache line, no unwind info)
  uint64_t busy;     // another thread was patching: try again next time
};
LazyTotals lazy_totals();

}  // namespace interpose::runtime
