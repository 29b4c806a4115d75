// What the launcher tells a new image, and hiding it from the program.
#pragma once

namespace interpose::runtime {

struct LaunchEnv {
  int arena_fd = -1;  // INTERPOSE_ARENA_FD, or -1 when started without the launcher
  int event_fd = -1;  // its second number: where --log/--trace lines go
};

// Reads INTERPOSE_ARENA_FD and removes it from `environ`, and gives the program
// back its own LD_PRELOAD (the launcher put the runtime in front of it).  The
// runtime puts both back at every exec (trampoline/exec_env.h), so a program that
// prints its environment prints what it would print natively.
LaunchEnv take_launch_env(const char* runtime_path);

}  // namespace interpose::runtime
