/* personality/c/rt/thread.h — threads and processes of the i386 program:
 * what the runtime's other parts and the calls that create or end them
 * need of rt/thread.c, rt/process.c, rt/tls.c, rt/robust.c, rt/stats.c and
 * the stubs of personality/asm that start and leave them.
 */
#ifndef PERSONA_RT_THREAD_H
#define PERSONA_RT_THREAD_H

#include "core/state.h"
#include "core/stubs.h"

/* ---- rt/thread.c -------------------------------------------------------- */
/* clone(CLONE_THREAD): a thread with state of its own; the child's tid in
 * the parent, 0 in the child (which resumes at the frame), or -errno */
long persona_thread_clone(struct i386_frame *f, uint64_t flags, uint32_t newsp,
			  uint32_t ptid, uint32_t tls, uint32_t ctid);
/* exit (not exit_group): the calling thread ends; 1 when it is the last */
int persona_thread_exit_prepare(void);
/* the child of a fork: only the calling thread lives on */
void persona_thread_after_fork(void);
/* the running thread with this tid, or NULL */
struct persona_thread *persona_thread_by_tid(int32_t tid);
int persona_threads_alive(void);
/* --stats: the process's counts with the live threads' own added in */
const struct persona_stats *persona_stats_total(void);

/* ---- rt/stats.c: --stats at the end of the process ----------------------- */
void persona_stats_dump(void);

/* ---- rt/robust.c --------------------------------------------------------- */
/* Thread exit: releases the futexes on the calling thread's i386 robust
 * list (set_robust_list), as the kernel's exit_robust_list() would. The
 * exit path (exit, exit_group, a killed thread) calls it. */
void persona_robust_exit(void);

/* ---- rt/tls.c ------------------------------------------------------------ */
/* Writes the i386 struct user_desc at udesc as the calling thread's TLS
 * entry; allocate: an entry_number of -1 picks a free one (set_thread_area) */
long persona_tls_install(uint32_t udesc, int allocate);
/* a new thread's TLS (CLONE_SETTLS) in its LDT slot: the selector, or -errno */
long persona_tls_for_thread(struct persona_thread *parent, struct persona_thread *child,
			    uint32_t udesc, uint16_t slot);
/* the LDT selector that stands in for the GDT TLS selector sel (entry << 3
 * | 3) in the calling thread, or 0 if sel is none of ours */
uint16_t persona_tls_ldt_selector(uint16_t sel);

/* ---- the children of the clone stubs (core/stubs.h) ---------------------- */
/* a vfork child, on its own stack: its own signal stack, then i386 code */
void persona_vfork_child(void) __attribute__((noreturn));
/* a new thread, on its personality stack: its %gs, signal stack,
 * reflection and mask, then i386 code */
void persona_thread_start(struct persona_thread *t) __attribute__((noreturn));

#endif
