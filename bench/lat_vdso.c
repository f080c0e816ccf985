/* bench/lat_vdso.c — clock_gettime(CLOCK_MONOTONIC) through the vDSO: the
 * function looked up from AT_SYSINFO_EHDR and called directly (libc's
 * wrapper would add its own work, and a static build has no loader to
 * find the vDSO for it). The i386 build calls __vdso_clock_gettime64 —
 * natively the kernel's i386 vDSO (path kernel-vdso), under persona run
 * the personality's (pers-vdso); the 64-bit build the x86-64 kernel's
 * __vdso_clock_gettime (path native). A clock read through the vDSO never
 * traps, so the int $0x80 builds have nothing to measure. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include "lib/entry.h"
#include "lib/harness.h"
#include "lib/vdso_sym.h"

struct kts { int64_t sec, nsec; };      /* struct __kernel_timespec */
typedef int (*gettime_fn)(clockid_t, struct kts *);

static __attribute__((unused)) void vdso_loop(uint64_t iterations, void *cookie)
{
	gettime_fn gettime = (gettime_fn)cookie;
	struct kts t;

	for (uint64_t i = 0; i < iterations; i++)
		gettime(CLOCK_MONOTONIC, &t);
}

int main(void)
{
	bench_init();
#if BENCH_ENTRY == BENCH_ENTRY_INT80
	bench_na("vdso", 1, "a vDSO clock read never traps: measured by the vdso and native builds");
	return 0;
#else
# ifdef __i386__
	gettime_fn gettime = (gettime_fn)vdso_sym("__vdso_clock_gettime64", "LINUX_2.6");
# else
	gettime_fn gettime = (gettime_fn)vdso_sym("__vdso_clock_gettime", "LINUX_2.6");
# endif
	struct kts t;
	if (!gettime) {
		bench_na("vdso", 1, "the vDSO has no clock_gettime");
		return 0;
	}
	int r = gettime(CLOCK_MONOTONIC, &t);
	if (r < 0)
		bench_die_na("vdso", "clock_gettime", r);
	struct bench_case c = { .bench = "vdso", .batch = 1, .fn = vdso_loop, .cookie = (void *)gettime };
	bench_run(&c);
	return 0;
#endif
}
