/* xstate_run(const struct xstate_image* in, struct xstate_image* out,
 *            long iterations, long nr)
 * Loads every register the kernel's syscall ABI preserves with the patterns in
 * `in`, makes `iterations` raw syscalls `nr` from one site, and stores the
 * registers to `out`.  Layout: see xstate.c. */
#define OFF_ZMM   0
#define OFF_K     2048
#define OFF_ST    2112
#define OFF_GPR   2240
#define OFF_MXCSR 2336
#define OFF_FCW   2340

        .text
        .globl xstate_run
        .type xstate_run, @function
xstate_run:
        .cfi_startproc
        push    %rbx
        .cfi_adjust_cfa_offset 8
        push    %rbp
        .cfi_adjust_cfa_offset 8
        push    %r12
        .cfi_adjust_cfa_offset 8
        push    %r13
        .cfi_adjust_cfa_offset 8
        push    %r14
        .cfi_adjust_cfa_offset 8
        push    %r15
        .cfi_adjust_cfa_offset 8
        sub     $40, %rsp
        .cfi_adjust_cfa_offset 40
        mov     %rsi, 0(%rsp)           /* out */
        mov     %rdx, 8(%rsp)           /* iterations left */
        mov     %rcx, 16(%rsp)          /* nr */

        ldmxcsr OFF_MXCSR(%rdi)
        fldcw   OFF_FCW(%rdi)
        .irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        vmovdqu64 OFF_ZMM+\n*64(%rdi), %zmm\n
        .endr
        .irp n,0,1,2,3,4,5,6,7
        kmovq   OFF_K+\n*8(%rdi), %k\n
        .endr
        /* st0 ends up holding slot 0 */
        .irp n,7,6,5,4,3,2,1,0
        fldt    OFF_ST+\n*16(%rdi)
        .endr
        mov     OFF_GPR+0(%rdi), %rbx
        mov     OFF_GPR+8(%rdi), %rbp
        mov     OFF_GPR+16(%rdi), %r12
        mov     OFF_GPR+24(%rdi), %r13
        mov     OFF_GPR+32(%rdi), %r14
        mov     OFF_GPR+40(%rdi), %r15
        mov     OFF_GPR+56(%rdi), %rsi
        mov     OFF_GPR+64(%rdi), %rdx
        mov     OFF_GPR+72(%rdi), %r8
        mov     OFF_GPR+80(%rdi), %r9
        mov     OFF_GPR+88(%rdi), %r10
        mov     OFF_GPR+48(%rdi), %rdi
1:
        mov     16(%rsp), %rax
        syscall
        decq    8(%rsp)
        jnz     1b

        sub     $16, %rsp
        .cfi_adjust_cfa_offset 16
        mov     %rdi, 0(%rsp)
        mov     16(%rsp), %rdi          /* out */
        mov     %rbx, OFF_GPR+0(%rdi)
        mov     %rbp, OFF_GPR+8(%rdi)
        mov     %r12, OFF_GPR+16(%rdi)
        mov     %r13, OFF_GPR+24(%rdi)
        mov     %r14, OFF_GPR+32(%rdi)
        mov     %r15, OFF_GPR+40(%rdi)
        mov     %rsi, OFF_GPR+56(%rdi)
        mov     %rdx, OFF_GPR+64(%rdi)
        mov     %r8, OFF_GPR+72(%rdi)
        mov     %r9, OFF_GPR+80(%rdi)
        mov     %r10, OFF_GPR+88(%rdi)
        mov     0(%rsp), %rax
        mov     %rax, OFF_GPR+48(%rdi)
        add     $16, %rsp
        .cfi_adjust_cfa_offset -16
        .irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        vmovdqu64 %zmm\n, OFF_ZMM+\n*64(%rdi)
        .endr
        .irp n,0,1,2,3,4,5,6,7
        kmovq   %k\n, OFF_K+\n*8(%rdi)
        .endr
        .irp n,0,1,2,3,4,5,6,7
        fstpt   OFF_ST+\n*16(%rdi)
        .endr
        stmxcsr OFF_MXCSR(%rdi)
        fnstcw  OFF_FCW(%rdi)
        vzeroupper
        add     $40, %rsp
        .cfi_adjust_cfa_offset -40
        pop     %r15
        .cfi_adjust_cfa_offset -8
        pop     %r14
        .cfi_adjust_cfa_offset -8
        pop     %r13
        .cfi_adjust_cfa_offset -8
        pop     %r12
        .cfi_adjust_cfa_offset -8
        pop     %rbp
        .cfi_adjust_cfa_offset -8
        pop     %rbx
        .cfi_adjust_cfa_offset -8
        ret
        .cfi_endproc
        .size xstate_run, .-xstate_run

        .section .note.GNU-stack,"",@progbits
