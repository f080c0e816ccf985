/* sys/msg.h — the native system-call message ABI.
 *
 * A foreign call becomes one or more messages; a batch is an array and a
 * count, run in order by the submit stub (personality/asm/submit.asm), the
 * only code that traps into the kernel. Shared by the personality image, the
 * native side (sys/) and the tests, so it depends on nothing but <stdint.h>.
 */
#ifndef PERSONA_MSG_H
#define PERSONA_MSG_H

#include <stdint.h>

/* flags */
#define SYSMSG_LINKED   0x1u  /* cancel (-ECANCELED) if the previous message failed */
#define SYSMSG_DONE     0x2u  /* set by the executor once result is valid */

/* routes of a batch (persona_batch_run) */
#define SYSMSG_ROUTE_TABLE  0u  /* as the table's route/threshold columns say */
#define SYSMSG_ROUTE_DIRECT 1u  /* one syscall per message */
#define SYSMSG_ROUTE_RING   2u  /* one io_uring_enter for the batch */

struct sysmsg {
	uint32_t nr;        /* native x86-64 system-call number */
	uint32_t flags;     /* SYSMSG_* */
	int64_t  result;    /* value or -errno, as the kernel returns it */
	uint64_t args[6];   /* rdi, rsi, rdx, r10, r8, r9 */
} __attribute__((aligned(64)));

/* One cache line: the executor touches exactly one line per message. */
_Static_assert(sizeof(struct sysmsg) == 64, "struct sysmsg must be one cache line");

/* A result is an error when it lies in [-4095, -1], as in the kernel ABI. */
static inline int sysmsg_failed(int64_t r) { return (uint64_t)r > (uint64_t)-4096; }

#endif
