// The C++ side of the hook path that the runtime sets up.
#pragma once

namespace interpose::hook {

// Fills g_state.actions: which syscall numbers dispatch_special handles.
void init_actions();

}  // namespace interpose::hook
