/* personality/c/core/plock.h — a lock for the personality's shared state.
 *
 * Threads of one program share the image's memory: tables and static
 * buffers that a call changes (patched sites, the batch entry's buffers,
 * the robust-list heads, the thread table) are taken under a plock. It is
 * the classic three-state futex mutex (0 free, 1 held, 2 held with
 * waiters): one atomic instruction when nobody else wants it, a futex wait
 * otherwise (the machine may have fewer cores than the program threads, so
 * never spin). A plock is never taken by the image's handler of an
 * asynchronous signal: one that interrupted the holder would wait for
 * itself (the synchronous SIGSYS of a reflected call cannot interrupt the
 * image, so reflected calls may take them).
 */
#ifndef PERSONA_PLOCK_H
#define PERSONA_PLOCK_H

#include <stdint.h>
#include <linux/futex.h>
#include "core/persona.h"

typedef volatile uint32_t plock_t;

static inline void plock_acquire(plock_t *l)
{
	uint32_t c = 0;

	if (likely(__atomic_compare_exchange_n(l, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)))
		return;
	if (c != 2)
		c = __atomic_exchange_n(l, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		nsys4(__NR_futex, l, FUTEX_WAIT_PRIVATE, 2, 0);
		c = __atomic_exchange_n(l, 2, __ATOMIC_ACQUIRE);
	}
}

/* The image's locks. A fork child has only the thread that forked, so a
 * lock another thread held then would never be released there: the child
 * frees them all (persona_thread_after_fork). */
extern plock_t persona_patch_lock, persona_robust_lock, persona_hashdirs_lock, persona_ring_lock;

static inline void plock_release(plock_t *l)
{
	if (__atomic_exchange_n(l, 0, __ATOMIC_RELEASE) == 2)
		nsys3(__NR_futex, l, FUTEX_WAKE_PRIVATE, 1);
}

#endif
