// The C++ side of the hook path that the runtime sets up.
#pragma once

namespace interpose::hook {

// Fills g_state.actions: which syscall numbers dispatch_special handles (every
// one when `all_special`).
void init_actions(bool all_special = false);

}  // namespace interpose::hook
