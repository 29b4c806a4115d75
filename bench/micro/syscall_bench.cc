// ns per raw syscall from one site.  Natively the site is a plain `syscall`; under
// interpose the runtime has rewritten it, so the same loop measures the hook.
#include <benchmark/benchmark.h>
#include <cpuid.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "abi.h"

namespace {

// One syscall instruction, called in a loop: the site the runtime rewrites.
__attribute__((noinline)) long raw_syscall0(long nr) {
  long ret;
  asm volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
  return ret;
}

void BM_getppid(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(raw_syscall0(SYS_getppid));
}
BENCHMARK(BM_getppid);

// A syscall number the kernel does not have: the cheapest kernel entry there is.
void BM_enosys(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(raw_syscall0(450 + 40));
}
BENCHMARK(BM_enosys);

// Calls that name a path, on a file in the working directory: under a policy
// with path rules, the runtime judges the path and runs the call itself
// (paths.cc), which is the policy's real per-call cost.
const char* bench_file() {
  static const char* name = [] {
    const char* n = "interpose-bench.tmp";
    const int fd = open(n, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) close(fd);
    return n;
  }();
  return name;
}

void BM_stat_file(benchmark::State& state) {
  struct stat st;
  const char* f = bench_file();
  for (auto _ : state) benchmark::DoNotOptimize(syscall(SYS_newfstatat, AT_FDCWD, f, &st, 0));
}
BENCHMARK(BM_stat_file);

void BM_open_close_file(benchmark::State& state) {
  const char* f = bench_file();
  for (auto _ : state) {
    const long fd = syscall(SYS_openat, AT_FDCWD, f, O_RDONLY | O_CLOEXEC);
    syscall(SYS_close, fd);
  }
}
BENCHMARK(BM_open_close_file);

// A call the student policy refuses: answered in user space, no kernel entry.
// (Natively and under allow-all it makes a socket and closes it.)
void BM_socket(benchmark::State& state) {
  for (auto _ : state) {
    const long fd = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
    if (fd >= 0) syscall(SYS_close, fd);
  }
}
BENCHMARK(BM_socket);

// The call that rewrites a site: a fresh site per iteration, first called
// untimed until the lazy path is one catch away from rewriting it
// (INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE), then timed once.  Natively and under
// zpoline (rewritten at load) the same as any call; under lazypoline it is
// SUD's catch plus the rewrite: the rewrite latency.
extern "C" char bench_fresh_sites[];
constexpr int kFreshSites = 65536;

void BM_getppid_first_call(benchmark::State& state) {
  static int next = 0;
  for (auto _ : state) {
    if (next >= kFreshSites) {
      state.SkipWithError("out of fresh sites");
      break;
    }
    auto* site = reinterpret_cast<long (*)()>(bench_fresh_sites + 16 * next++);
    state.PauseTiming();
    for (int i = 1; i < INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE; ++i) benchmark::DoNotOptimize(site());
    state.ResumeTiming();
    benchmark::DoNotOptimize(site());
  }
}
BENCHMARK(BM_getppid_first_call)->Iterations(2000);

// The extended state: what saving and restoring all of it (x87, SSE, AVX,
// AVX-512 on this CPU) would cost on every hook, which the runtime avoids by
// keeping vector registers out of its hot path.
struct Xstate {
  uint64_t mask = 0;
  uint32_t size = 0;
  Xstate() {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE)) return;
    unsigned lo, hi;
    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    mask = (uint64_t{hi} << 32) | lo;
    __cpuid_count(0xd, 0, a, b, c, d);
    size = b;
  }
};

void BM_xsave_xrstor_full(benchmark::State& state) {
  static const Xstate xs;
  if (xs.size == 0) {
    state.SkipWithError("no XSAVE");
    return;
  }
  void* area = std::aligned_alloc(64, (xs.size + 63) / 64 * 64);
  __builtin_memset(area, 0, xs.size);
  const uint32_t lo = static_cast<uint32_t>(xs.mask), hi = static_cast<uint32_t>(xs.mask >> 32);
  // Dirty the upper state the way a program using AVX-512 would.
  asm volatile(".byte 0x62,0xa3,0x7d,0x48,0x25,0xc0,0xff" ::: "memory");  // vpternlogd $0xff,%zmm16,%zmm16,%zmm16
  for (auto _ : state) {
    asm volatile("xsave64 (%0)" : : "r"(area), "a"(lo), "d"(hi) : "memory");
    asm volatile("xrstor64 (%0)" : : "r"(area), "a"(lo), "d"(hi) : "memory");
  }
  state.counters["bytes"] = xs.size;
  std::free(area);
}
BENCHMARK(BM_xsave_xrstor_full);

}  // namespace

BENCHMARK_MAIN();
