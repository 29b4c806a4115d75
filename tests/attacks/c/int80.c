// threat: the i386 syscall ABI (int 0x80), whose numbers mean other calls than
// the x86-64 ones a policy is written for: here i386 getpid (20) and write (4)
// expect: blocked
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

// A kernel built without IA32 emulation faults int 0x80 before any syscall.
static void no_ia32(int sig) {
  (void)sig;
  static const char msg[] = "ATTACK-UNAVAILABLE this kernel has no IA32 emulation\n";
  write(1, msg, sizeof msg - 1);
  _exit(0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGSEGV, no_ia32);
  // int 0x80 passes 32-bit pointers: the message must be below 4 GiB.
  char* low = mmap((void*)0x10000000, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (low == MAP_FAILED) {
    printf("ATTACK-BLOCKED no low memory\n");
    return 0;
  }
  const char msg[] = "ATTACK-SUCCEEDED an i386 write went through\n";
  memcpy(low, msg, sizeof msg);
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "0"(4L), "b"(1L), "c"((long)low), "d"((long)(sizeof msg - 1)) : "memory");
  if (r != (long)(sizeof msg - 1)) printf("ATTACK-BLOCKED int 0x80 write returned %ld\n", r);
  return 0;
}
