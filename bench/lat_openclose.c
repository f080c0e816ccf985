/* bench/lat_openclose.c — open and close a path (/dev/null); one figure per
 * pair, as lmbench's open/close.
 * One source, built for every way in (lib/entry.h); the harness measures. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/entry.h"
#include "lib/harness.h"

static const char path[] = "/dev/null";

static void openclose_loop(uint64_t iterations, void *cookie)
{
	(void)cookie;
	for (uint64_t i = 0; i < iterations; i++)
		bsys1(BNR_CLOSE, bsys2(BNR_OPEN, BPTR(path), O_RDONLY));
}

int main(void)
{
	bench_init();
	long fd = bsys2(BNR_OPEN, BPTR(path), O_RDONLY);
	if (fd < 0)
		bench_die_na("openclose", "open /dev/null", fd);
	long r = bsys1(BNR_CLOSE, fd);
	if (r < 0)
		bench_die_na("openclose", "close", r);
	struct bench_case c = { .bench = "openclose", .batch = 1, .fn = openclose_loop };
	bench_run(&c);
	return 0;
}
