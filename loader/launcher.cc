#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "boot.h"
#include "landlock.h"
#include "exec_env.h"
#include "exit_codes.h"
#include "stats.h"
#include "tracer.h"

extern char** environ;

namespace interpose::loader {

namespace {

pid_t g_child = -1;
bool g_own_session = false;          // the program runs in a session of its own (sandbox)
volatile sig_atomic_t g_timed_out = 0;

// Signals sent to the launcher go to the program.  Those a terminal generates
// (si_code SI_KERNEL) already reached it when it shares our process group, so
// forwarding them would deliver them twice; a sandboxed program has a session of
// its own and gets them only from us.
void forward_signal(int sig, siginfo_t* info, void*) {
  if (g_child > 0 && (g_own_session || info == nullptr || info->si_code <= 0)) kill(g_child, sig);
}

// --timeout: the whole process group goes.
void on_timeout(int) {
  if (g_child <= 0) return;
  g_timed_out = 1;
  kill(-g_child, SIGKILL);
  kill(g_child, SIGKILL);
}

void install_forwarding(bool timeout) {
  struct sigaction sa {};
  sa.sa_sigaction = forward_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGWINCH, SIGCONT})
    if (!(timeout && sig == SIGALRM)) sigaction(sig, &sa, nullptr);
  if (timeout) {
    struct sigaction ta {};
    ta.sa_handler = on_timeout;
    ta.sa_flags = SA_RESTART;
    sigemptyset(&ta.sa_mask);
    sigaction(SIGALRM, &ta, nullptr);
  }
}

struct Arena {
  int fd = -1;
  arena::Header* header = nullptr;
  size_t size = 0;
};

bool create_arena(const arena::Config& config, const std::vector<uint8_t>& plan, const std::vector<uint8_t>& policy,
                  Arena* out, std::string* error) {
  const uint32_t capacity = arena::kDefaultBlockCapacity;
  out->size = arena::total_size(capacity, (config.flags & arena::kFlagProfile) != 0, plan.size(), policy.size());
  out->fd = memfd_create("interpose-arena", MFD_CLOEXEC);
  if (out->fd < 0 || ftruncate(out->fd, static_cast<off_t>(out->size)) != 0) {
    *error = std::string("cannot create the shared arena: ") + strerror(errno);
    return false;
  }
  void* m = mmap(nullptr, out->size, PROT_READ | PROT_WRITE, MAP_SHARED, out->fd, 0);
  if (m == MAP_FAILED) {
    *error = std::string("cannot map the shared arena: ") + strerror(errno);
    return false;
  }
  out->header = static_cast<arena::Header*>(m);
  arena::format(out->header, capacity, config, plan.size(), policy.size());
  if (!plan.empty()) std::memcpy(reinterpret_cast<char*>(m) + out->header->plan_offset, plan.data(), plan.size());
  if (!policy.empty())
    std::memcpy(reinterpret_cast<char*>(m) + out->header->policy_offset, policy.data(), policy.size());
  return true;
}

// The fd number the arena gets in the program: as high as the fd limit allows,
// out of the way of the numbers programs pick themselves.
int arena_fd_number() {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= 64)
    return static_cast<int>(std::min<rlim_t>(rl.rlim_cur, 1 << 20) - 1);
  return 63;
}

// The program's environment with the runtime preloaded, built by the same rules
// the runtime applies at every exec (trampoline/exec_env.h).
std::vector<std::string> child_environment(const LaunchOptions& o, const std::vector<std::string>& base, int arena_fd,
                                           int event_fd) {
  std::vector<const char*> in;
  for (const std::string& e : base) in.push_back(e.c_str());
  in.push_back(nullptr);
  std::vector<const char*> out(in.size() + 3);
  size_t bytes = 0;
  for (const char* e : in) bytes += e != nullptr ? strlen(e) : 0;
  std::vector<char> buf(bytes + 2 * o.runtime.size() + 128);
  std::vector<std::string> env;
  if (!hook::build_exec_env(in.data(), o.runtime.c_str(), arena_fd, event_fd, out.data(), out.size(), buf.data(),
                            buf.size()))
    return env;
  for (const char** e = out.data(); *e != nullptr; ++e) env.emplace_back(*e);
  return env;
}

// What the child tells the launcher when it cannot exec: an errno and, when a
// sandbox step failed rather than the exec, which step.
struct ExecReport {
  int err;
  char what[60];
};

long seccomp_with_cookie(long op, long flags, void* prog, uint64_t cookie) {
  return syscall(SYS_seccomp, op, flags, prog, 0L, 0L, static_cast<long>(cookie));
}

// Sets up the program's process (sandbox, arena, environment) and execs it; on
// failure returns what went wrong.  In a forked child (then, once the boot
// filter is in, only syscalls carrying *cookie, which it sets), or in the
// launcher itself (exec in place: no boot filter, `cookie_out` may be nullptr).
ExecReport exec_program(const LaunchOptions& o, const Arena& a, int boot_sock, const BootFilterSpec& boot,
                        uint64_t* cookie_out = nullptr) {
  ExecReport report{};
  int& err = report.err;
  const char* what = "";
  std::vector<std::string> env, base;
  if (o.sandbox.enabled) {
    base = sandbox_environment(o.sandbox, environ);
    // Nothing of the launcher's open files but stdin, stdout, stderr.
    syscall(SYS_close_range, 3, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */);
    err = enter_sandbox(o.sandbox, &what);
  } else {
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) base.emplace_back(*e);
  }
  if (err != 0) {
  } else if (o.config.mode == arena::kModePtrace) {
    // No runtime: the launcher's tracer sees everything.
    env = base;
    become_tracee();
  } else {
    const int target = arena_fd_number();
    const int fd = dup2(a.fd, target) == target ? target : fcntl(a.fd, F_DUPFD, 10);
    int event_fd = -1;
    if (fd >= 0 && o.event_fd >= 0) {
      event_fd = dup2(o.event_fd, fd - 1) == fd - 1 ? fd - 1 : fcntl(o.event_fd, F_DUPFD, 10);
      if (event_fd < 0) err = errno;
    }
    if (fd < 0) err = errno;
    else env = child_environment(o, base, fd, event_fd);
    if (err != 0) what = "handing the arena to the program";
  }
  if (err == 0 && !o.policy.empty() && o.landlock) {
    const auto* h = reinterpret_cast<const policy_table::Header*>(o.policy.data());
    if (h->flags & policy_table::kPathsEnabled) {
      const LandlockResult l = apply_landlock(h, o.runtime);
      if (l.error != 0) {
        err = l.error;
        what = "applying the path rules with Landlock";
      }
    }
  }
  std::vector<char*> envp, argv;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = o.argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  // Everything above allocates; below, after the filter, only cookie syscalls.
  // The floor goes into the boot filter's program when there is one (one filter
  // run per syscall instead of two); alone otherwise.
  const SandboxOptions* floor = o.sandbox.enabled ? &o.sandbox : nullptr;
  bool floor_in = false;
  const bool filtered = err == 0 && boot_sock >= 0 && install_boot_filter(boot, boot_sock, floor, &floor_in);
  const uint64_t cookie = filtered ? boot.cookie : 0;
  if (err == 0 && o.sandbox.enabled && !floor_in) {
    err = install_floor(o.sandbox, seccomp_with_cookie, cookie);
    if (err != 0) what = "installing the seccomp floor";
  }
  if (err == 0) {
    const long r = execve_with_cookie(o.program.c_str(), argv.data(), envp.data(), cookie);
    err = static_cast<int>(-r == 0 ? EINVAL : (r < 0 ? errno : EINVAL));
  }
  for (size_t i = 0; what[i] != '\0' && i + 1 < sizeof report.what; ++i) report.what[i] = what[i];
  if (cookie_out != nullptr) *cookie_out = cookie;
  return report;
}

[[noreturn]] void exec_child(const LaunchOptions& o, const Arena& a, int report_fd, int boot_sock,
                             const BootFilterSpec& boot) {
  uint64_t cookie = 0;
  const ExecReport report = exec_program(o, a, boot_sock, boot, &cookie);
  syscall(SYS_write, report_fd, &report, sizeof report, 0L, 0L, static_cast<long>(cookie));
  syscall(SYS_exit_group, kExitCannotExecute, 0L, 0L, 0L, 0L, static_cast<long>(cookie));
  _exit(kExitCannotExecute);
}

// The launcher's status for a program that could not be started.
int report_failure(const LaunchOptions& o, ExecReport rep) {
  rep.what[sizeof rep.what - 1] = '\0';
  if (rep.what[0] != '\0') {
    std::fprintf(stderr, "interpose: cannot set up the sandbox: %s: %s\n", rep.what, strerror(rep.err));
    return kExitUsage;
  }
  std::fprintf(stderr, "interpose: %s: %s\n", o.program.c_str(), strerror(rep.err));
  return rep.err == ENOENT ? kExitNotFound : kExitCannotExecute;
}

int exit_status_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kExitUsage;
}

}  // namespace

int launch(const LaunchOptions& o) {
  Arena a;
  std::string error;
  if (!create_arena(o.config, o.plan, o.policy, &a, &error)) {
    std::fprintf(stderr, "interpose: %s\n", error.c_str());
    return kExitUsage;
  }
  // The boot filter is there to judge calls by the policy and to count them: with
  // neither to do it would only cost every image ~2 ms of round trips.
  const auto* policy = o.policy.empty() ? nullptr : reinterpret_cast<const policy_table::Header*>(o.policy.data());
  const bool boot_filter = o.config.mode != arena::kModePtrace && (o.count_every_call || policy != nullptr);
  BootFilterSpec boot{o.config.gate_page, 0, geteuid() != 0,
                      o.count_every_call ? std::vector<bool>() : unseen_at_boot(policy)};
  // With no boot calls to serve, no sandbox to watch or clean up, and nothing to
  // report at the end, a launcher process waiting for the program has nothing to
  // do: become the program, as env(1) and nice(1) do.  That spares a fork and
  // the wake-ups of a waiting parent (~2 ms per run here); the runtimes still
  // share the arena, which the program's fd keeps alive.
  if (o.config.mode != arena::kModePtrace && !boot_filter && !o.sandbox.enabled && o.stats_fd < 0 && !o.at_exit &&
      !o.verbose) {
    std::fflush(nullptr);
    return report_failure(o, exec_program(o, a, -1, boot));
  }
  int report[2], boot_sock[2] = {-1, -1};
  if (pipe2(report, O_CLOEXEC) != 0) {
    std::fprintf(stderr, "interpose: pipe: %s\n", strerror(errno));
    return kExitUsage;
  }
  if (boot_filter && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, boot_sock) != 0) boot_sock[0] = boot_sock[1] = -1;
  if (getrandom(&boot.cookie, sizeof boot.cookie, 0) != sizeof boot.cookie) boot.cookie = 0x5eed5eed5eed5eedULL ^ getpid();
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    std::fprintf(stderr, "interpose: fork: %s\n", strerror(errno));
    return kExitUsage;
  }
  if (pid == 0) {
    close(report[0]);
    if (boot_sock[0] >= 0) close(boot_sock[0]);
    exec_child(o, a, report[1], boot_sock[1], boot);
  }
  g_child = pid;
  g_own_session = o.sandbox.enabled;
  install_forwarding(o.sandbox.timeout.has_value());
  if (o.sandbox.timeout) {
    itimerval t{};
    const double secs = *o.sandbox.timeout;
    t.it_value.tv_sec = static_cast<time_t>(secs);
    t.it_value.tv_usec = static_cast<suseconds_t>((secs - static_cast<double>(t.it_value.tv_sec)) * 1e6);
    if (t.it_value.tv_sec == 0 && t.it_value.tv_usec == 0) t.it_value.tv_usec = 1;
    setitimer(ITIMER_REAL, &t, nullptr);
  }
  close(report[1]);
  int listener = -1;
  if (boot_sock[0] >= 0) {
    close(boot_sock[1]);
    listener = receive_listener(boot_sock[0]);
    close(boot_sock[0]);
  }
  if (o.verbose && o.config.mode != arena::kModePtrace)
    std::fprintf(stderr, "interpose: boot coverage: %s\n",
                 !boot_filter ? "none needed (no policy to apply and no --stats to count before a runtime is ready)"
                 : listener < 0
                     ? "unavailable (seccomp user notification refused): syscalls before a runtime is ready are not seen"
                 : o.count_every_call
                     ? "a seccomp filter shows the launcher every syscall made before a runtime is ready"
                     : "a seccomp filter shows the launcher every syscall made before a runtime is ready that the "
                       "policy does not allow plainly");

  int status = 0;
  if (o.config.mode == arena::kModePtrace) {
    status = trace_until_exit(pid, a.header);
    if (status == -1) return kExitUsage;
  } else if (listener >= 0) {
    BootPolicy bp;
    if (!o.policy.empty()) {
      bp.policy = reinterpret_cast<const policy_table::Header*>(o.policy.data());
      bp.runtime = o.runtime;
      bp.event_fd = o.trace ? -1 : o.event_fd;
    }
    status = serve_until_exit(pid, listener, a.header, bp);
    if (status == -1) return kExitUsage;
  } else {
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) {
        std::fprintf(stderr, "interpose: waitpid: %s\n", strerror(errno));
        return kExitUsage;
      }
    }
  }
  if (o.sandbox.timeout) {
    itimerval off{};
    setitimer(ITIMER_REAL, &off, nullptr);
  }
  ExecReport rep{};
  ssize_t got;
  do got = read(report[0], &rep, sizeof rep);
  while (got < 0 && errno == EINTR);
  close(report[0]);
  if (got == static_cast<ssize_t>(sizeof rep)) return report_failure(o, rep);
  if (g_timed_out) {
    std::fprintf(stderr, "interpose: timeout: %s ran longer than %g s; its process group was killed\n",
                 o.program.c_str(), *o.sandbox.timeout);
    if (o.at_exit) o.at_exit(*a.header);
    return kExitTimeout;
  }

  if (o.at_exit) o.at_exit(*a.header);
  const StatsSummary summary = summarize(*a.header);
  if (o.verbose && summary.runtimes == 0 && o.config.mode != arena::kModePtrace)
    std::fprintf(stderr,
                 "interpose: the runtime never started in %s (set-user-ID programs ignore LD_PRELOAD): "
                 "nothing was interposed\n",
                 o.program.c_str());
  if (o.verbose && o.stats_fd != STDERR_FILENO && o.config.mode != arena::kModePtrace)
    std::fputs(format_rewrite_summary(summary).c_str(), stderr);
  if (o.stats_fd >= 0) {
    const std::string text = format_stats(summary);
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t w = write(o.stats_fd, text.data() + done, text.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      done += static_cast<size_t>(w);
    }
  }
  return exit_status_of(status);
}

}  // namespace interpose::loader
