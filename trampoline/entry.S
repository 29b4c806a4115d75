/* The entry stub and the gates: the gate blob.
 *
 * Everything between interpose_gate_begin and interpose_gate_end is a
 * position-independent blob that the runtime copies to the gate address the
 * launcher chose (right after the sled in page 0, or a fixed page of its own under
 * --mode sud), with the table at its end filled in.  The copy is the range that
 * Syscall User Dispatch lets through, and the only code whose syscalls the
 * launcher's seccomp filter lets pass unseen: the stub's own `syscall`
 * instructions (which run the program's calls) and the runtime's gates.  The blob
 * as linked into libinterpose.so is never run.
 *
 * Contract with dispatch.cc: see abi.h.  The stub touches no vector or x87
 * register; dispatch is compiled with -mgeneral-regs-only, so the extended state
 * survives the hot path without XSAVE.
 */
#include "abi.h"
#include <asm/unistd_64.h>

        .section .text.interpose_gate,"ax",@progbits
        .p2align 6
        .globl interpose_gate_begin
        .hidden interpose_gate_begin
interpose_gate_begin:

/* Entered from the end of the page-0 sled: a rewritten site did `call *%rax`.
 *   rax = syscall number, [rsp] = site + 2, rcx and r11 are dead (the syscall
 *   instruction clobbers them too).  First in the blob: the sled's last nop falls
 *   through into it. */
        .globl interpose_entry
        .hidden interpose_entry
        .type interpose_entry, @function
interpose_entry:
        .cfi_startproc
        .cfi_def_cfa rsp, 8
        .cfi_offset rip, -8
        xor     %r11d, %r11d                    /* INTERPOSE_KIND_REWRITTEN */
.Lcommon:
        mov     %rsp, %rcx                      /* the return-address slot */
        .cfi_def_cfa_register rcx
        lea     -INTERPOSE_RED_ZONE(%rsp), %rsp /* never write the caller's red zone */
        and     $-16, %rsp
        push    %rcx                            /* INTERPOSE_FRAME_RET_SLOT */
        push    %r11                            /* INTERPOSE_FRAME_KIND */
        pushfq                                  /* INTERPOSE_FRAME_RFLAGS */
        push    %r9                             /* INTERPOSE_FRAME_ARGS: the caller's registers */
        push    %r8
        push    %r10
        push    %rdx
        push    %rsi
        push    %rdi
        push    %rax                            /* INTERPOSE_FRAME_NR */
        push    %r9                             /* INTERPOSE_FRAME_CALL_ARGS: what will run */
        push    %r8
        push    %r10
        push    %rdx
        push    %rsi
        push    %rdi
        push    %rax                            /* INTERPOSE_FRAME_CALL_NR */
        sub     $INTERPOSE_FRAME_SCRATCH_SIZE, %rsp
        /* CFA = *(rsp + INTERPOSE_FRAME_RET_SLOT) + 8 */
        .cfi_escape 0x0f, 0x06, 0x77, 0xb8, 0x01, 0x06, 0x23, 0x08
        cld
        mov     %rsp, %rdi
        call    *.Ltable_dispatch(%rip)
        test    %eax, %eax                      /* INTERPOSE_ACTION_EXECUTE, no AFTER */
        jnz     .Lother_action

        /* The hot path: run the call as asked and go back. */
        mov     INTERPOSE_FRAME_CALL_NR(%rsp), %rax
        mov     INTERPOSE_FRAME_CALL_ARGS+0(%rsp), %rdi
        mov     INTERPOSE_FRAME_CALL_ARGS+8(%rsp), %rsi
        mov     INTERPOSE_FRAME_CALL_ARGS+16(%rsp), %rdx
        mov     INTERPOSE_FRAME_CALL_ARGS+24(%rsp), %r10
        mov     INTERPOSE_FRAME_CALL_ARGS+32(%rsp), %r8
        mov     INTERPOSE_FRAME_CALL_ARGS+40(%rsp), %r9
        syscall
.Lrestore:
        /* rax = result.  Give back the caller's registers exactly, and rcx/r11 as
         * the kernel leaves them after a syscall (return address, rflags). */
        mov     INTERPOSE_FRAME_ARGS+0(%rsp), %rdi
        mov     INTERPOSE_FRAME_ARGS+8(%rsp), %rsi
        mov     INTERPOSE_FRAME_ARGS+16(%rsp), %rdx
        mov     INTERPOSE_FRAME_ARGS+24(%rsp), %r10
        mov     INTERPOSE_FRAME_ARGS+32(%rsp), %r8
        mov     INTERPOSE_FRAME_ARGS+40(%rsp), %r9
        mov     INTERPOSE_FRAME_RFLAGS(%rsp), %r11
        mov     INTERPOSE_FRAME_RET_SLOT(%rsp), %rcx
        cmpq    $INTERPOSE_KIND_REWRITTEN, INTERPOSE_FRAME_KIND(%rsp)
        jne     .Lreturn_redirected
        push    %r11
        popfq
        mov     %rcx, %rsp
        mov     (%rsp), %rcx
        ret
.Lreturn_redirected:
        push    %r11
        popfq
        mov     %rcx, %rsp
        mov     (%rsp), %rcx
        ret     $INTERPOSE_RED_ZONE

.Lother_action:
        movzbl  %al, %ecx
        cmp     $INTERPOSE_ACTION_EXECUTE, %ecx
        je      .Lexecute_then_after
        cmp     $INTERPOSE_ACTION_RETURN, %ecx
        je      .Lreturn_result
        cmp     $INTERPOSE_ACTION_FORK, %ecx
        je      .Lfork
        cmp     $INTERPOSE_ACTION_CLONE_NEWSTACK, %ecx
        je      .Lclone_newstack
        cmp     $INTERPOSE_ACTION_VFORK, %ecx
        je      .Lvfork
        cmp     $INTERPOSE_ACTION_SIGRETURN, %ecx
        je      .Lsigreturn
        cmp     $INTERPOSE_ACTION_FAULT, %ecx
        je      .Lfault
        ud2                                     /* dispatch broke the contract */

.Lreturn_result:
        mov     INTERPOSE_FRAME_RESULT(%rsp), %rax
        jmp     .Lmaybe_after

.Lexecute_then_after:
        call    .Lload_and_syscall
.Lmaybe_after:
        testl   $INTERPOSE_ACTION_AFTER, INTERPOSE_FRAME_ACTION(%rsp)
        jz      .Lrestore
        mov     %rsp, %rdi
        mov     %rax, %rsi
        call    *.Ltable_after(%rip)
        jmp     .Lrestore

/* fork, and clone without CLONE_VM on the same stack: the child has a copy of
 * this frame and returns through it. */
.Lfork:
        call    .Lload_and_syscall
        test    %rax, %rax
        jnz     .Lmaybe_after
        mov     %rsp, %rdi
        call    *.Ltable_fork_child(%rip)
        xor     %eax, %eax
        jmp     .Lrestore

/* clone/clone3 with a stack for the child.  The child starts on that stack with
 * nothing of ours on it, so the parent leaves it the return address and the child
 * word just below the child's stack pointer (below anything the caller put there;
 * the kernel never writes there, signal frames skip 128 bytes). */
.Lclone_newstack:
        mov     INTERPOSE_FRAME_CHILD_SP(%rsp), %rcx
        mov     INTERPOSE_FRAME_RET_SLOT(%rsp), %r11
        mov     (%r11), %r11
        mov     %r11, -8(%rcx)
        mov     INTERPOSE_FRAME_CHILD_WORD(%rsp), %r11
        mov     %r11, -16(%rcx)
        mov     INTERPOSE_FRAME_CALL_NR(%rsp), %rax       /* inline: the child must not `ret` */
        mov     INTERPOSE_FRAME_CALL_ARGS+0(%rsp), %rdi
        mov     INTERPOSE_FRAME_CALL_ARGS+8(%rsp), %rsi
        mov     INTERPOSE_FRAME_CALL_ARGS+16(%rsp), %rdx
        mov     INTERPOSE_FRAME_CALL_ARGS+24(%rsp), %r10
        mov     INTERPOSE_FRAME_CALL_ARGS+32(%rsp), %r8
        mov     INTERPOSE_FRAME_CALL_ARGS+40(%rsp), %r9
        syscall
        test    %rax, %rax
        jnz     .Lmaybe_after
        /* The child: rsp = its new stack, every other register as the parent had
         * it at the syscall.  Set up its thread, then start it where the call
         * would have returned. */
        lea     -16(%rsp), %rsp
        push    %rdi
        push    %rsi
        push    %rdx
        push    %r10
        push    %r8
        push    %r9
        push    %rbp
        mov     %rsp, %rbp
        and     $-16, %rsp
        mov     56(%rbp), %rdi                  /* the child word */
        call    *.Ltable_clone_child(%rip)
        mov     %rbp, %rsp
        pop     %rbp
        pop     %r9
        pop     %r8
        pop     %r10
        pop     %rdx
        pop     %rsi
        pop     %rdi
        lea     16(%rsp), %rsp
        mov     -8(%rsp), %rcx
        xor     %eax, %eax
        jmp     *%rcx

/* vfork, and CLONE_VM without a new stack: parent and child share this stack and
 * the child runs first, so nothing of ours may live on it across the syscall.
 * dispatch has pushed the return address on the thread block's vfork stack. */
.Lvfork:
        mov     INTERPOSE_FRAME_RET_SLOT(%rsp), %r11
        lea     8(%r11), %r11
        cmpq    $INTERPOSE_KIND_REWRITTEN, INTERPOSE_FRAME_KIND(%rsp)
        je      1f
        add     $INTERPOSE_RED_ZONE, %r11
1:      mov     INTERPOSE_FRAME_CALL_NR(%rsp), %rax
        mov     INTERPOSE_FRAME_CALL_ARGS+0(%rsp), %rdi
        mov     INTERPOSE_FRAME_CALL_ARGS+8(%rsp), %rsi
        mov     INTERPOSE_FRAME_CALL_ARGS+16(%rsp), %rdx
        mov     INTERPOSE_FRAME_CALL_ARGS+24(%rsp), %r10
        mov     INTERPOSE_FRAME_CALL_ARGS+32(%rsp), %r8
        mov     INTERPOSE_FRAME_CALL_ARGS+40(%rsp), %r9
        mov     %r11, %rsp                      /* the caller's stack pointer */
        syscall
        mov     %gs:INTERPOSE_TB_SELF, %r11
        mov     INTERPOSE_TB_VFORK_DEPTH(%r11), %ecx
        test    %rax, %rax
        jz      .Lvfork_child
        dec     %ecx                            /* parent (or failure): pop */
        mov     %ecx, INTERPOSE_TB_VFORK_DEPTH(%r11)
        mov     INTERPOSE_TB_VFORK_RET(%r11,%rcx,8), %rcx
        jmp     *%rcx
.Lvfork_child:
        /* The parent is suspended until we exec or exit; below its red zone the
         * stack is ours. */
        lea     -INTERPOSE_RED_ZONE(%rsp), %rsp
        push    %rdi
        push    %rsi
        push    %rdx
        push    %r10
        push    %r8
        push    %r9
        push    %rbp
        mov     %rsp, %rbp
        and     $-16, %rsp
        call    *.Ltable_vfork_child(%rip)
        mov     %rbp, %rsp
        pop     %rbp
        pop     %r9
        pop     %r8
        pop     %r10
        pop     %rdx
        pop     %rsi
        pop     %rdi
        lea     INTERPOSE_RED_ZONE(%rsp), %rsp
        mov     %gs:INTERPOSE_TB_SELF, %r11
        mov     INTERPOSE_TB_VFORK_DEPTH(%r11), %ecx
        mov     INTERPOSE_TB_VFORK_RET-8(%r11,%rcx,8), %rcx /* peek: the parent pops */
        xor     %eax, %eax
        jmp     *%rcx

/* rt_sigreturn reads the signal frame at the caller's stack pointer: give it
 * exactly that, and nothing of ours survives. */
.Lsigreturn:
        mov     INTERPOSE_FRAME_RET_SLOT(%rsp), %r11
        lea     8(%r11), %r11
        cmpq    $INTERPOSE_KIND_REWRITTEN, INTERPOSE_FRAME_KIND(%rsp)
        je      1f
        add     $INTERPOSE_RED_ZONE, %r11
1:      mov     %r11, %rsp
        mov     $__NR_rt_sigreturn, %eax
        syscall
        ud2

/* A jump into page 0 that did not come from a rewritten site: put everything back
 * as it was at the jump and fault, as the jump would have without page 0. */
.Lfault:
        mov     INTERPOSE_FRAME_NR(%rsp), %rax
        mov     INTERPOSE_FRAME_ARGS+0(%rsp), %rdi
        mov     INTERPOSE_FRAME_ARGS+8(%rsp), %rsi
        mov     INTERPOSE_FRAME_ARGS+16(%rsp), %rdx
        mov     INTERPOSE_FRAME_ARGS+24(%rsp), %r10
        mov     INTERPOSE_FRAME_ARGS+32(%rsp), %r8
        mov     INTERPOSE_FRAME_ARGS+40(%rsp), %r9
        mov     INTERPOSE_FRAME_RET_SLOT(%rsp), %rsp
1:      hlt                                     /* privileged: SIGSEGV */
        jmp     1b

/* Loads the call registers from the frame (which sits just above our own return
 * address) and executes it. */
.Lload_and_syscall:
        mov     INTERPOSE_FRAME_CALL_NR+8(%rsp), %rax
        mov     INTERPOSE_FRAME_CALL_ARGS+8+0(%rsp), %rdi
        mov     INTERPOSE_FRAME_CALL_ARGS+8+8(%rsp), %rsi
        mov     INTERPOSE_FRAME_CALL_ARGS+8+16(%rsp), %rdx
        mov     INTERPOSE_FRAME_CALL_ARGS+8+24(%rsp), %r10
        mov     INTERPOSE_FRAME_CALL_ARGS+8+32(%rsp), %r8
        mov     INTERPOSE_FRAME_CALL_ARGS+8+40(%rsp), %r9
        syscall
        ret
        .cfi_endproc
        .size interpose_entry, .-interpose_entry

/* Entered by the SIGSYS handler rewriting the trapped context: it has stored the
 * return address 136 bytes below the caller's stack pointer (so the caller's red
 * zone stays intact) and pointed rsp at it. */
        .globl interpose_entry_redirected
        .hidden interpose_entry_redirected
        .type interpose_entry_redirected, @function
interpose_entry_redirected:
        .cfi_startproc
        .cfi_def_cfa rsp, 8
        .cfi_offset rip, -8
        mov     $INTERPOSE_KIND_REDIRECTED, %r11d
        jmp     .Lcommon
        .cfi_endproc
        .size interpose_entry_redirected, .-interpose_entry_redirected


/* long interpose_app_syscall(nr, a1, ..., a6): a call the program made, run by
 * dispatch itself (execve with the runtime put back into its environment). */
        .p2align 4
        .globl interpose_app_syscall
        .hidden interpose_app_syscall
        .type interpose_app_syscall, @function
interpose_app_syscall:
        .cfi_startproc
        /* Only the runtime's own code calls the gates: a return address outside
         * libinterpose.so's text is someone jumping here to bypass dispatch. */
        mov     (%rsp), %r11
        cmp     .Ltable_text_begin(%rip), %r11
        jb      .Lgate_misuse
        cmp     .Ltable_text_end(%rip), %r11
        jae     .Lgate_misuse
        mov     %rdi, %rax
        mov     %rsi, %rdi
        mov     %rdx, %rsi
        mov     %rcx, %rdx
        mov     %r8, %r10
        mov     %r9, %r8
        mov     8(%rsp), %r9
        syscall
        /* ... and whoever jumped past that check gets one call, not two. */
        mov     (%rsp), %r11
        cmp     .Ltable_text_begin(%rip), %r11
        jb      .Lgate_misuse
        cmp     .Ltable_text_end(%rip), %r11
        jae     .Lgate_misuse
        ret
        .cfi_endproc
        .size interpose_app_syscall, .-interpose_app_syscall

/* long interpose_gate_syscall(nr, a1, a2, a3, a4, a5, a6): the runtime's own. */
        .p2align 4
        .globl interpose_gate_syscall
        .hidden interpose_gate_syscall
        .type interpose_gate_syscall, @function
interpose_gate_syscall:
        .cfi_startproc
        /* Only the runtime's own code calls the gates: a return address outside
         * libinterpose.so's text is someone jumping here to bypass dispatch. */
        mov     (%rsp), %r11
        cmp     .Ltable_text_begin(%rip), %r11
        jb      .Lgate_misuse
        cmp     .Ltable_text_end(%rip), %r11
        jae     .Lgate_misuse
        mov     %rdi, %rax
        mov     %rsi, %rdi
        mov     %rdx, %rsi
        mov     %rcx, %rdx
        mov     %r8, %r10
        mov     %r9, %r8
        mov     8(%rsp), %r9
        .globl interpose_internal_syscall_site
        .hidden interpose_internal_syscall_site
interpose_internal_syscall_site:
        syscall
        /* ... and whoever jumped past that check gets one call, not two. */
        mov     (%rsp), %r11
        cmp     .Ltable_text_begin(%rip), %r11
        jb      .Lgate_misuse
        cmp     .Ltable_text_end(%rip), %r11
        jae     .Lgate_misuse
        ret
.Lgate_misuse:
        mov     $__NR_exit_group, %eax
        mov     $(128 + 31), %edi               /* as if killed by SIGSYS */
        syscall
        ud2
        .cfi_endproc
        .size interpose_gate_syscall, .-interpose_gate_syscall

/* The SIGSYS handler's sa_restorer: rt_sigreturn through the internal site, so
 * a tracer counts it as the runtime's own. */
        .p2align 4
        .globl interpose_sigreturn_restorer
        .hidden interpose_sigreturn_restorer
        .type interpose_sigreturn_restorer, @function
interpose_sigreturn_restorer:
        mov     $__NR_rt_sigreturn, %eax
        jmp     interpose_internal_syscall_site
        .size interpose_sigreturn_restorer, .-interpose_sigreturn_restorer

/* Filled in by the runtime in the copy (see gate.h: GateTable). */
        .p2align 3
        .globl interpose_gate_table
        .hidden interpose_gate_table
interpose_gate_table:
.Ltable_dispatch:       .quad 0
.Ltable_after:          .quad 0
.Ltable_fork_child:     .quad 0
.Ltable_clone_child:    .quad 0
.Ltable_vfork_child:    .quad 0
.Ltable_text_begin:     .quad 0         /* the runtime's own text: the gates' callers */
.Ltable_text_end:       .quad 0
        .globl interpose_gate_end
        .hidden interpose_gate_end
interpose_gate_end:

/* long interpose_boot_syscall(nr, a1, ..., a6): the runtime's syscalls until its
 * gate blob is in place.  Outside the blob, so once SUD is armed a jump here is
 * caught like any other syscall. */
        .text
        .p2align 4
        .globl interpose_boot_syscall
        .hidden interpose_boot_syscall
        .type interpose_boot_syscall, @function
interpose_boot_syscall:
        .cfi_startproc
        mov     %rdi, %rax
        mov     %rsi, %rdi
        mov     %rdx, %rsi
        mov     %rcx, %rdx
        mov     %r8, %r10
        mov     %r9, %r8
        mov     8(%rsp), %r9
        syscall
        ret
        .cfi_endproc
        .size interpose_boot_syscall, .-interpose_boot_syscall

/* void interpose_call_with_xstate(void (*fn)(void*), void* arg) */
        .text
        .p2align 4
        .globl interpose_call_with_xstate
        .hidden interpose_call_with_xstate
        .type interpose_call_with_xstate, @function
interpose_call_with_xstate:
        .cfi_startproc
        push    %rbp
        .cfi_def_cfa_offset 16
        .cfi_offset rbp, -16
        mov     %rsp, %rbp
        .cfi_def_cfa_register rbp
        push    %rbx
        push    %r12
        .cfi_offset rbx, -24
        .cfi_offset r12, -32
        mov     %rdi, %rbx
        mov     %rsi, %r12
        mov     interpose_xsave_size(%rip), %rcx
        test    %rcx, %rcx
        jz      .Lfxsave
        sub     %rcx, %rsp
        and     $-64, %rsp
        xor     %eax, %eax                      /* XSAVE leaves header bytes 8..63 */
        mov     %rax, 512(%rsp)
        mov     %rax, 520(%rsp)
        mov     %rax, 528(%rsp)
        mov     %rax, 536(%rsp)
        mov     %rax, 544(%rsp)
        mov     %rax, 552(%rsp)
        mov     %rax, 560(%rsp)
        mov     %rax, 568(%rsp)
        mov     interpose_xsave_mask(%rip), %eax
        mov     interpose_xsave_mask+4(%rip), %edx
        xsave64 (%rsp)
        mov     %r12, %rdi
        call    *%rbx
        mov     interpose_xsave_mask(%rip), %eax
        mov     interpose_xsave_mask+4(%rip), %edx
        xrstor64 (%rsp)
        jmp     .Ldone
.Lfxsave:
        sub     $512, %rsp
        and     $-64, %rsp
        fxsave64 (%rsp)
        mov     %r12, %rdi
        call    *%rbx
        fxrstor64 (%rsp)
.Ldone:
        lea     -16(%rbp), %rsp
        pop     %r12
        pop     %rbx
        pop     %rbp
        .cfi_def_cfa rsp, 8
        ret
        .cfi_endproc
        .size interpose_call_with_xstate, .-interpose_call_with_xstate

        .section .note.GNU-stack,"",@progbits
