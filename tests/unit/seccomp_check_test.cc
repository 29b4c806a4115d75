#include "seccomp_check.h"

#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/syscall.h>

#include <vector>

namespace interpose::hook {
namespace {

constexpr uint64_t kIp = 0x7f0000001000;
constexpr uint32_t kArch = 0xc000003e;

std::vector<BpfInsn> prog(std::initializer_list<sock_filter> f) {
  std::vector<BpfInsn> out;
  for (const sock_filter& i : f) out.push_back(BpfInsn{i.code, i.jt, i.jf, i.k});
  return out;
}

SeccompData data(int nr) {
  SeccompData d{};
  d.nr = nr;
  d.arch = kArch;
  d.instruction_pointer = kIp;
  return d;
}

// "kill nr, allow the rest"
std::vector<BpfInsn> kill_one(int nr, uint32_t action = SECCOMP_RET_KILL_PROCESS) {
  return prog({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
               BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, action),
               BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)});
}

TEST(SeccompCheck, RunsClassicBpf) {
  const auto p = kill_one(SYS_mmap);
  EXPECT_EQ(run_bpf(p.data(), p.size(), data(SYS_mmap)), SECCOMP_RET_KILL_PROCESS);
  EXPECT_EQ(run_bpf(p.data(), p.size(), data(SYS_read)), SECCOMP_RET_ALLOW);
  // Arithmetic, the scratch memory, X, and the instruction pointer field.
  const auto q = prog({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer)),
                       BPF_STMT(BPF_ST, 3), BPF_STMT(BPF_LDX | BPF_MEM, 3), BPF_STMT(BPF_MISC | BPF_TXA, 0),
                       BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xfff), BPF_STMT(BPF_RET | BPF_A, 0)});
  EXPECT_EQ(run_bpf(q.data(), q.size(), data(0)), 0u);
}

TEST(SeccompCheck, MalformedProgramsAreRejected) {
  const auto jump_out = prog({BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)});
  EXPECT_EQ(run_bpf(jump_out.data(), jump_out.size(), data(0)), ~0u);
  const auto no_return = prog({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)});
  EXPECT_EQ(run_bpf(no_return.data(), no_return.size(), data(0)), ~0u);
  const auto bad_load = prog({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 1000), BPF_STMT(BPF_RET | BPF_K, 0)});
  EXPECT_EQ(run_bpf(bad_load.data(), bad_load.size(), data(0)), ~0u);
  EXPECT_EQ(run_bpf(nullptr, 0, data(0)), ~0u);
}

TEST(SeccompCheck, FiltersThatStopTheRuntimeAreRecognised) {
  for (int nr : {SYS_rt_sigreturn, SYS_mmap, SYS_mprotect, SYS_prctl, SYS_rt_sigprocmask}) {
    const auto p = kill_one(nr);
    EXPECT_FALSE(filter_spares_runtime(p.data(), p.size(), kIp)) << nr;
    const auto e = kill_one(nr, SECCOMP_RET_ERRNO | 1);
    EXPECT_FALSE(filter_spares_runtime(e.data(), e.size(), kIp)) << nr;
  }
  // What the program does to syscalls the runtime never makes is its business.
  for (int nr : {SYS_uname, SYS_ptrace, SYS_socket}) {
    const auto p = kill_one(nr);
    EXPECT_TRUE(filter_spares_runtime(p.data(), p.size(), kIp)) << nr;
  }
  // A filter keyed on the instruction pointer that spares only other code.
  const auto by_ip = prog({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer)),
                           BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(kIp), 0, 1),
                           BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_THREAD), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)});
  EXPECT_FALSE(filter_spares_runtime(by_ip.data(), by_ip.size(), kIp));
  EXPECT_TRUE(filter_spares_runtime(by_ip.data(), by_ip.size(), kIp + 0x100));
}

}  // namespace
}  // namespace interpose::hook
