#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "boot.h"
#include "bpf.h"

namespace interpose::loader {

void apply_policy_defaults(const policy::Policy& p, SandboxOptions* o) {
  const policy::Resources& r = p.resources;
  o->enabled = true;
  if (!o->mem) o->mem = r.mem;
  if (!o->cpu) o->cpu = r.cpu;
  if (!o->fsize) o->fsize = r.fsize;
  if (!o->nofile) o->nofile = r.nofile;
  if (!o->nproc) o->nproc = r.nproc;
  if (!o->timeout && r.timeout) o->timeout = static_cast<double>(*r.timeout);
  if (r.clean_env.value_or(false)) o->clean_env = true;
  if (o->clean_env && !r.env_keep.empty()) o->env_keep = r.env_keep;
  if (r.private_tmp.value_or(false)) o->private_tmp = true;
  o->floor = policy::never_allowed(p);
  o->floor_no_processes = p.max_processes == 0;
  // kill(-1) reaches every process the user may signal: refused in the kernel
  // too when the policy limits signals to the program's own group.
  o->floor_kill_minus_one = p.paths_enabled;
}

bool make_private_tmp(SandboxOptions* o, std::string* error) {
  const char* base = getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr && base[0] == '/' ? base : "/tmp") + "/interpose-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    *error = "cannot make a private tmp in " + tmpl.substr(0, tmpl.rfind('/')) + ": " + strerror(errno);
    return false;
  }
  o->tmpdir = buf.data();
  return true;
}

void remove_private_tmp(const SandboxOptions& o) {
  if (o.tmpdir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(o.tmpdir, ec);
}

std::vector<std::string> sandbox_environment(const SandboxOptions& o, char** environ_in) {
  std::vector<std::string> env;
  auto name_of = [](const std::string& kv) { return kv.substr(0, kv.find('=')); };
  for (char** e = environ_in; e != nullptr && *e != nullptr; ++e) {
    const std::string kv = *e;
    const std::string name = name_of(kv);
    if (o.clean_env) {
      bool keep = false;
      for (const std::string& k : o.env_keep) keep = keep || k == name;
      if (!keep) continue;
    }
    if (!o.tmpdir.empty() && name == "TMPDIR") continue;
    env.push_back(kv);
  }
  if (!o.tmpdir.empty()) env.push_back("TMPDIR=" + o.tmpdir);
  for (const std::string& kv : o.env_set) {
    const std::string name = name_of(kv);
    std::erase_if(env, [&](const std::string& x) { return name_of(x) == name; });
    env.push_back(kv);
  }
  return env;
}

namespace {

int set_limit(int resource, uint64_t soft, uint64_t hard) {
  rlimit rl{static_cast<rlim_t>(soft), static_cast<rlim_t>(hard)};
  rlimit cur{};
  if (getrlimit(resource, &cur) == 0 && cur.rlim_max != RLIM_INFINITY) {
    // Never above what we have: lowering is all an unprivileged launcher may do.
    if (rl.rlim_max > cur.rlim_max) rl.rlim_max = cur.rlim_max;
    if (rl.rlim_cur > rl.rlim_max) rl.rlim_cur = rl.rlim_max;
  }
  return setrlimit(resource, &rl) == 0 ? 0 : errno;
}

}  // namespace

int enter_sandbox(const SandboxOptions& o, const char** what) {
  if (!o.enabled) return 0;
  // A session and process group of its own: the program's kill(0, ...) and the
  // timeout's kill of the group reach the program and nothing of the user's.
  *what = "setsid";
  if (setsid() < 0) return errno;
  struct {
    int resource;
    const std::optional<uint64_t>* value;
    const char* name;
    uint64_t extra_hard;
  } const limits[] = {
      {RLIMIT_AS, &o.mem, "--mem (RLIMIT_AS)", 0},
      // SIGXCPU at the soft limit, SIGKILL a second later if it is ignored.
      {RLIMIT_CPU, &o.cpu, "--cpu (RLIMIT_CPU)", 1},
      {RLIMIT_FSIZE, &o.fsize, "--fsize (RLIMIT_FSIZE)", 0},
      {RLIMIT_NOFILE, &o.nofile, "--nofile (RLIMIT_NOFILE)", 0},
      {RLIMIT_NPROC, &o.nproc, "--nproc (RLIMIT_NPROC)", 0},
  };
  for (const auto& l : limits) {
    if (!l.value->has_value()) continue;
    *what = l.name;
    if (int e = set_limit(l.resource, **l.value, **l.value + l.extra_hard); e != 0) return e;
  }
  *what = "RLIMIT_CORE";
  if (int e = set_limit(RLIMIT_CORE, 0, 0); e != 0) return e;
  if (!o.workdir.empty()) {
    *what = "--workdir";
    if (chdir(o.workdir.c_str()) != 0) return errno;
  }
  *what = "PR_SET_NO_NEW_PRIVS";
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  return 0;
}

namespace {

// What the floor answers for one syscall number.
struct FloorAction {
  enum Kind : uint8_t { kAllow, kErrno, kKill, kCloneThreadsOnly, kNoKillMinusOne } kind = kAllow;
  int errno_value = 0;
  bool operator==(const FloorAction& o) const { return kind == o.kind && errno_value == o.errno_value; }
};

// What one range of numbers gets: the floor's answer and, in a program that
// carries the boot filter too, whether the launcher needs to see such a call.
struct Leaf {
  FloorAction floor;
  bool unseen = true;  // only a program with the boot filter has calls to be seen
  bool operator==(const Leaf& o) const { return floor == o.floor && unseen == o.unseen; }
};

class Emitter : public bpf::Program {
 public:
  std::vector<size_t> to_origin;  // jumps to the boot filter's origin check

  void ret_errno(int e) { stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (static_cast<uint32_t>(e) & SECCOMP_RET_DATA)); }

  // A call the floor lets through: allowed, or judged by its origin.
  void pass(bool unseen) {
    if (unseen) stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    else to_origin.push_back(jump_later());
  }

  void leaf(const Leaf& l) {
    constexpr uint32_t kArg0Lo = 16;
    const FloorAction& a = l.floor;
    switch (a.kind) {
      case FloorAction::kAllow: pass(l.unseen); break;
      case FloorAction::kErrno: ret_errno(a.errno_value); break;
      case FloorAction::kKill: stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS); break;
      case FloorAction::kCloneThreadsOnly:
        stmt(BPF_LD | BPF_W | BPF_ABS, kArg0Lo);
        jump(BPF_JMP | BPF_JSET | BPF_K, 0x00010000 /* CLONE_THREAD */, 1, 0);
        ret_errno(EPERM);
        pass(l.unseen);
        break;
      case FloorAction::kNoKillMinusOne:
        // pid_t is 32 bits: however the 64-bit argument is written, -1 is
        // 0xffffffff in its low half.
        stmt(BPF_LD | BPF_W | BPF_ABS, kArg0Lo);
        jump(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffu, 0, 1);
        ret_errno(EPERM);
        pass(l.unseen);
        break;
    }
  }
};

}  // namespace

std::vector<sock_filter> floor_program(const SandboxOptions& o, const BootFilterSpec* boot) {
  constexpr uint32_t kNr = 0, kArch = 4, kLimit = 1024;  // numbers past the table are allowed: the kernel has none
  std::vector<Leaf> by_nr(kLimit);
  for (const policy::FloorEntry& e : o.floor)
    if (e.nr >= 0 && e.nr < static_cast<long>(kLimit))
      by_nr[static_cast<size_t>(e.nr)].floor =
          e.errno_value < 0 ? FloorAction{FloorAction::kKill, 0} : FloorAction{FloorAction::kErrno, e.errno_value};
  if (o.floor_no_processes) {
    by_nr[SYS_fork].floor = by_nr[SYS_vfork].floor = FloorAction{FloorAction::kErrno, EPERM};
    // clone3's flags are behind a pointer, which a filter cannot read: ENOSYS
    // makes libc fall back to clone, whose flags it can.
    by_nr[SYS_clone3].floor = FloorAction{FloorAction::kErrno, ENOSYS};
    by_nr[SYS_clone].floor = FloorAction{FloorAction::kCloneThreadsOnly, 0};
  }
  if (o.floor_kill_minus_one && by_nr[SYS_kill].floor.kind == FloorAction::kAllow)
    by_nr[SYS_kill].floor = FloorAction{FloorAction::kNoKillMinusOne, 0};
  if (boot != nullptr)
    for (uint32_t nr = 0; nr < kLimit; ++nr) by_nr[nr].unseen = nr < boot->unseen.size() && boot->unseen[nr];
  const auto ranges = bpf::ranges_of(by_nr);
  Emitter e;
  // Only x86-64 calls: an int 0x80 (i386) call would name other syscalls by the
  // same numbers; the x32 ABI's numbers have bit 30 set.
  e.stmt(BPF_LD | BPF_W | BPF_ABS, kArch);
  e.jump(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
  e.stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
  e.stmt(BPF_LD | BPF_W | BPF_ABS, kNr);
  e.jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1);
  e.ret_errno(ENOSYS);
  e.tree(ranges, 0, ranges.size(), [&e](const Leaf& l) { e.leaf(l); });
  if (boot != nullptr) {
    for (size_t ja : e.to_origin) e.land_here(ja);
    emit_boot_origin_check(e, *boot);
  }
  return e.prog;
}

int install_floor(const SandboxOptions& o, long (*seccomp_call)(long, long, void*, uint64_t), uint64_t cookie) {
  if (!o.enabled) return 0;
  std::vector<sock_filter> f = floor_program(o);
  if (f.size() > BPF_MAXINSNS) return E2BIG;
  sock_fprog prog{static_cast<unsigned short>(f.size()), f.data()};
  const long r = seccomp_call(SECCOMP_SET_MODE_FILTER, 0, &prog, cookie);
  return r == 0 ? 0 : errno;
}

}  // namespace interpose::loader
