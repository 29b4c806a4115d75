#include "boot.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/uio.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "bpf.h"
#include "path_syscalls.h"
#include "path_text.h"
#include "policy_eval.h"
#include "sandbox.h"
#include "seccomp_compat.h"
#include "syscall_names.h"

namespace interpose::loader {

namespace {

// seccomp_data offsets.
constexpr uint32_t kNr = 0, kArch = 4, kIpLo = 8, kIpHi = 12, kArg5Lo = 16 + 5 * 8, kArg5Hi = kArg5Lo + 4;

long cookie_call(long nr, long a1, long a2, long a3, uint64_t cookie) {
  return syscall(nr, a1, a2, a3, 0L, 0L, static_cast<long>(cookie));
}

}  // namespace

void emit_boot_origin_check(bpf::Program& p, const BootFilterSpec& s) {
  const uint32_t gate_lo = static_cast<uint32_t>(s.gate_page), gate_hi = static_cast<uint32_t>(s.gate_page >> 32);
  const std::vector<sock_filter> check = {
      /*  0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kArg5Lo),
      /*  1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(s.cookie), 0, 2),  // -> 4
      /*  2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kArg5Hi),
      /*  3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(s.cookie >> 32), 9, 0),  // -> 13 allow
      /*  4 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kIpHi),
      /*  5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3),                            // -> 9 high page
      /*  6 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kIpLo),
      /*  7 */ BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, arena::kGateInPageZero, 0, 6),       // -> 14 notify
      /*  8 */ BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, INTERPOSE_PAGE_ZERO_SIZE, 5, 4),     // -> 14 / 13
      /*  9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, gate_hi, 0, 4),                      // -> 14 notify
      /* 10 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kIpLo),
      /* 11 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, gate_lo, 0, 2),                      // -> 14 notify
      /* 12 */ BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, gate_lo + INTERPOSE_PAGE_ZERO_SIZE, 1, 0),  // -> 14 / 13
      /* 13 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      /* 14 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
  };
  p.prog.insert(p.prog.end(), check.begin(), check.end());
}

// Lets through: x86-64 calls whose numbers the launcher has no need to see
// (spec.unseen), decided from the number alone first so that the kernel can
// cache the answer for them; then syscalls made with the cookie (the
// launcher's own, between installing the filter and exec) and syscalls from the
// runtime's gate pages.  Everything else -- the boot of an image, or an image
// without a runtime -- is the launcher's to judge.
std::vector<sock_filter> boot_filter_program(const BootFilterSpec& s) {
  bpf::Program p;
  p.stmt(BPF_LD | BPF_W | BPF_ABS, kArch);
  p.jump(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
  p.stmt(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);  // i386 or x32 ABI: not the runtime's
  std::vector<size_t> to_origin;
  if (std::find(s.unseen.begin(), s.unseen.end(), true) != s.unseen.end()) {
    p.stmt(BPF_LD | BPF_W | BPF_ABS, kNr);
    // Numbers past the table (and x32's, with bit 30) are judged by origin.
    p.jump(BPF_JMP | BPF_JGE | BPF_K, static_cast<uint32_t>(s.unseen.size()), 0, 1);
    to_origin.push_back(p.jump_later());
    const auto ranges = bpf::ranges_of(s.unseen);
    p.tree(ranges, 0, ranges.size(), [&](bool unseen) {
      if (unseen) p.stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
      else to_origin.push_back(p.jump_later());
    });
  }
  for (size_t ja : to_origin) p.land_here(ja);
  emit_boot_origin_check(p, s);
  return p.prog;
}

std::vector<bool> unseen_at_boot(const policy_table::Header* policy) {
  std::vector<bool> unseen(policy_table::kSyscalls, false);
  if (policy == nullptr) return unseen;
  for (uint32_t nr = 0; nr < policy_table::kSyscalls; ++nr) unseen[nr] = policy_table::plainly_allowed(policy, nr);
  return unseen;
}

namespace {

void count(arena::Header* a, const seccomp_notif& n) {
  const long nr = n.data.arch == AUDIT_ARCH_X86_64 ? n.data.nr : -1;
  if (nr >= 0 && static_cast<size_t>(nr) < arena::kCountedSyscalls)
    a->retired[nr].fetch_add(1, std::memory_order_relaxed);
  else
    a->retired_other.fetch_add(1, std::memory_order_relaxed);
  a->retired_paths[arena::kPathBoot].fetch_add(1, std::memory_order_relaxed);
}

// The program's string at addr in process pid (nullopt if unreadable).
std::optional<std::string> read_string(pid_t pid, uint64_t addr) {
  if (addr < 4096) return std::nullopt;
  std::string out;
  char buf[256];
  while (out.size() < 4096) {
    iovec local{buf, sizeof buf}, remote{reinterpret_cast<void*>(addr + out.size()), sizeof buf};
    // A string near the end of a mapping: read up to the page end first.
    const uint64_t to_page_end = 4096 - ((addr + out.size()) & 4095);
    if (to_page_end < sizeof buf) local.iov_len = remote.iov_len = to_page_end;
    const ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    if (n <= 0) return std::nullopt;
    const size_t len = strnlen(buf, static_cast<size_t>(n));
    out.append(buf, len);
    if (len < static_cast<size_t>(n)) return out;
  }
  return std::nullopt;
}

std::string link_of(const std::string& path) {
  char buf[4096];
  const ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// The path rules' answer for a call made before any runtime was ready: 0, or the
// errno.  The same judgement as the runtime's (policy_eval.h), on the path as the
// program wrote it, made absolute and normalised; symlinks are the kernel's to
// follow here (see docs/threat-model.md: the boot is the loader's code).
int judge_boot_path(const BootPolicy& bp, const seccomp_notif& n, std::string* judged) {
  const paths::PathSyscall* ps = paths::find_path_syscall(n.data.nr);
  if (ps == nullptr || ps->path < 0) return 0;
  if (ps->op == paths::Op::kDenyAlways) return EPERM;
  const auto raw = read_string(static_cast<pid_t>(n.pid), n.data.args[ps->path]);
  if (!raw) return 0;  // the kernel will answer EFAULT
  if (raw->empty()) return 0;  // AT_EMPTY_PATH or ENOENT: the kernel's answer
  std::string base;
  if ((*raw)[0] != '/') {
    const long dirfd = ps->dirfd < 0 ? AT_FDCWD : static_cast<int>(n.data.args[ps->dirfd]);
    base = link_of("/proc/" + std::to_string(n.pid) + (dirfd == AT_FDCWD ? "/cwd" : "/fd/" + std::to_string(dirfd)));
    if (base.empty() || base[0] != '/') return 0;
  }
  hook::path_text::Path p;
  if (!hook::path_text::join_normalise(base.c_str(), base.size(), raw->c_str(), raw->size(), &p)) return ENAMETOOLONG;
  hook::path_text::canonical_proc(&p, static_cast<long>(n.pid), static_cast<long>(n.pid));
  *judged = std::string(p.buf, p.len);
  if (*judged == bp.runtime) return 0;
  bool write = ps->access == paths::kWrite || ps->access == paths::kNameChange;
  if (ps->access == paths::kByOpenFlags) {
    const uint64_t flags = ps->flags >= 0 ? n.data.args[ps->flags] : 0;
    write = (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)) != 0;
  }
  uint32_t rule = 0;
  return policy_table::judge_path(bp.policy, p.buf, p.len, write, &rule);
}

void log_boot_refusal(const BootPolicy& bp, const seccomp_notif& n, int err, const std::string& path, const char* rule) {
  if (bp.event_fd < 0) return;
  const char* name = syscall_name(n.data.nr);
  const char* en = errno_name(err);
  std::string line = "{\"pid\":" + std::to_string(n.pid) + ",\"syscall\":\"" + (name ? name : "?") +
                     "\",\"nr\":" + std::to_string(n.data.nr) + ",\"boot\":true,\"decision\":\"errno\",\"errno\":\"" +
                     (en ? en : std::to_string(err)) + "\"";
  if (!path.empty()) line += ",\"path\":\"" + path + "\"";
  line += std::string(",\"rule\":\"") + rule + "\"}\n";
  if (write(bp.event_fd, line.data(), line.size()) < 0) {
  }
}

struct Notifier {
  int fd;
  std::vector<char> req, resp;
  BootPolicy policy;

  explicit Notifier(int listener, const BootPolicy& p = {}) : fd(listener), policy(p) {
    seccomp_notif_sizes sizes{};
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) sizes = {sizeof(seccomp_notif), sizeof(seccomp_notif_resp), 0};
    req.resize(std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif)));
    resp.resize(std::max<size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp)));
  }

  // Handles one notification; false when the listener has no users left.
  bool serve_one(arena::Header* a) {
    std::fill(req.begin(), req.end(), 0);
    auto* n = reinterpret_cast<seccomp_notif*>(req.data());
    if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, n) != 0) return errno == EINTR || errno == ENOENT;
    count(a, *n);
    std::fill(resp.begin(), resp.end(), 0);
    auto* r = reinterpret_cast<seccomp_notif_resp*>(resp.data());
    r->id = n->id;
    r->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    if (policy.policy != nullptr && n->data.arch == AUDIT_ARCH_X86_64) {
      uint64_t args[6];
      for (int i = 0; i < 6; ++i) args[i] = n->data.args[i];
      const policy_table::Verdict v = policy_table::evaluate(policy.policy, n->data.nr, args);
      int err = 0;
      std::string path;
      const char* rule = policy_table::string_at(policy.policy, v.rule);
      if (v.action == policy_table::kKill) {
        kill(static_cast<pid_t>(n->pid), SIGKILL);
        err = EPERM;
      } else if (v.action != policy_table::kAllow) {
        err = v.action == policy_table::kTrap ? ENOSYS : v.errno_value;
      } else if (v.entry_flags & policy_table::kEntryPaths) {
        err = judge_boot_path(policy, *n, &path);
        rule = "interpose/paths (at boot)";
      }
      // The target may have died and its id been reused while we read its memory.
      if (err != 0 && ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) == 0) {
        r->flags = 0;
        r->error = -err;
        a->denied.fetch_add(1, std::memory_order_relaxed);
        log_boot_refusal(policy, *n, err, path, rule);
      }
    }
    ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, r);  // ENOENT: the task died meanwhile
    return true;
  }
};

// Serves the remaining users of the filter (background processes the program
// left running) after the launcher is gone.
void hand_over_to_background(int listener, arena::Header* a, const BootPolicy& policy) {
  pollfd p{listener, POLLIN, 0};
  if (poll(&p, 1, 0) == 1 && (p.revents & POLLHUP) && !(p.revents & POLLIN)) return;  // nobody left
  const pid_t pid = fork();
  if (pid != 0) return;
  // Keep nothing of the user's open: a pipe reader waiting for EOF must get it.
  for (int fd = 0; fd < 1024; ++fd)
    if (fd != listener && fd != policy.event_fd) close(fd);
  setsid();
  Notifier n(listener, policy);
  for (;;) {
    pollfd q{listener, POLLIN, 0};
    if (poll(&q, 1, -1) < 0 && errno != EINTR) break;
    if (q.revents & POLLIN) n.serve_one(a);
    else if (q.revents & (POLLHUP | POLLERR | POLLNVAL)) break;
  }
  _exit(0);
}

}  // namespace

bool install_boot_filter(const BootFilterSpec& spec, int sock, const SandboxOptions* floor, bool* floor_in) {
  std::vector<sock_filter> f;
  if (floor != nullptr) f = floor_program(*floor, &spec);
  const bool combined = floor != nullptr && f.size() <= BPF_MAXINSNS;
  if (!combined) f = boot_filter_program(spec);  // the caller installs the floor on its own
  if (floor_in != nullptr) *floor_in = false;
  sock_fprog prog{static_cast<unsigned short>(f.size()), f.data()};
  if (spec.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return false;
  // From here on every syscall without the cookie waits for the parent, which is
  // waiting for the listener: only cookie syscalls until exec.
  const long listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
  if (listener < 0) return false;
  char byte = 'L';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  const int fd = static_cast<int>(listener);
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  cookie_call(SYS_sendmsg, sock, reinterpret_cast<long>(&msg), 0, spec.cookie);
  cookie_call(SYS_close, fd, 0, 0, spec.cookie);
  if (floor_in != nullptr) *floor_in = combined;
  return true;
}

int receive_listener(int sock) {
  char byte;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t r;
  do r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r <= 0) return -1;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd;
      memcpy(&fd, CMSG_DATA(c), sizeof fd);
      return fd;
    }
  }
  return -1;
}

int serve_until_exit(pid_t child, int listener, arena::Header* a, const BootPolicy& policy) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, child, 0));
  ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);  // best effort
  Notifier n(listener, policy);
  int status = -1;
  bool listening = true;
  for (;;) {
    pollfd fds[2] = {{pidfd, POLLIN, 0}, {listening ? listener : -1, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents & POLLIN) {
      n.serve_one(a);
      continue;  // serve everything pending before looking at the exit
    }
    if (fds[1].revents & (POLLHUP | POLLERR | POLLNVAL)) listening = false;
    if (fds[0].revents & POLLIN) {
      while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
  }
  close(pidfd);
  if (listening) hand_over_to_background(listener, a, policy);
  close(listener);
  return status;
}

long execve_with_cookie(const char* path, char* const argv[], char* const envp[], uint64_t cookie) {
  return cookie_call(SYS_execve, reinterpret_cast<long>(path), reinterpret_cast<long>(argv),
                     reinterpret_cast<long>(envp), cookie);
}

}  // namespace interpose::loader
