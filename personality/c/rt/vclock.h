/* personality/c/rt/vclock.h — the clock page the i386 vDSO reads.
 *
 * The x86-64 kernel's vDSO data lies above 4 GiB, out of reach of 32-bit
 * code, so the personality keeps its own: one page at PERSONA_VCLOCK_BASE
 * holding, per clock it serves, a TSC anchor and the time at that anchor.
 * The vDSO (personality/vdso/vclock.asm) extrapolates with rdtsc and the
 * clock's rate; the image (vclock.c) sets anchors, calibrates the rates
 * from the kernel's own clock and re-anchors whenever the vDSO falls back
 * to the gate (an anchor older than max_ticks, a clock not served).
 *
 * Readers follow a sequence count: seq odd means an update is under way
 * (the reader takes the gate instead of waiting); a changed seq means it
 * read a mix and reads again. Offsets reach NASM through asm-offsets.c.
 */
#ifndef PERSONA_VCLOCK_H
#define PERSONA_VCLOCK_H

#include <stdint.h>
#include "personality/layout.h"

/* Clock ids 0..PERSONA_VCLOCK_CLOCKS-1 have an entry (CLOCK_REALTIME 0 ..
 * CLOCK_BOOTTIME 7); larger ids always take the gate. */
#define PERSONA_VCLOCK_CLOCKS   8

/* An anchor is used for at most this long; then the vDSO takes the gate,
 * which re-anchors from the kernel's clock. */
#define PERSONA_VCLOCK_MAX_AGE_NS  10000000ull

struct persona_vclock_clock {
	uint64_t tsc;           /* the anchor: a TSC value ... */
	uint64_t sec;           /* ... and the clock's time then */
	uint32_t nsec;
	uint32_t mult;          /* ns per TSC tick, times 2^32; 0: take the gate */
	uint32_t max_ticks;     /* the anchor's useful age, in TSC ticks */
	uint32_t res_nsec;      /* clock_getres' answer (seconds 0); 0: take the gate */
};

struct persona_vclock {
	uint32_t seq;           /* odd while the image writes */
	uint32_t pad[15];       /* seq alone on its cache line */
	struct persona_vclock_clock clk[PERSONA_VCLOCK_CLOCKS];
};

_Static_assert(sizeof(struct persona_vclock_clock) == 32, "the vDSO indexes clocks by shifting");
_Static_assert(sizeof(struct persona_vclock) <= 4096, "the clock page is one page");

/* vclock.c (image side) */
struct __kernel_timespec;
/* Maps the clock page (i386 programs only): 0 or -errno. */
long persona_vclock_init(void);
/* clock_gettime for the gate: a served clock is re-anchored and answered
 * from its anchor (so it agrees with what the vDSO returned before and
 * after); any other goes to the kernel. 0 or -errno. */
long persona_vclock_gettime(int32_t clock, struct __kernel_timespec *ts);

#endif
