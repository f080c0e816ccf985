/* bench/lat_stat.c — stat a path (/dev/null) with the ABI's own stat
 * (i386 stat64, x86-64 stat), so a personality's structure conversion counts.
 * One source, built for every way in (lib/entry.h); the harness measures. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/entry.h"
#include "lib/harness.h"

static const char path[] = "/dev/null";
static char statbuf[256] __attribute__((aligned(16)));

static void stat_loop(uint64_t iterations, void *cookie)
{
	(void)cookie;
	for (uint64_t i = 0; i < iterations; i++)
		bsys2(BNR_STAT, BPTR(path), BPTR(statbuf));
}

int main(void)
{
	bench_init();
	long r = bsys2(BNR_STAT, BPTR(path), BPTR(statbuf));
	if (r < 0)
		bench_die_na("stat", "stat /dev/null", r);
	struct bench_case c = { .bench = "stat", .batch = 1, .fn = stat_loop };
	bench_run(&c);
	return 0;
}
