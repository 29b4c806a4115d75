/* 1000 functions, each one syscall site: 16 bytes apart from stress_sites.
 * Each has unwind info, so lazy rewriting may rewrite it. */
        .text
        .p2align 4
        .globl stress_sites
stress_sites:
        .rept 1000
        .p2align 4
        .cfi_startproc
        mov     $110, %eax              /* getppid */
        syscall
        ret
        .cfi_endproc
        .endr
        .globl stress_sites_end
stress_sites_end:
        .section .note.GNU-stack,"",@progbits
