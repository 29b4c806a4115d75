#include "enforce.h"

#include <asm/unistd_64.h>
#include <linux/errno.h>
#include <linux/sched.h>

#include "dispatch.h"
#include "events.h"
#include "kernel_types.h"
#include "paths.h"
#include "policy_eval.h"
#include "state.h"
#include "sys.h"

namespace interpose::hook {

namespace {

namespace pt = policy_table;

inline uint64_t act(interpose_frame* f, uint64_t action) {
  f->action = action;
  return action;
}

// The runtime answers in the kernel's place (see dispatch.cc's emulate()).
uint64_t emulate(interpose_frame* f, long result) {
  if (announce_emulated()) sys::call(INTERPOSE_EMULATED_SYSCALL, static_cast<long>(f->nr));
  f->result = result;
  return act(f, INTERPOSE_ACTION_RETURN);
}

const char* rule_name(uint32_t rule) { return pt::string_at(g_state.policy, rule); }

void note_denied() {
  if (g_state.arena != nullptr) g_state.arena->denied.fetch_add(1, std::memory_order_relaxed);
}

bool logging() { return __atomic_load_n(&g_state.event_fd, __ATOMIC_RELAXED) >= 0 && !g_state.trace; }

// Refuses the call with errno e, on behalf of `rule` (a string of the policy or
// a fixed description).
uint64_t refuse(interpose_frame* f, long e, const char* rule, const char* path = nullptr) {
  note_denied();
  if (logging()) events::log(f, events::Event{"errno", e, rule, path});
  return emulate(f, -e);
}

// SECCOMP_RET_TRAP's behaviour: the call fails with ENOSYS and the thread gets a
// SIGSYS saying which call it was (si_code SYS_SECCOMP).
uint64_t trap(interpose_frame* f) {
  kernel::Siginfo info{};
  info.signo = kernel::kSigSys;
  info.code = kernel::kSysSeccomp;
  info.call_addr = *reinterpret_cast<const uint64_t*>(f->ret_slot);
  info.syscall = static_cast<int32_t>(f->nr);
  info.arch = 0xc000003e;  // AUDIT_ARCH_X86_64
  sys::call(__NR_rt_tgsigqueueinfo, sys::getpid(), sys::gettid(), kernel::kSigSys, sys::ptr(&info));
  return emulate(f, -ENOSYS);
}

[[noreturn]] void kill_process() {
  sys::call(__NR_kill, sys::getpid(), 9 /* SIGKILL */);
  sys::exit_group(128 + 9);
}

// ---- limits -------------------------------------------------------------------

uint64_t clone_flags(const interpose_frame* f, bool* ok) {
  *ok = true;
  switch (f->nr) {
    case __NR_fork:
    case __NR_vfork:
      return 0;
    case __NR_clone:
      return f->call_args[0];
    case __NR_clone3:
      if (f->call_args[0] < 4096 || f->call_args[1] < CLONE_ARGS_SIZE_VER0) {
        *ok = false;
        return 0;
      }
      return reinterpret_cast<const clone_args*>(f->call_args[0])->flags;
  }
  *ok = false;
  return 0;
}

// 0, or the errno that refuses a new process or thread.
long check_limits(interpose_frame* f) {
  const pt::Header* h = g_state.policy;
  bool ok;
  const uint64_t flags = clone_flags(f, &ok);
  if (!ok) return 0;  // the kernel will refuse it (EFAULT, EINVAL)
  if (flags & CLONE_THREAD) {
    if (h->max_threads < 0) return 0;
    if (__atomic_add_fetch(&g_state.threads, 1, __ATOMIC_RELAXED) > h->max_threads) {
      __atomic_sub_fetch(&g_state.threads, 1, __ATOMIC_RELAXED);
      return EAGAIN;  // what pthread_create reports for "too many threads"
    }
    f->aux[2] = 1;  // counted: the after-hook gives it back if clone fails
    return 0;
  }
  if (h->max_processes < 0) return 0;
  if (h->max_processes == 0) return EPERM;
  auto& n = g_state.arena->processes;
  int32_t cur = n.load(std::memory_order_relaxed);
  do {
    if (cur >= h->max_processes) return EAGAIN;
  } while (!n.compare_exchange_weak(cur, cur + 1, std::memory_order_relaxed));
  return 0;
}

// kill and friends reach only the program's own process group.
long check_signal_target(const interpose_frame* f) {
  const int a0 = static_cast<int>(f->call_args[0]);  // pid_t: the kernel reads 32 bits
  const long own = sys::call(__NR_getpgid, 0);
  int target = a0;
  if (f->nr == __NR_kill) {
    if (a0 == 0) return 0;
    if (a0 == -1) return EPERM;
    if (a0 < 0) return -a0 == own ? 0 : EPERM;
  }
  if (target <= 0) return 0;  // the kernel refuses these itself
  const long g = sys::call(__NR_getpgid, target);
  if (sys::failed(g)) return 0;  // no such process: the kernel says ESRCH
  return g == own ? 0 : EPERM;
}

long check_personality(const interpose_frame* f) {
  const uint32_t want = static_cast<uint32_t>(f->call_args[0]);
  if (want == 0xffffffffu) return 0;
  const long cur = sys::call(__NR_personality, 0xffffffffL);
  return static_cast<uint32_t>(cur) == want ? 0 : EPERM;
}

uint64_t run_paths(interpose_frame* f) {
  const pt::Header* h = g_state.policy;
  if (f->nr == __NR_getdents64 || f->nr == __NR_getdents) {
    const long r = paths::getdents_filtered(h, static_cast<long>(f->nr), static_cast<int>(f->call_args[0]),
                                            reinterpret_cast<void*>(f->call_args[1]),
                                            static_cast<unsigned>(f->call_args[2]));
    return emulate(f, r);
  }
  const paths::PathSyscall* ps = paths::find_path_syscall(static_cast<long>(f->nr));
  if (ps == nullptr) return act(f, INTERPOSE_ACTION_EXECUTE);
  paths::Decision d;
  long result = 0;
  paths::run(f, *ps, h, nullptr, &d, &result);  // exec goes through enforce_exec
  if (d.denied) {
    note_denied();
    if (logging()) events::log(f, events::Event{"errno", -result, d.rule != 0 ? rule_name(d.rule) : "paths.default", d.path});
  }
  return emulate(f, result);
}

}  // namespace

bool policy_needs_special(long nr) {
  const pt::Header* h = g_state.policy;
  if (h == nullptr) return false;
  if (g_state.log_all || g_state.trace) return true;
  if (nr < 0 || static_cast<uint64_t>(nr) >= pt::kSyscalls) return true;
  const pt::Entry& e = pt::entries(h)[nr];
  if (e.flags != 0) return true;
  if (e.rule_count == 0) return h->default_action != pt::kAllow || (h->default_flags & pt::kRuleLog);
  const pt::Rule& r = pt::rules(h)[e.rule_begin];
  return r.cond_count != 0 || r.action != pt::kAllow || (r.flags & pt::kRuleLog);
}

uint16_t policy_plain_errno(long nr) {
  const pt::Header* h = g_state.policy;
  if (h == nullptr || nr < 0 || static_cast<uint64_t>(nr) >= pt::kSyscalls) return 0;
  if (g_state.log_all || g_state.trace || __atomic_load_n(&g_state.event_fd, __ATOMIC_RELAXED) >= 0) return 0;
  const pt::Entry& e = pt::entries(h)[nr];
  if (e.flags != 0) return 0;
  if (e.rule_count == 0)
    return h->default_action == pt::kErrno && !(h->default_flags & pt::kRuleLog) ? h->default_errno : 0;
  const pt::Rule& r = pt::rules(h)[e.rule_begin];
  return r.cond_count == 0 && r.action == pt::kErrno && !(r.flags & pt::kRuleLog) ? r.errno_value : 0;
}

// Shared by enforce_policy and enforce_exec: the syscall rules, then the limits.
// Returns true with *action set when the call is decided here.
static bool judge_rules(interpose_frame* f, uint8_t* entry_flags, bool* log_it, uint64_t* action) {
  const pt::Header* h = g_state.policy;
  const pt::Verdict v = pt::evaluate(h, static_cast<long>(f->nr), f->call_args);
  *entry_flags = v.entry_flags;
  *log_it = (v.flags & pt::kRuleLog) != 0 || g_state.log_all;
  switch (v.action) {
    case pt::kAllow:
      break;
    case pt::kErrno:
      *action = refuse(f, v.errno_value, rule_name(v.rule));
      return true;
    case pt::kTrap:
      note_denied();
      if (logging()) events::log(f, events::Event{"trap", ENOSYS, rule_name(v.rule), nullptr});
      *action = trap(f);
      return true;
    case pt::kKill:
    default:
      note_denied();
      if (logging()) events::log(f, events::Event{"kill", 0, rule_name(v.rule), nullptr});
      kill_process();
  }
  long e = 0;
  const char* why = nullptr;
  if ((v.entry_flags & pt::kEntryProcess) && (e = check_limits(f)) != 0)
    why = (e == EPERM) ? "limits.processes: no new processes" : "limits: the process or thread limit is reached";
  else if ((v.entry_flags & pt::kEntryKill) && (e = check_signal_target(f)) != 0)
    why = "signals reach only the program's own process group";
  else if ((v.entry_flags & pt::kEntryPersonality) && (e = check_personality(f)) != 0)
    why = "personality: only the current persona";
  if (e != 0) {
    *action = refuse(f, e, why);
    return true;
  }
  return false;
}

bool enforce_policy(interpose_frame* f, arena::ThreadBlock*, uint64_t* action) {
  f->aux[2] = 0;
  uint8_t entry_flags;
  bool log_it;
  if (judge_rules(f, &entry_flags, &log_it, action)) return true;
  if (log_it && logging()) events::log(f, events::Event{"allow", 0, "", nullptr});
  if (entry_flags & pt::kEntryPaths) {
    *action = run_paths(f);
    return true;
  }
  if ((f->nr == __NR_wait4 || f->nr == __NR_waitid) && g_state.policy->max_processes > 0) {
    *action = act(f, INTERPOSE_ACTION_EXECUTE | INTERPOSE_ACTION_AFTER);
    return true;
  }
  return false;
}

bool enforce_exec(interpose_frame* f, arena::ThreadBlock* tb, uint64_t* action,
                  long (*run_exec)(interpose_frame*, arena::ThreadBlock*)) {
  uint8_t entry_flags;
  bool log_it;
  if (judge_rules(f, &entry_flags, &log_it, action)) return true;
  if (log_it && logging()) events::log(f, events::Event{"allow", 0, "", nullptr});
  if (!(entry_flags & pt::kEntryPaths)) return false;
  const paths::PathSyscall* ps = paths::find_path_syscall(static_cast<long>(f->nr));
  paths::ExecScratch scratch;
  paths::Decision d;
  long result = 0;
  const paths::Outcome o = paths::run(f, *ps, g_state.policy, &scratch, &d, &result);
  if (o == paths::Outcome::kExec) {
    // The judged path is in scratch, which lives until the exec is made.
    result = run_exec(f, tb);
  } else if (d.denied) {
    note_denied();
    if (logging()) events::log(f, events::Event{"errno", -result, d.rule != 0 ? rule_name(d.rule) : "paths.default", d.path});
  }
  *action = emulate(f, result);
  return true;
}

void policy_after(interpose_frame* f, long result) {
  switch (f->nr) {
    case __NR_clone:
    case __NR_clone3:
      if (result < 0 && f->aux[2] == 1) __atomic_sub_fetch(&g_state.threads, 1, __ATOMIC_RELAXED);
      break;
    case __NR_wait4: {
      // A child reaped (not one that merely stopped or continued).
      if (result <= 0 || (f->call_args[2] & 0x01000000 /* WNOWAIT */)) break;
      const auto* status = reinterpret_cast<const int*>(f->call_args[1]);
      if (status != nullptr && ((*status & 0xff) == 0x7f || *status == 0xffff)) break;
      g_state.arena->processes.fetch_sub(1, std::memory_order_relaxed);
      break;
    }
    case __NR_waitid: {
      if (result != 0 || (f->call_args[3] & 0x01000000) || f->call_args[2] < 4096) break;
      const auto* info = reinterpret_cast<const int32_t*>(f->call_args[2]);
      const int32_t code = info[2], pid = info[4];  // si_code; si_pid in _sigchld
      if (pid != 0 && code >= 1 && code <= 3)       // CLD_EXITED, CLD_KILLED, CLD_DUMPED
        g_state.arena->processes.fetch_sub(1, std::memory_order_relaxed);
      break;
    }
  }
}

}  // namespace interpose::hook
