// The gate blob (entry.S) and where it runs.
//
// The blob -- entry stub, gates, SIGSYS restorer, a small table -- is copied to
// the gate address: right after the sled in page 0 when the program's sites are
// rewritten, else a page of its own at a fixed address the launcher chose.  SUD's
// allowed range and the launcher's seccomp filter both name that copy, and every
// syscall the runtime makes after start-up goes through it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

namespace interpose::hook {

// The blob's table, filled in the copy.
struct GateTable {
  uint64_t dispatch;
  uint64_t after;
  uint64_t fork_child;
  uint64_t clone_child;
  uint64_t vfork_child;
  uint64_t text_begin;  // the runtime's own text: the only callers the gates accept
  uint64_t text_end;
};

inline size_t gate_blob_size() {
  return static_cast<size_t>(interpose_gate_end - interpose_gate_begin);
}

// Copies the blob to `dest` (writable memory that will be mapped at `address`)
// and fills its table.
void copy_gate_blob(uint8_t* dest);

// Where the blob's copy runs; 0 before install_gate().
extern uintptr_t g_gate;

// The copy's address of a label in the blob.
inline uintptr_t gate_address(const char* label) {
  return g_gate + static_cast<uintptr_t>(label - interpose_gate_begin);
}

// Switches the runtime's syscalls to the copy at `address` (already mapped).
void use_gate(uintptr_t address);

using SyscallFn = long (*)(long, long, long, long, long, long, long);
extern SyscallFn g_syscall;      // the runtime's own calls
extern SyscallFn g_app_syscall;  // calls it makes for the program

}  // namespace interpose::hook
