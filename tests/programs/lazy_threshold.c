// One syscall site, called N times: under the lazy modes SUD catches it
// INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE times, the last of which rewrites it;
// the calls after that take the rewritten path.
//   lazy_threshold N
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((noinline)) static long site_getppid(void) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(110L) : "rcx", "r11", "memory");
  return r;
}

int main(int argc, char** argv) {
  const int n = argc > 1 ? atoi(argv[1]) : 1;
  const long want = getppid();
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += site_getppid() == want;
  printf("lazy_threshold: %d of %d calls right\n", ok, n);
  return ok == n ? 0 : 1;
}
