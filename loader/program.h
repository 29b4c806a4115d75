// Finding and checking the program to run, before anything is started.
#pragma once

#include <string>

namespace interpose::loader {

struct ProgramCheck {
  std::string path;          // resolved path to exec
  int exit_code = 0;         // 0 = fine, else an ExitCode
  std::string error;         // one line, when exit_code != 0
  bool setuid = false;       // the loader ignores LD_PRELOAD for it
  bool script = false;       // starts with #!
};

// Resolves `name` like execvp (PATH search when it has no '/'), and checks that it
// is an executable file the runtime can be preloaded into.
ProgramCheck check_program(const std::string& name);

}  // namespace interpose::loader

namespace interpose::loader {

// A pyenv shim (…/shims/python3) is a bash script that runs pyenv, which runs
// more processes before it execs the real interpreter: under a policy that
// refuses new processes it cannot work.  This asks pyenv, outside the sandbox
// and in `workdir` (for .python-version), which interpreter the shim would run.
// Empty if `path` is no pyenv shim or pyenv cannot say.
std::string resolve_pyenv_shim(const std::string& path, const std::string& workdir);

}  // namespace interpose::loader
