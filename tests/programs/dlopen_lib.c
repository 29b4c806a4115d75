// dlopen a library after start-up and make syscalls from it.
//   dlopen_lib LIBRARY [count]
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  void* h = dlopen(argv[1], RTLD_NOW);
  if (h == NULL) {
    printf("dlopen failed: %s\n", dlerror());
    return 1;
  }
  long (*f)(void) = (long (*)(void))dlsym(h, "syscaller_getppid");
  const int n = argc > 2 ? atoi(argv[2]) : 300;
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += f() == getppid();
  printf("dlopen: %d of %d calls right\n", ok, n);
  return ok == n ? 0 : 1;
}
