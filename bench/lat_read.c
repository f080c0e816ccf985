/* bench/lat_read.c — read one byte from /dev/zero.
 * One source, built for every way in (lib/entry.h); the harness measures. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/entry.h"
#include "lib/harness.h"

static const char path[] = "/dev/zero";
static char buf[64];

static void read_loop(uint64_t iterations, void *cookie)
{
	long fd = *(long *)cookie;
	for (uint64_t i = 0; i < iterations; i++)
		bsys3(BNR_READ, fd, BPTR(buf), 1);
}

int main(void)
{
	bench_init();
	static long fd;
	fd = bsys2(BNR_OPEN, BPTR(path), O_RDONLY);
	if (fd < 0)
		bench_die_na("read", "open /dev/zero", fd);
	long r = bsys3(BNR_READ, fd, BPTR(buf), 1);
	if (r != 1)
		bench_die_na("read", "read /dev/zero", r < 0 ? r : -EIO);
	struct bench_case c = { .bench = "read", .batch = 1, .fn = read_loop, .cookie = &fd };
	bench_run(&c);
	return 0;
}
