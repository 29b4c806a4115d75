// threat: a new process by the raw vfork syscall
// expect: blocked
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  long pid;
  // vfork's child shares this stack: it may only _exit.
  __asm__ volatile("syscall" : "=a"(pid) : "0"((long)SYS_vfork) : "rcx", "r11", "memory");
  if (pid == 0) syscall(SYS_exit, 0);
  if (pid > 0) {
    waitpid((pid_t)pid, NULL, 0);
    printf("ATTACK-SUCCEEDED vfork made process %ld\n", pid);
  } else {
    printf("ATTACK-BLOCKED vfork: %s\n", strerror((int)-pid));
  }
  return 0;
}
