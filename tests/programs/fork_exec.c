// fork, then exec in the child; fork and exit; the parent collects both.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  fflush(stdout);
  pid_t a = fork();
  if (a == 0) {
    execl("/bin/echo", "echo", "child exec ok", (char*)NULL);
    _exit(100);
  }
  int st = 0;
  waitpid(a, &st, 0);
  printf("exec child status %d\n", WEXITSTATUS(st));
  fflush(stdout);
  pid_t b = fork();
  if (b == 0) {
    printf("plain child pid>0 %d\n", getpid() > 0);
    exit(7);
  }
  waitpid(b, &st, 0);
  printf("plain child status %d\n", WEXITSTATUS(st));
  // exec with an empty environment: the runtime must still follow.
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    char* argv[] = {"sh", "-c", "echo empty-env child; exit 3", NULL};
    char* envp[] = {NULL};
    execve("/bin/sh", argv, envp);
    _exit(100);
  }
  waitpid(c, &st, 0);
  printf("empty-env child status %d\n", WEXITSTATUS(st));
  printf("fork_exec ok\n");
  return 0;
}
