// Starting the program with the runtime preloaded, and waiting for it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arena.h"
#include "policy_table.h"
#include "sandbox.h"

namespace interpose::loader {

struct LaunchOptions {
  std::string program;              // resolved path
  std::vector<std::string> argv;    // argv[0] as the user typed it
  std::string runtime;              // absolute path of libinterpose.so
  arena::Config config{};
  int stats_fd = -1;                // where --stats goes, -1 = nowhere
  bool verbose = false;
  bool count_every_call = false;    // --stats: the boot filter shows the launcher every call (boot.h)
  std::vector<uint8_t> plan;        // k23 rewrite plan (plan.h), copied into the arena
  std::vector<uint8_t> policy;      // compiled policy (policy_table.h), copied into the arena
  SandboxOptions sandbox;
  bool landlock = true;             // the path rules are also a Landlock floor (landlock.h)
  int event_fd = -1;                // --log / --trace destination, handed to every runtime
  bool trace = false;               // event_fd takes --trace lines (else --log's JSON)
  // Runs once the program has exited, before --stats is printed.
  std::function<void(arena::Header&)> at_exit;
};

// Runs the program to completion and returns the launcher's exit status: the
// program's status, 128+N if signal N killed it, or an ExitCode when it could not
// be started (after printing one line saying why).
int launch(const LaunchOptions& options);

}  // namespace interpose::loader
