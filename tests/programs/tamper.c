// Tries to take page 0 and the runtime's own memory away through syscalls.
// Prints one line per attempt: what the kernel (or the runtime) answered.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void report(const char* what, long r) {
  printf("%-28s %s\n", what, r == -1 ? strerror(errno) : "succeeded");
}

// The r-x mapping of libinterpose.so, if this process has one.
static int find_runtime(uintptr_t* lo, uintptr_t* hi) {
  FILE* f = fopen("/proc/self/maps", "r");
  char line[512];
  int found = 0;
  while (f && fgets(line, sizeof line, f)) {
    if (strstr(line, "libinterpose.so") && strstr(line, " r-xp ")) {
      sscanf(line, "%lx-%lx", lo, hi);
      found = 1;
      break;
    }
  }
  if (f) fclose(f);
  return found;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  report("munmap page 0", munmap(NULL, 4096));
  report("mprotect page 0 rw", mprotect(NULL, 4096, PROT_READ | PROT_WRITE));
  report("madvise page 0", madvise(NULL, 4096, MADV_DONTNEED));
  report("mremap page 0", (long)mremap(NULL, 4096, 8192, MREMAP_MAYMOVE) == (long)MAP_FAILED ? -1 : 0);
  void* m = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  report("mmap MAP_FIXED at 0", m == MAP_FAILED ? -1 : 0);
  uintptr_t lo, hi;
  if (find_runtime(&lo, &hi)) {
    printf("runtime text found\n");
    report("mprotect runtime rw", mprotect((void*)lo, 4096, PROT_READ | PROT_WRITE));
    report("madvise runtime", madvise((void*)lo, hi - lo, MADV_DONTNEED));
    report("munmap runtime", munmap((void*)lo, hi - lo));
    report("mremap runtime", mremap((void*)lo, hi - lo, hi - lo, MREMAP_MAYMOVE | MREMAP_FIXED, (void*)(hi + (1 << 24))) == MAP_FAILED ? -1 : 0);
    void* over = mmap((void*)lo, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    report("mmap MAP_FIXED over runtime", over == MAP_FAILED ? -1 : 0);
  }
  printf("still running\n");
  // Writing page 0 itself faults, natively (nothing there) and under interpose
  // (read-only).
  uintptr_t zero_addr;
  __asm__("" : "=r"(zero_addr) : "0"((uintptr_t)16));  // not a constant to the optimiser
  volatile char* zero = (volatile char*)zero_addr;
  *zero = 1;
  printf("wrote page 0\n");
  return 0;
}
