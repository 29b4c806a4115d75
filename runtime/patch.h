// Rewriting sites in live memory.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "site_list.h"
#include "site_table.h"

namespace interpose::runtime {

struct PatchTotals {
  uint64_t patched = 0;
  uint64_t failed = 0;   // mprotect refused, bytes changed under us, or table full
  uint64_t table_full = 0;
};

// Replaces the 2 bytes `syscall` at addr by `call *%rax` with one atomic
// compare-and-swap (the page must be writable).  False if they were not `syscall`.
bool rewrite_site(uint64_t addr);

// Registers every site in `table` and then rewrites it, one mprotect round trip per
// page.  A site is in the table before its bytes change, so another thread can
// never reach page 0 from a site the table does not know.
void patch_sites(const SiteList& sites, hook::SiteTable* table, PatchTotals* totals);

}  // namespace interpose::runtime
