#include "modes.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include <cstdio>

#include "abi.h"
#include "exit_codes.h"

namespace interpose::loader {

const char* mode_name(arena::Mode m) {
  switch (m) {
    case arena::kModeZpoline: return "zpoline";
    case arena::kModeLazypoline: return "lazypoline";
    case arena::kModeK23: return "k23";
    case arena::kModeSud: return "sud";
    case arena::kModePtrace: return "ptrace";
  }
  return "?";
}

MachineFacts probe_machine() {
  MachineFacts f;
  void* p = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == nullptr) {
    munmap(p, 4096);
    f.page_zero = true;
  } else {
    const int err = errno;
    if (p != MAP_FAILED) munmap(p, 4096);
    std::string min = "?";
    if (FILE* file = std::fopen("/proc/sys/vm/mmap_min_addr", "r")) {
      char buf[32] = {};
      if (std::fgets(buf, sizeof buf, file) != nullptr) min = std::string(buf, strcspn(buf, "\n"));
      std::fclose(file);
    }
    f.page_zero_why = std::string("page 0 cannot be mapped (") + strerror(err == 0 ? EPERM : err) +
                      "; vm.mmap_min_addr is " + min + " and this process lacks CAP_SYS_RAWIO)";
  }
  // Switching dispatch off for ourselves is a no-op that only a kernel with SUD
  // accepts (Linux >= 5.11 built with it).
  f.sud = prctl(59 /* PR_SET_SYSCALL_USER_DISPATCH */, 0 /* OFF */, 0, 0, 0) == 0;
  return f;
}

ModeChoice choose_mode(const std::string& requested, const MachineFacts& facts, const ProgramCheck& program) {
  ModeChoice c;
  const bool preloadable = program.exit_code == 0;
  auto fail = [&](int code, const std::string& why) {
    c.exit_code = code;
    c.error = why;
    return c;
  };
  if (requested == "ptrace") {
    c.mode = arena::kModePtrace;
    c.reason = "asked for with --mode ptrace: the launcher's tracer sees every syscall (slow)";
    return c;
  }
  if (!preloadable) {
    if (requested != "auto") return fail(program.exit_code, program.error + "; use --mode ptrace");
    if (program.exit_code != kExitUnsupportedProgram) return fail(program.exit_code, program.error);
    c.mode = arena::kModePtrace;
    c.reason = "chosen by --mode auto: " + program.path + " cannot take a preloaded runtime, so the launcher traces it";
    return c;
  }
  if (requested == "auto") {
    if (facts.page_zero && facts.sud) {
      // Rewriting on first use costs ~15 us per site a program actually calls
      // (python3 -c pass: 24); scanning every module at load costs milliseconds
      // per image (python3's 6 MB of text: ~7 ms).  Both end up on the same
      // rewritten path for every hot site.
      c.mode = arena::kModeLazypoline;
      c.reason = "chosen by --mode auto: page 0 can be mapped and SUD works; SUD catches each site and rewrites it "
                 "on its " + std::to_string(INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE) + "th call (no load-time scan)";
    } else if (facts.sud) {
      c.mode = arena::kModeSud;
      c.notice = facts.page_zero_why + ": falling back to --mode sud";
      c.reason = "chosen by --mode auto: " + c.notice;
    } else {
      c.mode = arena::kModePtrace;
      c.notice = "Syscall User Dispatch is not available on this kernel: falling back to --mode ptrace";
      c.reason = "chosen by --mode auto: " + c.notice;
    }
    return c;
  }
  if (!facts.sud && requested != "zpoline")
    return fail(kExitNoSud, "--mode " + requested + " needs Syscall User Dispatch (Linux >= 5.11), which this kernel lacks");
  if (requested == "sud") {
    c.mode = arena::kModeSud;
    c.reason = "asked for with --mode sud: every syscall raises SIGSYS, nothing is rewritten";
    return c;
  }
  if (!facts.page_zero) return fail(kExitNoPageZero, facts.page_zero_why + "; use --mode sud");
  if (requested == "zpoline") {
    c.mode = arena::kModeZpoline;
    c.reason = facts.sud ? "asked for with --mode zpoline: every site found at load is rewritten, SUD catches the rest"
                         : "asked for with --mode zpoline: every site found at load is rewritten; SUD is not "
                           "available, so sites left alone are not interposed";
    return c;
  }
  if (requested == "lazypoline") {
    c.mode = arena::kModeLazypoline;
    c.reason = "asked for with --mode lazypoline: nothing is rewritten at load; SUD catches each site and rewrites it "
               "on its " + std::to_string(INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE) + "th call";
    return c;
  }
  c.mode = arena::kModeK23;
  c.reason = "asked for with --mode k23: without a profile (--profile FILE) it behaves like lazypoline";
  c.notice = "--mode k23 without a profile: behaving like --mode lazypoline";
  return c;
}

}  // namespace interpose::loader
