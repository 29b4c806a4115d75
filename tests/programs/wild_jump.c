// A jump to a small address, as a bug or an attacker would make: natively it
// faults; under interpose page 0 is mapped, and the runtime must fault it too.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  uintptr_t target = argc > 1 ? strtoul(argv[1], NULL, 0) : 0;
  printf("jumping to %#lx\n", (unsigned long)target);
  fflush(stdout);
  void (*f)(void) = (void (*)(void))target;
  // rax = a syscall number, as if the jump came from a rewritten site
  __asm__ volatile("mov $39, %%eax\n\tcall *%0" : : "r"(f) : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
                   "r10", "r11", "memory");
  printf("survived the jump\n");
  return 0;
}
