// 8 threads making syscalls at the same time: each thread needs its own block,
// and no call may be lost or counted twice.
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { kThreads = 8, kRounds = 2000 };

static void* worker(void* arg) {
  long id = (long)arg, sum = 0;
  int fd = open("/dev/null", O_WRONLY);
  for (int i = 0; i < kRounds; ++i) {
    sum += getppid() > 0;
    sum += write(fd, "x", 1);
    sum += syscall(SYS_gettid) > 0;
  }
  close(fd);
  return (void*)(sum + id * 0);
}

int main(void) {
  pthread_t t[kThreads];
  for (long i = 0; i < kThreads; ++i) pthread_create(&t[i], NULL, worker, (void*)i);
  long total = 0;
  for (int i = 0; i < kThreads; ++i) {
    void* r;
    pthread_join(t[i], &r);
    total += (long)r;
  }
  printf("threads8 ok %ld\n", total);
  return total == (long)kThreads * kRounds * 3 ? 0 : 1;
}
