/* bench/lat_fstat.c — fstat an open file (/dev/null): i386 fstat64, x86-64 fstat.
 * One source, built for every way in (lib/entry.h); the harness measures. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/entry.h"
#include "lib/harness.h"

static const char path[] = "/dev/null";
static char statbuf[256] __attribute__((aligned(16)));

static void fstat_loop(uint64_t iterations, void *cookie)
{
	long fd = *(long *)cookie;
	for (uint64_t i = 0; i < iterations; i++)
		bsys2(BNR_FSTAT, fd, BPTR(statbuf));
}

int main(void)
{
	bench_init();
	static long fd;
	fd = bsys2(BNR_OPEN, BPTR(path), O_RDONLY);
	if (fd < 0)
		bench_die_na("fstat", "open /dev/null", fd);
	long r = bsys2(BNR_FSTAT, fd, BPTR(statbuf));
	if (r < 0)
		bench_die_na("fstat", "fstat /dev/null", r);
	struct bench_case c = { .bench = "fstat", .batch = 1, .fn = fstat_loop, .cookie = &fd };
	bench_run(&c);
	return 0;
}
