// --mode k23 with a profile: rewrite exactly the profiled sites of each module
// whose build-id the plan names, at load and when a library is mapped later.
// Every site is re-verified first (decoded from its function's start, red zone,
// cache line), so a profile can never make the runtime rewrite a byte that is not
// a rewritable syscall instruction.
#pragma once

#include <stdint.h>

#include "module_scan.h"
#include "site_list.h"

namespace interpose::runtime {

struct PlanTotals {
  uint64_t modules_matched = 0;
  uint64_t sites_planned = 0;  // in matched modules
  uint64_t sites_refused = 0;  // failed re-verification
};

// Whether the arena holds a plan the runtime can use.
bool have_plan();

// Adds the planned sites of module `m` (if the plan names its build-id) to `out`.
void plan_sites(const rewriter::ModuleImage& m, SiteList* out, PlanTotals* totals);

// A file was mapped executable after start-up (dlopen): rewrite its planned
// sites.  Called after the mmap in the program's thread.
void plan_new_mapping(uint64_t addr);

}  // namespace interpose::runtime
