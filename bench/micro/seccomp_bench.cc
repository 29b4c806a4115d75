// What the kernel's other interception mechanisms cost per getppid, with a tiny
// handler of our own answering it (no real getppid behind it), for comparison
// with interpose's hook:
//   bench_seccomp trap   seccomp SECCOMP_RET_TRAP: SIGSYS, the handler sets rax
//   bench_seccomp notif  seccomp SECCOMP_RET_USER_NOTIF: a supervisor thread of
//                        this process receives the call and answers it
// The filter stays for the life of the process, so each mechanism runs in a
// process of its own (the first argument picks it).
#include <benchmark/benchmark.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "seccomp_compat.h"

namespace {

__attribute__((noinline)) long raw_getppid() {
  long ret;
  asm volatile("syscall" : "=a"(ret) : "a"(long{SYS_getppid}) : "rcx", "r11", "memory");
  return ret;
}

long install(uint32_t action_for_getppid, unsigned flags) {
  sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, action_for_getppid),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof f / sizeof f[0]), f};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

void on_sigsys(int, siginfo_t*, void* ucv) {
  auto* uc = static_cast<ucontext_t*>(ucv);
  uc->uc_mcontext.gregs[REG_RAX] = 42;  // the answer; rip already points past the syscall
}

// The supervisor: answers every notification with 42, until the process exits.
void serve(int listener) {
  seccomp_notif req;
  seccomp_notif_resp resp;
  for (;;) {
    std::memset(&req, 0, sizeof req);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) continue;
    std::memset(&resp, 0, sizeof resp);
    resp.id = req.id;
    resp.val = 42;
    ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
  }
}

void BM_getppid(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(raw_getppid());
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "trap") {
    struct sigaction sa {};
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &sa, nullptr);
    if (install(SECCOMP_RET_TRAP, 0) != 0) {
      std::perror("bench_seccomp: seccomp(RET_TRAP)");
      return 1;
    }
  } else if (mode == "notif") {
    const long listener = install(SECCOMP_RET_USER_NOTIF, SECCOMP_FILTER_FLAG_NEW_LISTENER);
    if (listener < 0) {
      std::perror("bench_seccomp: seccomp(USER_NOTIF)");
      return 1;
    }
    // Best effort: older kernels serve without it, slower.
    ioctl(static_cast<int>(listener), SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
    std::thread(serve, static_cast<int>(listener)).detach();
  } else {
    std::fprintf(stderr, "usage: bench_seccomp trap|notif [benchmark options]\n");
    return 2;
  }
  if (raw_getppid() != 42) {
    std::fprintf(stderr, "bench_seccomp: the %s handler did not answer\n", mode.c_str());
    return 1;
  }
  benchmark::RegisterBenchmark(("BM_getppid_seccomp_" + mode).c_str(), BM_getppid);
  --argc;
  ++argv;
  argv[0] = const_cast<char*>("bench_seccomp");
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  std::_Exit(0);  // the supervisor thread never returns
}
