// A deterministic mix of syscalls for comparing --stats with a ptrace trace.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 500;
  // A name of our own, not mkstemp: its retries make the count depend on timing.
  char path[64];
  snprintf(path, sizeof path, "/tmp/interpose-mix-%d", (int)getpid());
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  for (int i = 0; i < rounds; ++i) {
    getppid();
    write(fd, "abc", 3);
    lseek(fd, 0, SEEK_SET);
    char b[4];
    read(fd, b, 3);
    struct stat st;
    fstat(fd, &st);
    syscall(SYS_getpid);
  }
  close(fd);
  unlink(path);
  pid_t c = fork();
  if (c == 0) {
    for (int i = 0; i < rounds; ++i) getppid();
    _exit(0);
  }
  waitpid(c, NULL, 0);
  printf("syscall_mix ok %d\n", rounds);
  return 0;
}
