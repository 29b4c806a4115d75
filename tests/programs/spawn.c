// posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK) on a fresh stack), including the
// error path where the child reports exec failure through shared memory.
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
  // What is spawned: /bin/echo by default.
  const char* prog = argc > 1 ? argv[1] : "/bin/echo";
  for (int i = 0; i < 3; ++i) {
    char n[16];
    snprintf(n, sizeof n, "%d", i);
    char* args[] = {"echo", "spawned", n, NULL};
    pid_t pid;
    fflush(stdout);
    int r = posix_spawn(&pid, prog, NULL, NULL, args, environ);
    if (r != 0) {
      printf("spawn failed %s\n", strerror(r));
      return 1;
    }
    int st;
    waitpid(pid, &st, 0);
    printf("status %d\n", WEXITSTATUS(st));
  }
  char* bad[] = {"nope", NULL};
  pid_t pid;
  int r = posix_spawn(&pid, "/nonexistent/program", NULL, NULL, bad, environ);
  printf("missing program: %s\n", r == ENOENT ? "ENOENT" : strerror(r));
  printf("spawn ok\n");
  return 0;
}
