// K23 pitfall 1: exec in ways that would drop a preloaded runtime.
//   pitfall_exec HELPER STATIC
// HELPER is run (each time a new image): with an empty environment, with
// LD_PRELOAD and INTERPOSE_ARENA_FD set to something else, through execveat,
// and through fexecve.  STATIC (a statically linked program) is exec'd last.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(const char* how, const char* helper) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    char* argv[] = {(char*)helper, "7", NULL};
    char* empty[] = {NULL};
    char* hostile[] = {"LD_PRELOAD=/nonexistent/lib.so", "INTERPOSE_ARENA_FD=0", "PATH=/bin", NULL};
    if (strcmp(how, "empty-env") == 0) execve(helper, argv, empty);
    else if (strcmp(how, "hostile-env") == 0) execve(helper, argv, hostile);
    else if (strcmp(how, "execveat") == 0) syscall(SYS_execveat, AT_FDCWD, helper, argv, empty, 0);
    else if (strcmp(how, "fexecve") == 0) {
      int fd = open(helper, O_RDONLY | O_CLOEXEC);
      fexecve(fd, argv, empty);
    }
    printf("%s: exec failed: %s\n", how, strerror(errno));
    _exit(126);
  }
  int st;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  const char* hows[] = {"empty-env", "hostile-env", "execveat", "fexecve"};
  for (int i = 0; i < 4; ++i) printf("%s: status %d\n", hows[i], run(hows[i], argv[1]));
  fflush(stdout);
  char* sargv[] = {argv[2], "5", NULL};
  char* empty[] = {NULL};
  execve(argv[2], sargv, empty);
  printf("static exec: %s\n", strerror(errno));
  return 0;
}
