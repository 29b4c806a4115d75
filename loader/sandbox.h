// The launcher's sandbox: what it sets up around the program when a policy or
// a sandbox option is given (the earlier seccomp sandbox's feature set): a clean
// environment, resource limits, a working directory with a private empty tmp,
// no core dumps, a session of its own, no new privileges, a wall-clock timeout,
// and the seccomp floor that refuses the policy's never-allowed syscalls in the
// kernel itself.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy.h"

namespace interpose::loader {

struct SandboxOptions {
  bool enabled = false;  // a policy or a sandbox option was given
  bool clean_env = false;
  std::vector<std::string> env_keep{"PATH", "HOME", "LANG"};
  std::vector<std::string> env_set;  // K=V, in order
  std::optional<uint64_t> cpu, mem, fsize, nofile, nproc;
  std::optional<double> timeout;  // seconds
  std::string workdir;            // absolute; empty: stay where we are
  bool private_tmp = false;
  std::string tmpdir;             // the private tmp once made
  std::vector<policy::FloorEntry> floor;
  bool floor_no_processes = false;  // fork, vfork, clone without CLONE_THREAD, clone3
  bool floor_kill_minus_one = false;
};

// Fills in what the command line left to the policy's "resources".
void apply_policy_defaults(const policy::Policy& p, SandboxOptions* o);

// Makes the private tmp (mode 0700, under $TMPDIR or /tmp).  False with *error.
bool make_private_tmp(SandboxOptions* o, std::string* error);

// Removes the private tmp and everything in it.
void remove_private_tmp(const SandboxOptions& o);

// The program's environment before the runtime's variables go in.
std::vector<std::string> sandbox_environment(const SandboxOptions& o, char** environ_in);

// Child side, after fork and before exec: session, limits, cwd, no new
// privileges.  Returns 0 or an errno (and *what says which step).
int enter_sandbox(const SandboxOptions& o, const char** what);

struct BootFilterSpec;

// The seccomp floor as a classic BPF program.  With `boot`, the boot filter's
// judgement follows in the same program (boot.h): every call gets the stricter
// of the two answers, as with two filters, but the kernel runs one program per
// syscall instead of two, and a call both let through by its number alone
// (most calls a policy allows plainly) is answered from the number, which the
// kernel caches.
std::vector<sock_filter> floor_program(const SandboxOptions& o, const BootFilterSpec* boot = nullptr);

// Child side, the last step before exec: the seccomp floor.  `cookie_call`
// makes the seccomp(2) call (with the boot filter's cookie when one is in).
int install_floor(const SandboxOptions& o, long (*seccomp_call)(long op, long flags, void* prog, uint64_t cookie),
                  uint64_t cookie);

}  // namespace interpose::loader
