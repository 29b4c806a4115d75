// threat: a syscall instruction made at run time (JIT), which no load-time
// rewrite saw: Syscall User Dispatch must still bring it to the policy
// expect: blocked
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  // mov %rdi,%rax; mov %rsi,%rdi; mov %rdx,%rsi; mov %rcx,%rdx; syscall; ret
  static const unsigned char code[] = {0x48, 0x89, 0xf8, 0x48, 0x89, 0xf7, 0x48, 0x89, 0xd6,
                                       0x48, 0x89, 0xca, 0x0f, 0x05, 0xc3};
  unsigned char* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memcpy(p, code, sizeof code);
  mprotect(p, 4096, PROT_READ | PROT_EXEC);
  long (*raw)(long, long, long, long) = (long (*)(long, long, long, long))p;
  const long s = raw(41 /* socket */, AF_INET, SOCK_STREAM, 0);
  if (s >= 0) printf("ATTACK-SUCCEEDED JIT socket() = %ld\n", s);
  else printf("ATTACK-BLOCKED JIT socket() = %ld\n", s);
  return 0;
}
