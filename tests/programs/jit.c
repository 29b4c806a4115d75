// JIT-style code: `syscall; ret` written at run time (RWX, or W then X) and
// called.  Every call must still reach dispatch (SUD catches it).
//   jit [rwx|wx] [count]
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jit.h"

int main(int argc, char** argv) {
  const int rwx = argc < 2 || strcmp(argv[1], "rwx") == 0;
  const int n = argc > 2 ? atoi(argv[2]) : 500;
  jit_syscall_fn f = make_jit_syscall(rwx);
  if (f == NULL) {
    perror("jit");
    return 1;
  }
  long ok = 0;
  for (int i = 0; i < n; ++i) ok += f(SYS_getppid, 0, 0, 0) == getppid();
  char msg[] = "jit write ok\n";
  f(SYS_write, 1, (long)msg, (long)strlen(msg));
  printf("jit %s: %ld of %d getppid calls right\n", rwx ? "rwx" : "wx", ok, n);
  return ok == n ? 0 : 1;
}
