// A library loaded with dlopen after start-up, making raw syscalls.
long syscaller_getppid(void) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(110L) : "rcx", "r11", "memory");
  return r;
}
