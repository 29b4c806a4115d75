// The C++ side of the hook path that the runtime sets up.
#pragma once

namespace interpose::hook {

// Fills g_state.actions: which syscall numbers dispatch_special handles (every
// one when `all_special`).
void init_actions(bool all_special = false);

// Whether to announce a call the runtime answers itself: whether a tracer is
// attached, read from /proc/self/status the first time it matters rather than
// at every image's start (most never answer a call; the read costs ~50 us here).
bool announce_emulated();

}  // namespace interpose::hook
