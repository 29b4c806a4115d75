// Applying the compiled policy (policy_table.h) to a call on its way through
// dispatch_special: the syscall rules, the process and thread limits, the
// signal and personality limits, and the path rules (paths.h).
#pragma once

#include <stdint.h>

#include "abi.h"
#include "arena.h"

namespace interpose::hook {

// Which numbers need dispatch_special under the policy: every number whose
// first matching rule is not an unconditional, unlogged allow, or that has
// limits or paths to check.
bool policy_needs_special(long nr);

// The errno the policy answers `nr` with whatever its arguments and with
// nothing else to do (no log, no limits, no paths), or 0: dispatch's fast path
// answers these itself (arena::kActionAnswer).
uint16_t policy_plain_errno(long nr);

// True when the policy decided the call: *action is what the stub does (the
// call refused, or run by the runtime in the program's place).  False: the
// call goes on to dispatch_special's usual handling.
bool enforce_policy(interpose_frame* f, arena::ThreadBlock* tb, uint64_t* action);

// execve/execveat under a policy: the path is judged, then the exec runs with
// the judged path.  Returns the action (refused) or 0 to let do_exec run it.
bool enforce_exec(interpose_frame* f, arena::ThreadBlock* tb, uint64_t* action,
                  long (*run_exec)(interpose_frame*, arena::ThreadBlock*));

// After-hook parts: a thread that was not created, a child reaped.
void policy_after(interpose_frame* f, long result);

}  // namespace interpose::hook
