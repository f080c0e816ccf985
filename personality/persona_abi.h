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
/* persona_stages: the stage timers of the calling thread's express-lane
 * calls, in TSC ticks summed over the calls timed (an image built with
 * stage timers: `make STAGES=1`, the bench's path pers-stages).
 *   eax = PERSONA_NR_STAGES
 *   ebx = struct persona_stage_counts * (i386 pointer) to fill, or 0
 *   ecx = PERSONA_STAGES_RESET to start the sums anew after the copy
 * Returns 0, -EFAULT, -EINVAL (other bits in ecx), or -EOPNOTSUPP from an
 * image built without the timers. */
#define PERSONA_NR_STAGES     1002
#define PERSONA_STAGES_RESET  0x1u

/* Each stage runs from one TSC stamp (lfence; rdtsc) to the next, so it
 * includes one stamp's own cost, which `stamp` measures beside them (two
 * stamps back to back, once per call timed). */
struct persona_stage_counts {
	uint64_t calls;     /* calls timed: a row's asm fast path in a lane */
	uint64_t entry;     /* the lane's first instruction with its frame .. the syscall */
	uint64_t call;      /* the syscall instruction: the kernel */
	uint64_t exit;      /* after it .. the lane about to leave */
	uint64_t stamp;     /* one stamp */
};
_Static_assert(sizeof(struct persona_stage_counts) == 40, "i386 layout");

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
