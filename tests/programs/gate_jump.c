// A direct call into the runtime's gate, the one place SUD lets syscalls
// through, as code that went looking for it would make it: it scans the
// executable memory no file backs (the runtime's gate copy is there) for the
// argument shuffle of a syscall(nr, a1..a6) function and calls it, past whatever
// checks the function starts with.
//   gate_jump
// Natively there is no such code: prints "no gate" and exits 0.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  // mov %rdi,%rax; mov %rsi,%rdi; mov %rdx,%rsi; mov %rcx,%rdx
  static const unsigned char shuffle[] = {0x48, 0x89, 0xf8, 0x48, 0x89, 0xf7, 0x48, 0x89, 0xd6, 0x48, 0x89, 0xca};
  FILE* f = fopen("/proc/self/maps", "r");
  char line[512];
  while (f && fgets(line, sizeof line, f)) {
    uintptr_t lo, hi;
    char perms[8];
    unsigned long off, inode;
    unsigned dmaj, dmin;
    if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &lo, &hi, perms, &off, &dmaj, &dmin, &inode) != 7) continue;
    if (perms[2] != 'x' || inode != 0 || strstr(line, "[vdso]") || strstr(line, "[vsyscall]")) continue;
    for (const unsigned char* p = (const unsigned char*)lo; p + 64 < (const unsigned char*)hi; ++p) {
      if (memcmp(p, shuffle, sizeof shuffle) != 0) continue;
      const unsigned char* q = p;
      while (q < p + 40 && !(q[0] == 0x0f && q[1] == 0x05)) ++q;
      if (q == p + 40) continue;
      fclose(f);
      printf("calling the gate\n");
      long (*gate)(long, long, long, long, long, long, long) = (long (*)(long, long, long, long, long, long, long))p;
      long r = gate(39 /* getpid */, 0, 0, 0, 0, 0, 0);
      printf("the gate answered %ld (getpid %d)\n", r, getpid());
      return 0;
    }
  }
  if (f) fclose(f);
  printf("no gate\n");
  return 0;
}
