// A signal arrives while the program blocks in read(); its handler makes syscalls
// itself.  Without SA_RESTART the read fails with EINTR; with it, it resumes.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int handled;

static void on_alarm(int sig) {
  (void)sig;
  char msg[] = "handler ran\n";
  write(1, msg, sizeof msg - 1);  // a syscall from the handler, mid-read
  handled += getpid() > 0;
}

static void arm(int restart) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sa.sa_flags = restart ? SA_RESTART : 0;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 0}, {0, 50000}};
  setitimer(ITIMER_REAL, &it, NULL);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int p[2];
  pipe(p);
  char c;
  arm(0);
  ssize_t r = read(p[0], &c, 1);
  printf("no restart: read %zd %s\n", r, r < 0 && errno == EINTR ? "EINTR" : "?");

  // With SA_RESTART the read resumes after the handler and gets the byte a
  // child writes later.
  pid_t child = fork();
  if (child == 0) {
    usleep(200000);
    write(p[1], "z", 1);
    _exit(0);
  }
  arm(1);
  r = read(p[0], &c, 1);
  printf("restart: read %zd '%c'\n", r, r == 1 ? c : '?');
  waitpid(child, NULL, 0);
  printf("handled %d\n", handled);
  printf("signal_read ok\n");
  return handled == 2 ? 0 : 1;
}
