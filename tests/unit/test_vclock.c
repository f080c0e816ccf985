/* tests/unit/test_vclock.c — the clock page behind the i386 vDSO's clocks
 * (personality/c/rt/vclock.c) against the kernel's own clocks: the gate's
 * answers and the vDSO's extrapolation (done here in C the way
 * personality/vdso/vclock.asm does it) lie between two kernel reads, and
 * never go backwards across re-anchors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/time_types.h>

#include "personality/c/core/persona.h"
#include "personality/c/rt/vclock.h"

/* the kernel's clocks are read through glibc's 64-bit vDSO: within a few
 * ns of each other; this leaves room for preemption between the reads */
#define TOLERANCE_NS 50000ll
#define NS 1000000000ll

static struct persona_vclock *const page = (struct persona_vclock *)(uintptr_t)PERSONA_VCLOCK_BASE;
static const clockid_t served[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME };

static int64_t kernel_now(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return t.tv_sec * NS + t.tv_nsec;
}

static int64_t gate_now(clockid_t c)
{
	struct __kernel_timespec t;

	assert_int_equal(persona_vclock_gettime(c, &t), 0);
	return t.tv_sec * NS + t.tv_nsec;
}

static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
	return (uint64_t)hi << 32 | lo;
}

/* the vDSO's fast path: -1 where it would take the gate */
static int64_t page_now(clockid_t c)
{
	const struct persona_vclock_clock *k = &page->clk[c];
	uint32_t s;
	int64_t v;

	do {
		s = __atomic_load_n(&page->seq, __ATOMIC_ACQUIRE);
		if ((s & 1) || !k->mult)
			return -1;
		uint64_t d = rdtsc_ordered() - k->tsc;
		if ((int64_t)d < 0)
			d = 0;
		if (d > k->max_ticks)
			return -1;
		v = (int64_t)(k->sec * NS + k->nsec + ((d * k->mult) >> 32));
	} while (__atomic_load_n(&page->seq, __ATOMIC_ACQUIRE) != s);
	return v;
}

static int setup(void **state)
{
	(void)state;
	return persona_vclock_init() == 0 ? 0 : -1;
}

/* The gate's answers for the served clocks: between two kernel reads. */
static void gate_agrees(void **state)
{
	(void)state;
	for (unsigned k = 0; k < sizeof(served) / sizeof(served[0]); k++)
		for (int i = 0; i < 20000; i++) {
			int64_t b = kernel_now(served[k]), v = gate_now(served[k]), a = kernel_now(served[k]);
			if (v < b - TOLERANCE_NS || v > a + TOLERANCE_NS)
				fail_msg("clock %d: kernel %lld, gate %lld, kernel %lld", served[k],
					 (long long)b, (long long)v, (long long)a);
		}
}

/* Once calibrated, the page extrapolates: its reads lie between kernel
 * reads all through an anchor's age, and re-anchoring never steps back. */
static void page_agrees(void **state)
{
	int64_t prev[8] = { 0 };
	long served_reads = 0;

	(void)state;
	if (!page->clk[CLOCK_MONOTONIC].mult && !(gate_now(CLOCK_MONOTONIC), page->clk[CLOCK_MONOTONIC].mult))
		skip();         /* no usable TSC: every read takes the gate */
	for (unsigned k = 0; k < sizeof(served) / sizeof(served[0]); k++) {
		clockid_t c = served[k];
		int64_t end = kernel_now(c) + 60000000;         /* six anchors' ages */
		for (;;) {
			int64_t b = kernel_now(c), v = page_now(c), a;
			if (v < 0)
				v = gate_now(c);                        /* the vDSO's fallback */
			else
				served_reads++;
			a = kernel_now(c);
			if (v < b - TOLERANCE_NS || v > a + TOLERANCE_NS)
				fail_msg("clock %d: kernel %lld, page %lld, kernel %lld", c,
					 (long long)b, (long long)v, (long long)a);
			if (c != CLOCK_REALTIME && v < prev[c])
				fail_msg("clock %d went back from %lld to %lld", c, (long long)prev[c], (long long)v);
			prev[c] = v;
			if (a > end)
				break;
		}
	}
	assert_true(served_reads > 0);
}

/* Clocks the page does not serve go to the kernel unchanged. */
static void others_pass(void **state)
{
	struct __kernel_timespec t;

	(void)state;
	assert_int_equal(persona_vclock_gettime(-1, &t), -EINVAL);
	assert_int_equal(persona_vclock_gettime(100, &t), -EINVAL);
	assert_int_equal(persona_vclock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t), 0);
	assert_int_equal(page->clk[CLOCK_PROCESS_CPUTIME_ID].mult, 0);
	assert_int_equal(page->clk[CLOCK_REALTIME_COARSE].mult, 0);
	/* clock_getres answers are kept for the clocks the kernel's vDSO serves */
	assert_int_equal(page->clk[CLOCK_MONOTONIC].res_nsec, 1);
	assert_int_equal(page->clk[CLOCK_PROCESS_CPUTIME_ID].res_nsec, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gate_agrees),
		cmocka_unit_test(page_agrees),
		cmocka_unit_test(others_pass),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
