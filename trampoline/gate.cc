#include "gate.h"

#include "hookpath.h"

extern "C" {
// The runtime's own text, as the linker laid it out: the gates' legitimate callers.
extern const char __ehdr_start[] __attribute__((visibility("hidden")));
extern const char __etext[] __attribute__((visibility("hidden")));
}

namespace interpose::hook {

uintptr_t g_gate = 0;
SyscallFn g_syscall = interpose_boot_syscall;
SyscallFn g_app_syscall = interpose_boot_syscall;

void copy_gate_blob(uint8_t* dest) {
  const size_t n = gate_blob_size();
  for (size_t i = 0; i < n; ++i) dest[i] = static_cast<uint8_t>(interpose_gate_begin[i]);
  auto* table = reinterpret_cast<GateTable*>(dest + (interpose_gate_table - interpose_gate_begin));
  table->dispatch = reinterpret_cast<uint64_t>(&interpose_dispatch);
  table->after = reinterpret_cast<uint64_t>(&interpose_after);
  table->fork_child = reinterpret_cast<uint64_t>(&interpose_fork_child);
  table->clone_child = reinterpret_cast<uint64_t>(&interpose_clone_child);
  table->vfork_child = reinterpret_cast<uint64_t>(&interpose_vfork_child);
  table->text_begin = reinterpret_cast<uint64_t>(__ehdr_start);
  table->text_end = reinterpret_cast<uint64_t>(__etext);
}

void use_gate(uintptr_t address) {
  g_gate = address;
  g_syscall = reinterpret_cast<SyscallFn>(gate_address(reinterpret_cast<const char*>(interpose_gate_syscall)));
  g_app_syscall = reinterpret_cast<SyscallFn>(gate_address(reinterpret_cast<const char*>(interpose_app_syscall)));
}

}  // namespace interpose::hook
