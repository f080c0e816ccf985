/* bench/lat_null.c — the null call: getppid, nothing to do in the kernel.
 * One source, built for every way in (lib/entry.h); the harness measures. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/entry.h"
#include "lib/harness.h"

static void null_loop(uint64_t iterations, void *cookie)
{
	(void)cookie;
	for (uint64_t i = 0; i < iterations; i++)
		bsys0(BNR_GETPPID);
}

int main(void)
{
	bench_init();
	long r = bsys0(BNR_GETPPID);
	if (r < 0)
		bench_die_na("null", "getppid", r);
	struct bench_case c = { .bench = "null", .batch = 1, .fn = null_loop };
	bench_run(&c);
	return 0;
}
