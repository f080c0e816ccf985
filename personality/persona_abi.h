/* personality/persona_abi.h — this personality's private i386 extensions.
 *
 * Programs (benchmarks, tools) include this header; the numbers are the
 * table's private rows (numbers >= 1000, kind EMUL). A kernel or another
 * personality answers them with -ENOSYS, so a program can probe for them.
 */
#ifndef PERSONA_ABI_H
#define PERSONA_ABI_H

#include <stdint.h>

/* persona_batch: run an array of i386 calls as one native batch.
 *   eax = PERSONA_NR_BATCH
 *   ebx = struct persona_batch_call *calls   (i386 pointer)
 *   ecx = count, 1..PERSONA_BATCH_MAX
 *   edx = route: PERSONA_ROUTE_TABLE (the table's route and threshold
 *         columns decide), PERSONA_ROUTE_DIRECT (one syscall per call),
 *         PERSONA_ROUTE_RING (one io_uring_enter for the whole batch)
 * Returns the number of calls run, or -EFAULT / -EINVAL. Each call's result
 * (value or -errno) lands in its result field. Calls run in order; a call
 * flagged PERSONA_BATCH_LINKED is cancelled (-ECANCELED) when the call
 * before it failed. PASS rows are batched as native messages; other rows
 * run one by one in their place, with the same results. */
#define PERSONA_NR_BATCH      1000
/* persona_gate: answered in ring 3 without any native call; returns ebx.
 * It measures the way in alone. */
#define PERSONA_NR_GATE       1001

#define PERSONA_BATCH_MAX     256
#define PERSONA_BATCH_LINKED  0x1u
#define PERSONA_ROUTE_TABLE   0u
#define PERSONA_ROUTE_DIRECT  1u
#define PERSONA_ROUTE_RING    2u

struct persona_batch_call {
	uint32_t nr;        /* i386 number */
	uint32_t flags;     /* PERSONA_BATCH_* */
	uint32_t args[6];   /* ebx, ecx, edx, esi, edi, ebp */
	int32_t  result;    /* out: value or -errno */
	uint32_t reserved;  /* must be 0 */
};
_Static_assert(sizeof(struct persona_batch_call) == 40, "i386 layout");

#endif
