// benign: a C program: allocation, formatted output, a file in its directory
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  char* buf = malloc(1 << 20);
  memset(buf, 'a', 1 << 20);
  FILE* f = fopen("c_out.txt", "w");
  if (f == NULL) return 1;
  fprintf(f, "%zu\n", strlen(buf) > 0 ? (size_t)(1 << 20) : 0);
  fclose(f);
  f = fopen("c_out.txt", "r");
  char line[64];
  if (f == NULL || fgets(line, sizeof line, f) == NULL) return 1;
  fclose(f);
  free(buf);
  printf("read back %s", line);
  printf("BENIGN-OK\n");
  return 0;
}
