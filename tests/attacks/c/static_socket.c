// threat: a statically linked program, which LD_PRELOAD cannot reach: exec'd
// from the sandbox it would run unchecked, so the exec must be refused
// (built -static; the runner execs it from a python program)
// expect: blocked
#include <stdio.h>
#include <sys/socket.h>

int main(void) {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s >= 0) printf("ATTACK-SUCCEEDED static program opened socket %d\n", s);
  else printf("ATTACK-BLOCKED static socket refused\n");
  return 0;
}
