// Which mechanism catches the program's syscalls, and why.
#pragma once

#include <string>

#include "arena.h"
#include "program.h"

namespace interpose::loader {

struct MachineFacts {
  bool page_zero = false;   // this process (hence the child) may map page 0
  std::string page_zero_why;  // why not, when it may not
  bool sud = false;         // Syscall User Dispatch works here
};

MachineFacts probe_machine();

struct ModeChoice {
  arena::Mode mode = arena::kModeZpoline;
  std::string reason;        // for --verbose
  std::string notice;        // one line printed even without --verbose (a fallback)
  int exit_code = 0;         // nonzero: the requested mode cannot run here
  std::string error;
};

// `requested`: auto, zpoline, lazypoline, k23, sud, ptrace.
ModeChoice choose_mode(const std::string& requested, const MachineFacts& facts, const ProgramCheck& program);

const char* mode_name(arena::Mode m);

}  // namespace interpose::loader
