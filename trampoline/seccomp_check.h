// A program's own seccomp filter applies to the runtime's syscalls too (SUD lets
// them through to seccomp).  Before the program installs one, the runtime runs
// it, in a small classic-BPF interpreter, on the syscalls the runtime itself must
// be able to make from its internal gate; a filter that would kill, trap or
// refuse any of them would switch the runtime off (K23 pitfall 2) and is refused.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace interpose::hook {

struct BpfInsn {
  uint16_t code;
  uint8_t jt;
  uint8_t jf;
  uint32_t k;
};

struct SeccompData {
  int32_t nr;
  uint32_t arch;
  uint64_t instruction_pointer;
  uint64_t args[6];
};

// Runs a filter on one input: the SECCOMP_RET_* value, or ~0u if the program is
// malformed (jumps out of range, bad opcode, too long).
uint32_t run_bpf(const BpfInsn* prog, size_t len, const SeccompData& in);

// Whether the filter lets through every syscall the runtime needs, made from
// `internal_ip` (the address after the internal gate's syscall).
bool filter_spares_runtime(const BpfInsn* prog, size_t len, uint64_t internal_ip);

}  // namespace interpose::hook
