// Every `syscall` candidate of one loaded ELF module, with its verdict.
//
// Works on a module as the dynamic loader laid it out (dl_iterate_phdr's view):
// the runtime passes the live image; tools pass a file laid out the same way.
#pragma once

#include <link.h>
#include <stddef.h>
#include <stdint.h>

#include "rewriter.h"

namespace interpose::rewriter {

struct ModuleImage {
  uintptr_t bias;           // load bias: segment addresses are bias + p_vaddr
  const ElfW(Phdr) * phdr;
  size_t phnum;
};

// Called for each byte pair 0f 05 in an executable segment that is (or may be) a
// syscall instruction, in address order; `prot` is the PROT_* of its segment.
// Pairs found inside other instructions are not reported.
using CandidateSink = void (*)(void* ctx, uint64_t addr, Verdict verdict, int prot);

void scan_module(const ModuleImage& m, CandidateSink sink, void* ctx);

// The verdict for one address the kernel reported as a syscall (Syscall User
// Dispatch's si_call_addr - 2), as scan_module would give it; `prot` gets the
// protection of its segment.
Verdict judge_address(const ModuleImage& m, uint64_t site, int* prot);

// The first byte pair 0f 05 in [p, end), or nullptr.
const uint8_t* find_syscall_pair(const uint8_t* p, const uint8_t* end);

// Whether addr lies in one of the module's loaded segments.
bool module_contains(const ModuleImage& m, uintptr_t addr);

}  // namespace interpose::rewriter
