// The launcher's own exit statuses.  Anything else is the program's: its exit
// status, or 128+N when signal N killed it (as a shell reports it).
#pragma once

namespace interpose::loader {

enum ExitCode : int {
  kExitUnenforceable = 118,       // a process's runtime could not enforce the policy (abi.h)
  kExitBadPolicy = 119,           // the policy file is missing, not valid, or contradicts itself
  kExitNoSud = 120,               // the mode asked for needs Syscall User Dispatch
  kExitUnsupportedProgram = 121,  // statically linked or not x86-64: cannot be preloaded
  kExitNoPageZero = 122,          // page 0 cannot be mapped here
  kExitRuntimeMissing = 123,      // libinterpose.so not found or not loadable
  kExitTimeout = 124,             // --timeout: the wall clock ran out, the program was killed (as timeout(1))
  kExitUsage = 125,               // bad command line, or interpose itself failed
  kExitCannotExecute = 126,       // the program exists but cannot be executed
  kExitNotFound = 127,            // no such program
};

}  // namespace interpose::loader
