// vfork: the child runs on the parent's stack until it execs or exits; the
// parent's locals must be intact afterwards.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  // What the child execs: /bin/echo by default.
  const char* prog = argc > 1 ? argv[1] : "/bin/echo";
  volatile long guard[8];
  for (int i = 0; i < 8; ++i) guard[i] = 0x1234567800 + i;
  for (volatile int round = 0; round < 3; ++round) {
    fflush(stdout);
    pid_t pid = vfork();
    if (pid == 0) {
      if (round == 1) _exit(42);
      execl(prog, "echo", "vfork child", round == 0 ? "zero" : "two", (char*)NULL);
      _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("round %d status %d\n", round, WEXITSTATUS(st));
  }
  for (int i = 0; i < 8; ++i)
    if (guard[i] != 0x1234567800 + i) {
      printf("stack corrupted\n");
      return 1;
    }
  printf("vfork_exec ok\n");
  return 0;
}
