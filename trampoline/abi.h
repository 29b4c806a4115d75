/* The one interface between the entry stub (entry.S) and the C++ hook path.
 *
 * Everything that runs inside the interposed program on the hook path lives in
 * trampoline/: the page-0 sled, the entry stub, the gate, and the C++ dispatch code
 * (compiled freestanding, general registers only, no libc).  This header is the
 * contract between its assembly and its C++ halves, and is included by both.  Any
 * change to a layout below bumps INTERPOSE_TRAMPOLINE_ABI_VERSION; the C++ side
 * static_asserts every offset.
 */
#ifndef INTERPOSE_TRAMPOLINE_ABI_H
#define INTERPOSE_TRAMPOLINE_ABI_H

#define INTERPOSE_TRAMPOLINE_ABI_VERSION 2

/* ---- page 0 ---------------------------------------------------------------
 * [0, SLED_SIZE)          one entry per syscall number, all sliding to SLED_SIZE
 *                         (prefixed nops, see INTERPOSE_SLED_CHUNK)
 * [SLED_SIZE, +blob)      the gate blob, interpose_entry first
 * [.., PAGE_ZERO_SIZE)    hlt: `call *%rax` with rax past the sled faults (SIGSEGV)
 */
#define INTERPOSE_PAGE_ZERO_SIZE 4096
#define INTERPOSE_SLED_SIZE 512
/* The sled is made of 15-byte nops (14 operand-size prefixes and 0x90), each
 * a valid instruction from any of its bytes: at most 35 of them run, where 512
 * one-byte nops cost the lowest syscall numbers ~15 ns (measured; docs/performance.md). */
#define INTERPOSE_SLED_CHUNK 15

/* ---- the runtime's announcement ----------------------------------------------
 * As soon as its gate blob is in place, the runtime makes this (nonexistent, hence
 * ENOSYS) syscall through its internal gate: syscall(INTERPOSE_READY_SYSCALL,
 * INTERPOSE_READY_MAGIC, internal syscall site, gate begin, gate end).  A tracer
 * (the test suite's ground truth) learns from it which `syscall` is the runtime's
 * own: every later syscall from there is the runtime's, every other one the
 * program's (dispatched, or before SUD is armed seen by the launcher's boot
 * filter). */
/* Lazy rewriting (lazypoline, k23 off-profile): a site is rewritten on the
 * SIGSYS that catches it for the Nth time, not the first.  A SUD round trip
 * costs ~5 us here, a rewrite ~50 us in a real program (the function's decode,
 * two mprotects, a copy-on-write fault at ~10 us each): sites called a few
 * times -- most of a program's start-up -- are cheaper left to SUD, and a hot
 * site pays N-1 traps once (ski rental). */
#define INTERPOSE_LAZY_TRAPS_BEFORE_REWRITE 4

#define INTERPOSE_READY_SYSCALL 0x494e54
#define INTERPOSE_READY_MAGIC 0x7265616479 /* "ready" */
/* When the runtime answers one of the program's syscalls itself, without the
 * kernel (a protected fd, the virtual SIGSYS disposition, ...), it says so with
 * syscall(INTERPOSE_EMULATED_SYSCALL, nr) through the internal gate, so that a
 * tracer's count of the program's syscalls stays complete. */
#define INTERPOSE_EMULATED_SYSCALL 0x494e55
/* The exit status of a process whose runtime cannot enforce the launcher's
 * policy (no interposition possible in it): it stops before running any of the
 * program's code rather than run unchecked. */
#define INTERPOSE_EXIT_UNENFORCEABLE 118

/* ---- how the stub was entered (Frame.kind) ------------------------------------ */
#define INTERPOSE_KIND_REWRITTEN 0 /* `call *%rax` at a rewritten site: [rsp] = site+2 */
#define INTERPOSE_KIND_REDIRECTED 1 /* SIGSYS handler redirected a trapped site:      \
                                       [rsp] = site+2, the caller's rsp is rsp+8+128 */

#define INTERPOSE_RED_ZONE 128

/* ---- what dispatch asks the stub to do (its return value, also Frame.action) --- */
#define INTERPOSE_ACTION_EXECUTE 0       /* run call_nr/call_args through the gate */
#define INTERPOSE_ACTION_RETURN 1        /* skip the kernel: the result is Frame.result */
#define INTERPOSE_ACTION_FORK 2          /* execute; in the child call interpose_fork_child */
#define INTERPOSE_ACTION_CLONE_NEWSTACK 3 /* child starts on Frame.child_sp */
#define INTERPOSE_ACTION_VFORK 4         /* child shares this stack: keep nothing on it */
#define INTERPOSE_ACTION_SIGRETURN 5     /* rt_sigreturn on the caller's own stack pointer */
#define INTERPOSE_ACTION_FAULT 6         /* wild jump into page 0: fault like the jump would */
#define INTERPOSE_ACTION_MASK 0xff
#define INTERPOSE_ACTION_AFTER 0x100 /* call interpose_after(frame, result) afterwards */

/* Frame.child_word: the new thread block (page aligned) | what the child is. */
#define INTERPOSE_CHILD_THREAD 1  /* CLONE_VM thread: takes the block the parent made */
#define INTERPOSE_CHILD_VFORK 2   /* CLONE_VM|CLONE_VFORK: borrows the parent's block */
#define INTERPOSE_CHILD_PROCESS 3 /* own address space: claims a block of its own */
#define INTERPOSE_CHILD_KIND_MASK 0xfff

/* ---- the frame the stub builds below the caller's red zone ---------------------
 * Lowest address first; the stub pushes the upper part and reserves the scratch. */
#define INTERPOSE_FRAME_ACTION 0
#define INTERPOSE_FRAME_RESULT 8
#define INTERPOSE_FRAME_CHILD_SP 16
#define INTERPOSE_FRAME_CHILD_WORD 24
#define INTERPOSE_FRAME_AUX 32 /* 3 words of scratch for dispatch */
#define INTERPOSE_FRAME_CALL_NR 56
#define INTERPOSE_FRAME_CALL_ARGS 64 /* rdi rsi rdx r10 r8 r9: what is executed */
#define INTERPOSE_FRAME_NR 112
#define INTERPOSE_FRAME_ARGS 120 /* rdi rsi rdx r10 r8 r9: the caller's, restored at exit */
#define INTERPOSE_FRAME_RFLAGS 168
#define INTERPOSE_FRAME_KIND 176
#define INTERPOSE_FRAME_RET_SLOT 184 /* address of the return-address slot */
#define INTERPOSE_FRAME_SIZE 192
#define INTERPOSE_FRAME_SCRATCH_SIZE 56 /* INTERPOSE_FRAME_ACTION .. INTERPOSE_FRAME_CALL_NR */

/* ---- the thread block: one page per thread, %gs base points at it ---------------
 * Only the fields the stub reads are listed here; ThreadBlock in thread.h has all. */
#define INTERPOSE_TB_SELF 0
#define INTERPOSE_TB_VFORK_DEPTH 16
#define INTERPOSE_TB_VFORK_RET 24
#define INTERPOSE_TB_VFORK_MAX 4
#define INTERPOSE_TB_SIZE 4096

#define INTERPOSE_RFLAGS_DF 0x400

#ifndef __ASSEMBLER__
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct interpose_frame {
  uint64_t action;
  int64_t result;
  uint64_t child_sp;
  uint64_t child_word;
  uint64_t aux[3];
  uint64_t call_nr;
  uint64_t call_args[6];
  uint64_t nr;
  uint64_t args[6];
  uint64_t rflags;
  uint64_t kind;
  uint64_t ret_slot;
};

/* Labels in entry.S.  Everything between interpose_gate_begin and
 * interpose_gate_end is the gate blob, which only ever runs as the copy at the
 * gate address (gate.h): use gate_address(label), never a label itself. */
extern char interpose_gate_begin[], interpose_gate_end[], interpose_gate_table[];
extern char interpose_entry[], interpose_entry_redirected[];
extern char interpose_internal_syscall_site[]; /* the runtime's own `syscall` */
extern char interpose_sigreturn_restorer[];
long interpose_gate_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
long interpose_app_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* The runtime's syscalls before the blob is installed (outside the blob). */
long interpose_boot_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* Runs fn(arg) with the whole extended state (x87, SSE, AVX, AVX-512, ...) saved
 * around it: the way the hook path calls code that may touch vector registers. */
void interpose_call_with_xstate(void (*fn)(void*), void* arg);
extern uint64_t interpose_xsave_size; /* bytes, from CPUID leaf 0xD; 0 = use FXSAVE */
extern uint64_t interpose_xsave_mask; /* XCR0 */

/* Called by the stub (trampoline/dispatch.cc). */
uint64_t interpose_dispatch(struct interpose_frame* frame);
int64_t interpose_after(struct interpose_frame* frame, int64_t result);
void interpose_fork_child(struct interpose_frame* frame);
void interpose_clone_child(uint64_t child_word);
void interpose_vfork_child(void);

#ifdef __cplusplus
}
#endif
#endif /* !__ASSEMBLER__ */
#endif
