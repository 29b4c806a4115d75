// Every register the kernel's syscall ABI preserves must survive a hooked
// syscall bit for bit: zmm0-31, k0-7, x87 st0-7, MXCSR, the x87 control word, and
// the general registers but rax/rcx/r11.  Runs raw syscalls from one site (which
// the runtime rewrites) many times, with a timer signal whose handler clobbers
// vector registers arriving in between.
//   xstate [iterations] [nr]       exit 0 and "xstate ok" when every bit survived
// XSTATE_SELFTEST_CORRUPT=1 flips one bit after the run to prove the check works.
#include <cpuid.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

struct xstate_image {
  uint8_t zmm[32][64];  // 0
  uint64_t k[8];        // 2048
  uint8_t st[8][16];    // 2112: 80-bit values, 16-byte slots
  uint64_t gpr[12];     // 2240: rbx rbp r12 r13 r14 r15 rdi rsi rdx r8 r9 r10
  uint32_t mxcsr;       // 2336
  uint16_t fcw;         // 2340
  uint8_t pad[10];
} __attribute__((aligned(64)));

_Static_assert(__builtin_offsetof(struct xstate_image, k) == 2048, "layout");
_Static_assert(__builtin_offsetof(struct xstate_image, st) == 2112, "layout");
_Static_assert(__builtin_offsetof(struct xstate_image, gpr) == 2240, "layout");
_Static_assert(__builtin_offsetof(struct xstate_image, mxcsr) == 2336, "layout");
_Static_assert(__builtin_offsetof(struct xstate_image, fcw) == 2340, "layout");

void xstate_run(const struct xstate_image* in, struct xstate_image* out, long iterations, long nr);

static volatile double sink;
static volatile long ticks;

static void on_tick(int sig) {
  (void)sig;
  // A handler free to use vector and x87 registers: the kernel saves and restores
  // the interrupted state, and the runtime must return through it intact.
  double x = 1.5;
  for (int i = 0; i < 16; ++i) x = sqrt(x * 3.25 + i);
  sink = x;
  syscall(SYS_getppid);
  ++ticks;
}

static uint64_t splitmix(uint64_t* s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static int has_avx512(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  if (!(b & (1u << 16))) return 0;  // AVX512F
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (lo & 0xe6) == 0xe6;
}

int main(int argc, char** argv) {
  if (!has_avx512()) {
    printf("xstate skipped: no AVX-512\n");
    return 77;
  }
  long iterations = argc > 1 ? atol(argv[1]) : 20000;
  long nr = argc > 2 ? atol(argv[2]) : SYS_getppid;

  static struct xstate_image in, out;
  uint64_t seed = 0x1234abcd;
  for (size_t i = 0; i < sizeof in.zmm; i += 8) {
    uint64_t v = splitmix(&seed);
    memcpy(&in.zmm[0][0] + i, &v, 8);
  }
  for (int i = 0; i < 8; ++i) in.k[i] = splitmix(&seed);
  for (int i = 0; i < 8; ++i) {
    // Normal 80-bit values: a 64-bit mantissa with the integer bit, and a
    // sign/exponent away from the special encodings.
    uint64_t m = splitmix(&seed) | (1ULL << 63);
    uint16_t se = (uint16_t)(0x3fff + (i * 7) - 20) | (i & 1 ? 0x8000 : 0);
    memcpy(in.st[i], &m, 8);
    memcpy(in.st[i] + 8, &se, 2);
  }
  for (int i = 0; i < 12; ++i) in.gpr[i] = splitmix(&seed);
  in.mxcsr = 0x1f80 | (2u << 13) | (1u << 15);  // round up, flush-to-zero
  in.fcw = 0x037f & ~0x0300u;                    // single precision

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_tick;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 1000}, {0, 1000}};
  setitimer(ITIMER_REAL, &it, NULL);

  xstate_run(&in, &out, iterations, nr);

  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);

  if (getenv("XSTATE_SELFTEST_CORRUPT") != NULL) out.zmm[17][33] ^= 0x10;

  int bad = 0;
  for (int r = 0; r < 32; ++r)
    if (memcmp(in.zmm[r], out.zmm[r], 64) != 0) printf("zmm%d differs\n", r), ++bad;
  for (int r = 0; r < 8; ++r)
    if (in.k[r] != out.k[r]) printf("k%d differs\n", r), ++bad;
  for (int r = 0; r < 8; ++r)
    if (memcmp(in.st[r], out.st[r], 10) != 0) printf("st%d differs\n", r), ++bad;
  static const char* names[12] = {"rbx", "rbp", "r12", "r13", "r14", "r15", "rdi", "rsi", "rdx", "r8", "r9", "r10"};
  for (int r = 0; r < 12; ++r)
    if (in.gpr[r] != out.gpr[r]) printf("%s differs\n", names[r]), ++bad;
  if ((in.mxcsr & ~0x3fu) != (out.mxcsr & ~0x3fu)) printf("mxcsr differs\n"), ++bad;
  if ((in.fcw & 0x1f3f) != (out.fcw & 0x1f3f)) printf("fcw differs\n"), ++bad;
  printf("%ld syscalls %ld, %ld signals\n", iterations, nr, ticks);
  if (bad != 0) {
    printf("xstate FAILED: %d registers changed\n", bad);
    return 1;
  }
  printf("xstate ok\n");
  return 0;
}
