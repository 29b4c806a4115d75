// K23 pitfall 5: sites rewritten while other threads run them.  8 threads call
// the same site at the same moment, round after round, each round a site never
// called before, so under --mode lazypoline every round races SUD's first catch,
// the rewrite, and calls through the new bytes.  Every call must return the right
// value, nothing may crash, and every call must be counted.
//   stress_lazy [rounds] [calls per thread per round]
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

extern char stress_sites[], stress_sites_end[];
enum { kThreads = 8 };

static int rounds, calls;
static pthread_barrier_t barrier;
static long expected_ppid;

static void* worker(void* arg) {
  (void)arg;
  long wrong = 0;
  for (int r = 0; r < rounds; ++r) {
    long (*site)(void) = (long (*)(void))(stress_sites + 16 * r);
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < calls; ++i) wrong += site() != expected_ppid;
  }
  return (void*)wrong;
}

int main(int argc, char** argv) {
  rounds = argc > 1 ? atoi(argv[1]) : 1000;
  calls = argc > 2 ? atoi(argv[2]) : 10;
  const int sites = (int)((stress_sites_end - stress_sites + 15) / 16);
  if (rounds > sites) rounds = sites;
  expected_ppid = getppid();
  pthread_barrier_init(&barrier, NULL, kThreads);
  pthread_t t[kThreads];
  for (int i = 0; i < kThreads; ++i) pthread_create(&t[i], NULL, worker, NULL);
  long wrong = 0;
  for (int i = 0; i < kThreads; ++i) {
    void* w;
    pthread_join(t[i], &w);
    wrong += (long)w;
  }
  printf("stress_lazy: %d rounds x %d threads x %d calls, %ld wrong\n", rounds, kThreads, calls, wrong);
  return wrong == 0 ? 0 : 1;
}
