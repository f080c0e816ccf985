/* personality/c/core/state.h — the process-wide and per-thread state
 * (defined in core/state.c): the per-thread struct the gate saves into,
 * found by the LDT slot of %gs, and what init kept of the loader's
 * arguments. The look-up from %gs is written here once in C and once in
 * personality/asm/thread_self.inc for the stubs.
 */
#ifndef PERSONA_STATE_H
#define PERSONA_STATE_H

#include "personality/layout.h"
#include "personality/image_abi.h"    /* PERSONA_MODE_*: persona_process.mode */
#include "core/frame.h"

/* Per-thread personality state. The gate finds it from the LDT slot of the
 * i386 %gs (persona_thread_by_slot), or uses the main thread's when %gs
 * holds no slot of ours yet (before the program sets up its TLS). */
struct persona_thread {
	struct i386_frame frame;    /* first: the gate saves the i386 registers here */
	uint64_t kstack_top;        /* the stack the gate runs C on */
	int32_t  tid;
	/* set_thread_area entry PERSONA_TLS_ENTRY_MIN + i: its LDT slot (0 if
	 * none yet) and the i386 struct user_desc last written there */
	uint16_t tls_slot[PERSONA_TLS_ENTRIES];
	uint32_t tls_desc[PERSONA_TLS_ENTRIES][4];
	/* the thread's signal state (signal/signal.c; NULL: the main thread's) */
	struct persona_sigstate *sig;
	/* the ucontext of the reflected call in progress, or NULL */
	void *reflect_uc;
	/* threads other than the main one (rt/thread.c): the kernel clears
	 * native_ctid when the thread has gone, and only then may its stacks
	 * be reused; prog_ctid is the program's CLONE_CHILD_CLEARTID word */
	volatile int32_t native_ctid;
	uint32_t prog_ctid;
	uint32_t settid_ctid;       /* CLONE_CHILD_SETTID: the child writes its tid */
	uint32_t in_use;
	uint64_t start_mask;        /* the program's mask the thread starts with */
	/* the thread's own call counts (NULL: the main thread's are
	 * persona_stats): threads calling at once never share a cache line
	 * for them; --stats adds them up */
	struct persona_stats *stats;
};
extern struct persona_thread persona_main_thread;
extern struct persona_thread *persona_thread_by_slot[PERSONA_TLS_SLOT_FIRST + PERSONA_TLS_SLOTS];

/* The calling thread's state: found as the gate finds it, from the LDT slot
 * of %gs (which no 64-bit code in the image changes), or the main thread's. */
static inline struct persona_thread *persona_self(void)
{
	uint32_t sel;
	struct persona_thread *t;

	__asm__ volatile("mov %%gs, %0" : "=r"(sel));
	if ((sel & 4) && (sel >> 3) < PERSONA_TLS_SLOT_FIRST + PERSONA_TLS_SLOTS &&
	    (t = persona_thread_by_slot[sel >> 3]) != 0)
		return t;
	return &persona_main_thread;
}

/* The thread whose frame the gate hands to persona_gate_dispatch: the
 * 32-bit ways in save into the thread's own struct (frame first); only the
 * 64-bit int $0x80 trampoline (gate64.asm) builds its frame on the stack.
 * Saves the %gs look-up on every call's way out. */
static inline struct persona_thread *persona_gate_thread(struct i386_frame *f)
{
	return f->way != WAY_INT80_64 ? (struct persona_thread *)(void *)f : persona_self();
}

extern struct persona_stats persona_stats;
static inline struct persona_stats *persona_stats_self(void)
{
	struct persona_stats *s = persona_self()->stats;

	return s ? s : &persona_stats;
}

/* What init kept of the loader's arguments. */
struct persona_process {
	uint32_t mode;
	uint32_t stack_lo, stack_hi;
	uint32_t exe_lo, exe_hi, interp_lo, interp_hi;
	char persona_exe[4096];
	char image_path[4096];
	char exe_path[4096];
	char log_path[4096];        /* empty: no --log */
	uint32_t ldt_cs_forced;     /* --ldt-cs: passed on across execve */
	uint32_t descendants_native; /* --descendants=native: passed on across execve */
};
extern struct persona_process persona_process;

/* The i386 address space's limits (set by init, used by xl/mem.c). */
#define PERSONA_MMAP_TOP_DEFAULT 0xF0000000u     /* the mmap base before init sets one */
extern uint32_t persona_mmap_top;   /* the mmap base: allocations walk down from here */
extern uint32_t persona_brk_base;   /* start of the program break (loader) */

#endif
