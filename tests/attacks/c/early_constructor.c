// threat: code that runs before the runtime is ready: a library's constructor
// (it runs before libinterpose's), reading the grader's secret and opening a
// socket.  The launcher's boot server applies the policy to these calls.
// expect: blocked
#include <stdio.h>

extern int early_result;
extern char early_detail[256];

int main(void) {
  if (early_result) printf("ATTACK-SUCCEEDED %s\n", early_detail);
  else printf("ATTACK-BLOCKED %s\n", early_detail);
  return 0;
}
