// K23 pitfall 2: the program tries to switch the runtime's SIGSYS path off.
//   - turns Syscall User Dispatch off with prctl;
//   - installs its own SIGSYS handler, and gets SIGSYS itself (kill, and its own
//     seccomp filter's SECCOMP_RET_TRAP) as it would natively;
//   - blocks SIGSYS with sigprocmask, pthread_sigmask, and waits with it blocked;
//   - moves the alternate signal stack;
// and after each, makes syscalls from code made at run time, which only SUD can
// catch: they must keep working (and be counted).
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#include "jit.h"

static jit_syscall_fn jit;
static volatile int sigsys_seen, sigsys_code, sigsys_nr;

static void on_sigsys(int sig, siginfo_t* si, void* ucv) {
  (void)sig;
  ucontext_t* uc = ucv;
  sigsys_seen++;
  sigsys_code = si->si_code;
  sigsys_nr = si->si_syscall;
  if (si->si_code == 1 /* SYS_SECCOMP */) uc->uc_mcontext.gregs[REG_RAX] = 4242;  // emulate it
}

static int jit_calls(int n) {
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += jit(SYS_getppid, 0, 0, 0) == getppid();
  return ok;
}

static void* thread_main(void* arg) {
  (void)arg;
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGSYS);
  pthread_sigmask(SIG_BLOCK, &s, NULL);
  return (void*)(long)jit_calls(100);
}

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  jit = make_jit_syscall(1);

  // 1. SUD off.
  int r = prctl(59 /* PR_SET_SYSCALL_USER_DISPATCH */, 0 /* OFF */, 0, 0, 0);
  printf("sud off: %d, jit calls %d/100\n", r, jit_calls(100));

  // 2. Our own SIGSYS handler.
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, NULL);
  sigaction(SIGSYS, NULL, &old);
  printf("handler installed: %s, jit calls %d/100\n", old.sa_sigaction == on_sigsys ? "ours" : "other",
         jit_calls(100));
  kill(getpid(), SIGSYS);
  printf("kill(SIGSYS): seen %d code %s\n", sigsys_seen, sigsys_code == SI_USER ? "SI_USER" : "?");

  // 3. Blocking SIGSYS, three ways.
  sigset_t s, got;
  sigemptyset(&s);
  sigaddset(&s, SIGSYS);
  sigprocmask(SIG_BLOCK, &s, NULL);
  sigprocmask(SIG_BLOCK, NULL, &got);
  printf("sigprocmask: SIGSYS blocked %d, jit calls %d/100\n", sigismember(&got, SIGSYS), jit_calls(100));
  pthread_t t;
  void* tr;
  pthread_create(&t, NULL, thread_main, NULL);
  pthread_join(t, &tr);
  printf("pthread_sigmask in a thread: jit calls %ld/100\n", (long)tr);
  struct sigaction al;
  memset(&al, 0, sizeof al);
  al.sa_handler = on_alarm;
  sigfillset(&al.sa_mask);  // the handler masks SIGSYS too
  sigaction(SIGALRM, &al, NULL);
  struct itimerval it = {{0, 0}, {0, 20000}};
  setitimer(ITIMER_REAL, &it, NULL);
  sigset_t wait_mask;
  sigfillset(&wait_mask);
  sigdelset(&wait_mask, SIGALRM);  // SIGSYS stays in the mask
  r = sigsuspend(&wait_mask);
  printf("sigsuspend: %d %s, jit calls %d/100\n", r, errno == EINTR ? "EINTR" : "?", jit_calls(100));
  sigprocmask(SIG_UNBLOCK, &s, NULL);

  // 4. The alternate signal stack.
  static char small[16384];
  stack_t ss = {.ss_sp = small, .ss_size = sizeof small, .ss_flags = 0}, oss;
  r = sigaltstack(&ss, NULL);
  sigaltstack(NULL, &oss);
  printf("sigaltstack: %d, reads back %s, jit calls %d/100\n", r, oss.ss_sp == small ? "ours" : "other",
         jit_calls(100));
  ss.ss_flags = SS_DISABLE;
  sigaltstack(&ss, NULL);
  printf("sigaltstack disabled: jit calls %d/100\n", jit_calls(100));

  // 5. Its own seccomp filter: trap uname, allow everything else.
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_uname, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {sizeof filter / sizeof filter[0], filter};
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
  long u = syscall(SYS_uname, NULL);
  printf("seccomp trap filter: %d, uname -> %ld, handler saw nr %d code %s\n", r, u, sigsys_nr,
         sigsys_code == 1 ? "SYS_SECCOMP" : "?");
  printf("jit calls after filter %d/100\n", jit_calls(100));
  printf("pitfall_signals ok\n");
  return 0;
}
