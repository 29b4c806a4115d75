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

#include <cstdio>
#include <vector>

namespace interpose::loader {

namespace {

// seccomp_data offsets.
constexpr uint32_t kArch = 4, kIpLo = 8, kIpHi = 12, kArg5Lo = 16 + 5 * 8, kArg5Hi = kArg5Lo + 4;

long cookie_call(long nr, long a1, long a2, long a3, uint64_t cookie) {
  return syscall(nr, a1, a2, a3, 0L, 0L, static_cast<long>(cookie));
}

// Lets through: syscalls made with the cookie (the launcher's own, between
// installing the filter and exec), and syscalls from the runtime's gate pages
// (page 0 from the sled's end on, and the session's gate page).  Everything else
// -- the boot of an image, or an image without a runtime -- is the launcher's to
// judge.
std::vector<sock_filter> boot_filter(const BootFilterSpec& s) {
  const uint32_t gate_lo = static_cast<uint32_t>(s.gate_page), gate_hi = static_cast<uint32_t>(s.gate_page >> 32);
  return {
      /*  0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kArch),
      /*  1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 14),           // -> 16 notify
      /*  2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kArg5Lo),
      /*  3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(s.cookie), 0, 2),  // -> 6
      /*  4 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kArg5Hi),
      /*  5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(s.cookie >> 32), 9, 0),  // -> 15 allow
      /*  6 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kIpHi),
      /*  7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3),                            // -> 11 high page
      /*  8 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kIpLo),
      /*  9 */ BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, arena::kGateInPageZero, 0, 6),       // -> 16 notify
      /* 10 */ BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, INTERPOSE_PAGE_ZERO_SIZE, 5, 4),     // -> 16 / 15
      /* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, gate_hi, 0, 4),                      // -> 16 notify
      /* 12 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kIpLo),
      /* 13 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, gate_lo, 0, 2),                      // -> 16 notify
      /* 14 */ BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, gate_lo + INTERPOSE_PAGE_ZERO_SIZE, 1, 0),  // -> 16 / 15
      /* 15 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      /* 16 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
  };
}

void count(arena::Header* a, const seccomp_notif& n) {
  const long nr = n.data.arch == AUDIT_ARCH_X86_64 ? n.data.nr : -1;
  if (nr >= 0 && static_cast<size_t>(nr) < arena::kCountedSyscalls)
    a->retired[nr].fetch_add(1, std::memory_order_relaxed);
  else
    a->retired_other.fetch_add(1, std::memory_order_relaxed);
  a->retired_paths[arena::kPathBoot].fetch_add(1, std::memory_order_relaxed);
}

struct Notifier {
  int fd;
  std::vector<char> req, resp;

  explicit Notifier(int listener) : fd(listener) {
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
    ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, r);  // ENOENT: the task died meanwhile
    return true;
  }
};

// Serves the remaining users of the filter (background processes the program
// left running) after the launcher is gone.
void hand_over_to_background(int listener, arena::Header* a) {
  pollfd p{listener, POLLIN, 0};
  if (poll(&p, 1, 0) == 1 && (p.revents & POLLHUP) && !(p.revents & POLLIN)) return;  // nobody left
  const pid_t pid = fork();
  if (pid != 0) return;
  // Keep nothing of the user's open: a pipe reader waiting for EOF must get it.
  for (int fd = 0; fd < 1024; ++fd)
    if (fd != listener) close(fd);
  setsid();
  Notifier n(listener);
  for (;;) {
    pollfd q{listener, POLLIN, 0};
    if (poll(&q, 1, -1) < 0 && errno != EINTR) break;
    if (q.revents & POLLIN) n.serve_one(a);
    else if (q.revents & (POLLHUP | POLLERR | POLLNVAL)) break;
  }
  _exit(0);
}

}  // namespace

bool install_boot_filter(const BootFilterSpec& spec, int sock) {
  std::vector<sock_filter> f = boot_filter(spec);
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

int serve_until_exit(pid_t child, int listener, arena::Header* a) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, child, 0));
  Notifier n(listener);
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
  if (listening) hand_over_to_background(listener, a);
  close(listener);
  return status;
}

long execve_with_cookie(const char* path, char* const argv[], char* const envp[], uint64_t cookie) {
  return cookie_call(SYS_execve, reinterpret_cast<long>(path), reinterpret_cast<long>(argv),
                     reinterpret_cast<long>(envp), cookie);
}

}  // namespace interpose::loader
