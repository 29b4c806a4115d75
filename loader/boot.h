// Boot coverage: the syscalls a new image makes before its runtime is ready (the
// dynamic loader mapping libraries, libc starting, constructors that run before
// the runtime's) cannot reach dispatch.  The launcher sees them through a seccomp
// filter it installs in the program before exec: every syscall made from outside
// the runtime's gate pages stops in SECCOMP_RET_USER_NOTIF and the launcher
// judges it (counts it; later, applies the policy) and lets it continue.  Once a
// runtime is ready every syscall it lets through comes from its gate, which the
// filter allows at once, so the filter costs nothing after start-up.  The filter
// is inherited: every image the program execs is covered the same way, and an
// image without a runtime (a set-user-ID program, say) has every syscall judged.
//
// Why not ptrace, as the first design said: a ptracer sees every SIGSYS the SUD
// path raises (a stop each), must detach to get out of the way and then misses
// the boot of images exec'd later, and a program can have only one tracer, so
// `strace -f interpose ...` would stop working.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <cstdint>

#include "arena.h"
#include "policy_table.h"

#include <string>
#include <vector>

namespace interpose::loader {

struct BootFilterSpec {
  uint64_t gate_page;  // the runtime's gate page besides page 0
  uint64_t cookie;     // syscalls with this in their 6th argument pass unseen
  bool no_new_privs;   // needed to install a filter without CAP_SYS_ADMIN
  // x86-64 syscall numbers the launcher need not see (indexed by number; the
  // numbers past its end are all seen): see unseen_at_boot.
  std::vector<bool> unseen;
};

// The numbers a policy allows plainly (policy_eval.h: plainly_allowed): at boot
// the launcher would only count them, so they pass the filter unseen unless
// --stats wants every call counted.  Each one that passes saves a round trip to
// the launcher (~25 us of an image's start-up here).
std::vector<bool> unseen_at_boot(const policy_table::Header* policy);

// The filter itself (classic BPF for SECCOMP_SET_MODE_FILTER).
std::vector<sock_filter> boot_filter_program(const BootFilterSpec& spec);

// The part of it that judges a call by where it comes from, appended to `p`:
// the cookie or the runtime's gate pages allow it, anything else stops for the
// launcher (SECCOMP_RET_USER_NOTIF).  Shared with the sandbox's floor, which
// puts it behind its own checks in one program (sandbox.h: floor_program).
namespace bpf {
class Program;
}
void emit_boot_origin_check(bpf::Program& p, const BootFilterSpec& spec);

struct SandboxOptions;

// Child side, after fork and before exec: installs the filter -- with the
// sandbox's seccomp floor in the same program when `floor` is given and the
// two fit in one (*floor_in says whether they did; if not, the caller installs
// the floor on its own) -- and sends the listener fd over `sock`.  Returns
// false (and installs and sends nothing) if seccomp user notification is not
// available; the program then runs without boot coverage.
bool install_boot_filter(const BootFilterSpec& spec, int sock, const SandboxOptions* floor = nullptr,
                         bool* floor_in = nullptr);

// Parent side: the listener the child sent, or -1.
int receive_listener(int sock);

// What the boot server enforces: the same compiled policy the runtimes apply
// (its syscall rules, and its path rules for the calls that name a path), so
// the boot of an image, or an image no runtime could enter, obeys it too.
struct BootPolicy {
  const policy_table::Header* policy = nullptr;  // nullptr: count only
  std::string runtime;  // the runtime library, which the loader must be able to open
  int event_fd = -1;    // --log: a JSON line per refusal
};

// Serves boot notifications, counting them into the arena (and applying the
// policy), until `child` exits; returns its wait status (-1 on error).  If other
// processes still use the filter then, a background process keeps serving them
// until they are gone.
int serve_until_exit(pid_t child, int listener, arena::Header* arena, const BootPolicy& policy = {});

// execve(2) made with the cookie: the launcher's own exec of the program is not
// one of the program's syscalls.
long execve_with_cookie(const char* path, char* const argv[], char* const envp[], uint64_t cookie);

}  // namespace interpose::loader
