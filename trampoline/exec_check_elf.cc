#include <elf.h>

#include "exec_check.h"

namespace interpose::hook {

ExecTarget classify_elf(const unsigned char* head, unsigned long n) {
  if (n < sizeof(Elf64_Ehdr) || head[EI_MAG0] != ELFMAG0 || head[EI_MAG1] != ELFMAG1 || head[EI_MAG2] != ELFMAG2 ||
      head[EI_MAG3] != ELFMAG3)
    return ExecTarget::kUnknown;
  const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(head);
  if (head[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64) return ExecTarget::kForeign;
  if (eh->e_phentsize != sizeof(Elf64_Phdr)) return ExecTarget::kUnknown;
  const unsigned long end = eh->e_phoff + static_cast<unsigned long>(eh->e_phnum) * sizeof(Elf64_Phdr);
  if (eh->e_phoff > n || end > n) return ExecTarget::kUnknown;  // headers beyond what we read
  const auto* ph = reinterpret_cast<const Elf64_Phdr*>(head + eh->e_phoff);
  for (unsigned i = 0; i < eh->e_phnum; ++i)
    if (ph[i].p_type == PT_INTERP) return ExecTarget::kPreloadable;
  return ExecTarget::kStatic;
}

}  // namespace interpose::hook
