// Exits with the status given, or dies by the signal given: exit_status 3 | kill 9
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "kill") == 0) {
    printf("dying by signal %s\n", argv[2]);
    fflush(stdout);
    kill(getpid(), atoi(argv[2]));
    pause();
  }
  int code = argc > 1 ? atoi(argv[1]) : 0;
  printf("exiting with %d\n", code);
  return code;
}
