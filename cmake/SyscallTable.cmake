# Generates the syscall name table from the kernel's own header at build time.
# The preprocessor resolves <asm/unistd_64.h> exactly as the runtime's sources do,
# so the names and numbers cannot drift from what the code is compiled against;
# the generated header static_asserts every entry against the __NR_ macros.
set(INTERPOSE_GENERATED_DIR ${CMAKE_BINARY_DIR}/generated)
set(INTERPOSE_SYSCALL_TABLE ${INTERPOSE_GENERATED_DIR}/interpose/syscall_table.inc)
add_custom_command(
  OUTPUT ${INTERPOSE_SYSCALL_TABLE} ${INTERPOSE_GENERATED_DIR}/interpose/syscall_table_i386.inc
         ${INTERPOSE_GENERATED_DIR}/interpose/errno_table.inc ${INTERPOSE_GENERATED_DIR}/interpose/syscall_arity.inc
  COMMAND ${CMAKE_COMMAND}
          -DCC=${CMAKE_C_COMPILER}
          -DOUT=${INTERPOSE_SYSCALL_TABLE}
          -DARITY=${CMAKE_SOURCE_DIR}/trampoline/syscall_arity.txt
          -P ${CMAKE_SOURCE_DIR}/cmake/gen_syscall_table.cmake
  DEPENDS ${CMAKE_SOURCE_DIR}/cmake/gen_syscall_table.cmake ${CMAKE_SOURCE_DIR}/trampoline/syscall_arity.txt
  COMMENT "Generating the syscall table from <asm/unistd_64.h>"
  VERBATIM)
add_custom_target(interpose_syscall_table DEPENDS ${INTERPOSE_SYSCALL_TABLE})
