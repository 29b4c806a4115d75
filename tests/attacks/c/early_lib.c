// The library of early_constructor.c: its constructor runs at load time.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int early_result = 0;
char early_detail[256];

// The secret's path and value come from the command line (/proc/self/cmdline is
// not ours to read under the policy, so argv arrives through glibc's initializer
// arguments).
__attribute__((constructor)) static void early(int argc, char** argv) {
  if (argc < 3) return;
  char buf[128] = {0};
  const int fd = open(argv[1], O_RDONLY);
  const int open_errno = errno;
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  const int socket_errno = errno;
  if (fd >= 0 && read(fd, buf, sizeof buf - 1) > 0 && strncmp(buf, argv[2], strlen(argv[2])) == 0) {
    early_result = 1;
    snprintf(early_detail, sizeof early_detail, "a constructor read the secret");
  } else if (s >= 0) {
    early_result = 1;
    snprintf(early_detail, sizeof early_detail, "a constructor opened a socket");
  } else {
    snprintf(early_detail, sizeof early_detail, "secret: %s, socket: %s", strerror(open_errno), strerror(socket_errno));
  }
}
