// threat: a new process by raw clone3 without CLONE_THREAD (what glibc's
// fork and posix_spawn may use)
// expect: blocked
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct clone_args args;
  memset(&args, 0, sizeof args);
  args.exit_signal = SIGCHLD;
  const long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) _exit(0);
  if (pid > 0) {
    waitpid((pid_t)pid, NULL, 0);
    printf("ATTACK-SUCCEEDED clone3 made process %ld\n", pid);
  } else {
    printf("ATTACK-BLOCKED clone3: %s\n", strerror(errno));
  }
  return 0;
}
