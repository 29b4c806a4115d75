// threat: code that defeats the in-process runtime: it finds its own thread
// block (%gs) and marks every syscall "run it, no questions", then opens a
// socket, forks, and reads the grader's secret file.  The launcher's kernel
// floors (seccomp for the syscalls, Landlock for the paths) must still refuse.
// expect: blocked
#include <errno.h>
#include <fcntl.h>
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

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  // The thread block: a page whose first word is its own address, 256 bytes of
  // header, then one action byte per syscall.  Found through %gs where the CPU
  // lets user code read it, else by scanning the runtime's shared memory.
  int cleared = 0;
  if (getauxval(AT_HWCAP2) & 2 /* HWCAP2_FSGSBASE */) {
    const uintptr_t gs = gs_base();
    if (gs != 0) {
      memset((void*)(gs + 256), 0, 512);
      ++cleared;
    }
  }
  FILE* maps = fopen("/proc/self/maps", "r");
  char line[512];
  while (cleared == 0 && maps != NULL && fgets(line, sizeof line, maps)) {
    unsigned long lo, hi;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[1] != 'w' || !strstr(line, "interpose")) continue;
    for (unsigned long page = lo; page < hi; page += 4096) {
      if (*(volatile unsigned long*)page == page) {
        memset((void*)(page + 256), 0, 512);
        ++cleared;
      }
    }
  }
  if (maps != NULL) fclose(maps);
  if (cleared) printf("runtime found: the action bytes of %d thread blocks cleared\n", cleared);
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
  if (argc > 2) {
    char buf[256] = {0};
    const int fd = (int)syscall(SYS_openat, AT_FDCWD, argv[1], O_RDONLY, 0);
    if (fd >= 0 && read(fd, buf, sizeof buf - 1) > 0 && strncmp(buf, argv[2], strlen(argv[2])) == 0) {
      printf("ATTACK-SUCCEEDED read the secret %s\n", argv[1]);
      ok = 1;
    } else {
      printf("secret refused: %s\n", fd < 0 ? strerror(errno) : "unreadable");
    }
  }
  if (!ok) printf("ATTACK-BLOCKED the floor held\n");
  return 0;
}
