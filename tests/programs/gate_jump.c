// A direct call into the runtime's gate, the one place SUD lets syscalls
// through, as code that found it by scanning memory would make it.
//   gate_jump
// Natively there is no runtime: prints "no runtime" and exits 0.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  FILE* f = fopen("/proc/self/maps", "r");
  char line[512];
  uintptr_t lo = 0, hi = 0;
  while (f && fgets(line, sizeof line, f))
    if (strstr(line, "libinterpose.so") && strstr(line, " r-xp ")) sscanf(line, "%lx-%lx", &lo, &hi);
  if (f) fclose(f);
  if (lo == 0) {
    printf("no runtime\n");
    return 0;
  }
  // The gate's shape: the argument shuffle of a syscall(nr, a1..a6) function
  // (mov %rdi,%rax; mov %rsi,%rdi; mov %rdx,%rsi; mov %rcx,%rdx), then a syscall.
  static const unsigned char shuffle[] = {0x48, 0x89, 0xf8, 0x48, 0x89, 0xf7, 0x48, 0x89, 0xd6, 0x48, 0x89, 0xca};
  for (const unsigned char* p = (const unsigned char*)lo; p + 64 < (const unsigned char*)hi; ++p) {
    if (memcmp(p, shuffle, sizeof shuffle) != 0) continue;
    const unsigned char* q = p;
    while (q < p + 40 && !(q[0] == 0x0f && q[1] == 0x05)) ++q;
    if (q == p + 40) continue;
    // Call the shuffle itself, past whatever checks the function starts with.
    printf("calling the gate\n");
    long (*gate)(long, long, long, long, long, long, long) = (long (*)(long, long, long, long, long, long, long))p;
    long r = gate(39 /* getpid */, 0, 0, 0, 0, 0, 0);
    printf("the gate answered %ld (getpid %d)\n", r, getpid());
    return 0;
  }
  printf("gate not found\n");
  return 0;
}
