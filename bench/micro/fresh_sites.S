/* 65536 functions of one syscall site each (getppid), 16 bytes apart, each with
 * unwind info: a supply of sites never called before, for timing a site's first
 * call (under --mode lazypoline: SUD catches it and it is rewritten). */
        .text
        .p2align 12
        .globl bench_fresh_sites
bench_fresh_sites:
        .rept 65536
        .p2align 4
        .cfi_startproc
        mov     $110, %eax
        syscall
        ret
        .cfi_endproc
        .endr
        .section .note.GNU-stack,"",@progbits
