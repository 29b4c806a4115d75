// K23 pitfall 3: bytes 0f 05 that are not a syscall instruction must never be
// rewritten.  They sit in code (inside an immediate, behind an unconditional
// jump inside a function with unwind info, in a table outside any function);
// the program checks they are unchanged after start-up, and runs the code.
#include <stdio.h>
#include <string.h>

extern const unsigned char data_in_function[], after_jump[], table_outside[];
long bytes_function(void);

__asm__(
    ".text\n"
    ".globl bytes_function\n"
    ".type bytes_function, @function\n"
    "bytes_function:\n"
    "  .cfi_startproc\n"
    "  mov $0x050f050f, %eax\n"          /* 0f 05 inside an immediate */
    "  jmp 1f\n"
    ".globl after_jump\n"
    "after_jump:\n"
    "  .byte 0x0f, 0x05, 0x0f, 0x05\n"  /* data behind the jump */
    "1:\n"
    "  ret\n"
    "  .cfi_endproc\n"
    ".size bytes_function, .-bytes_function\n"
    ".globl data_in_function\n"
    "data_in_function = bytes_function + 1\n"
    ".p2align 4\n"
    ".globl table_outside\n"
    "table_outside:\n"                   /* no CFI covers this */
    "  .byte 0x0f, 0x05, 0x0f, 0x05, 0x0f, 0x05, 0x0f, 0x05\n");

int main(void) {
  static const unsigned char want[] = {0x0f, 0x05, 0x0f, 0x05};
  printf("immediate %s\n", memcmp(data_in_function, want, 4) == 0 ? "intact" : "CHANGED");
  printf("behind jump %s\n", memcmp(after_jump, want, 4) == 0 ? "intact" : "CHANGED");
  printf("table %s\n", memcmp(table_outside, want, 4) == 0 ? "intact" : "CHANGED");
  printf("function returns %#lx\n", bytes_function());
  return 0;
}
