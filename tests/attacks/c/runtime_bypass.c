// threat: code that defeats the in-process runtime: it finds its own thread
// block (%gs) and marks every syscall "run it, no questions", then opens a
// socket and forks.  The launcher's seccomp floor must still refuse both.
// expect: blocked
#include <errno.h>
#include <immintrin.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((target("fsgsbase"))) static uintptr_t gs_base(void) { return _readgsbase_u64(); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (getauxval(AT_HWCAP2) & 2 /* HWCAP2_FSGSBASE */) {
    const uintptr_t gs = gs_base();
    if (gs != 0) {
      // The thread block: 256 bytes of header, then one action byte per syscall.
      memset((void*)(gs + 256), 0, 512);
      printf("runtime found at %#lx: every action byte cleared\n", (unsigned long)gs);
    }
  }
  int ok = 0;
  const int s = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
  if (s >= 0) {
    printf("ATTACK-SUCCEEDED socket() = %d\n", s);
    ok = 1;
  } else {
    printf("socket refused: %s\n", strerror(errno));
  }
  const long pid = syscall(SYS_fork);
  if (pid == 0) _exit(0);
  if (pid > 0) {
    waitpid((pid_t)pid, NULL, 0);
    printf("ATTACK-SUCCEEDED fork() = %ld\n", pid);
    ok = 1;
  } else {
    printf("fork refused: %s\n", strerror(errno));
  }
  if (!ok) printf("ATTACK-BLOCKED the floor held\n");
  return 0;
}
