// clone and clone3 with a stack the caller provides: the child starts on that
// stack at the instruction after the syscall, with nothing of the runtime's there.
#define _GNU_SOURCE
#include <linux/futex.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int hits;

static int child_fn(void* arg) {
  char msg[64];
  int n = snprintf(msg, sizeof msg, "child %s pid>0 %d\n", (const char*)arg, getpid() > 0);
  write(1, msg, (size_t)n);
  __atomic_fetch_add(&hits, 1, __ATOMIC_SEQ_CST);
  return 0;
}

static char* new_stack(void) {
  size_t size = 256 * 1024;
  char* s = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  return s + size;
}

// The raw syscall, the way a runtime or a language VM would write it: the child
// finds fn and arg on its new stack.
__attribute__((noinline)) static long raw_clone(unsigned long flags, char* stack, int* ctid,
                                                int (*fn)(void*), void* arg) {
  void** sp = (void**)stack;
  *--sp = arg;
  *--sp = (void*)fn;
  register long r10 __asm__("r10") = (long)ctid;
  register long r8 __asm__("r8") = 0;
  long ret;
  __asm__ volatile(
      "syscall\n\t"
      "test %%rax, %%rax\n\t"
      "jnz 1f\n\t"
      "pop %%rax\n\t"
      "pop %%rdi\n\t"
      "call *%%rax\n\t"
      "mov %%eax, %%edi\n\t"
      "mov $60, %%eax\n\t"
      "syscall\n\t"
      "1:\n\t"
      : "=a"(ret)
      : "a"((long)SYS_clone), "D"(flags), "S"(sp), "d"(0L), "r"(r10), "r"(r8)
      : "rcx", "r11", "memory");
  return ret;
}

__attribute__((noinline)) static long raw_clone3(struct clone_args* ca, int (*fn)(void*), void* arg) {
  void** sp = (void**)(uintptr_t)(ca->stack + ca->stack_size);
  *--sp = arg;
  *--sp = (void*)fn;
  ca->stack_size -= 16;
  long ret;
  __asm__ volatile(
      "syscall\n\t"
      "test %%rax, %%rax\n\t"
      "jnz 1f\n\t"
      "pop %%rax\n\t"
      "pop %%rdi\n\t"
      "call *%%rax\n\t"
      "mov %%eax, %%edi\n\t"
      "mov $60, %%eax\n\t"
      "syscall\n\t"
      "1:\n\t"
      : "=a"(ret)
      : "a"((long)SYS_clone3), "D"(ca), "S"(sizeof *ca)
      : "rcx", "r11", "memory");
  return ret;
}

static void wait_tid(volatile int* ctid) {
  while (*ctid != 0) syscall(SYS_futex, ctid, FUTEX_WAIT, *ctid, NULL, NULL, 0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int st;
  // glibc's clone(): a process sharing our memory.
  pid_t p = clone(child_fn, new_stack(), CLONE_VM | SIGCHLD, "glibc-clone");
  waitpid(p, &st, 0);
  printf("glibc clone status %d\n", WEXITSTATUS(st));

  // The raw syscall, as a process and as a thread.
  p = (pid_t)raw_clone(CLONE_VM | SIGCHLD, new_stack(), NULL, child_fn, "raw-clone-process");
  waitpid(p, &st, 0);
  printf("raw clone status %d\n", WEXITSTATUS(st));
  static int ctid;
  ctid = 1;
  long t = raw_clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                         CLONE_CHILD_CLEARTID,
                     new_stack(), &ctid, child_fn, "raw-clone-thread");
  if (t > 0) wait_tid(&ctid);
  printf("raw clone thread done\n");

  // clone3.
  struct clone_args ca;
  memset(&ca, 0, sizeof ca);
  ca.flags = CLONE_VM;
  ca.exit_signal = SIGCHLD;
  char* top = new_stack();
  ca.stack = (uint64_t)(uintptr_t)(top - 256 * 1024);
  ca.stack_size = 256 * 1024;
  p = (pid_t)raw_clone3(&ca, child_fn, "raw-clone3");
  waitpid(p, &st, 0);
  printf("raw clone3 status %d\n", WEXITSTATUS(st));

  printf("hits %d\n", hits);
  printf("clone_stack ok\n");
  return hits == 4 ? 0 : 1;
}
