/* bench/lat_write.c — write one byte to /dev/null.
 * One source, built for every way in (lib/entry.h); the harness measures. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/entry.h"
#include "lib/harness.h"

static const char path[] = "/dev/null";
static char buf[64];

static void write_loop(uint64_t iterations, void *cookie)
{
	long fd = *(long *)cookie;
	for (uint64_t i = 0; i < iterations; i++)
		bsys3(BNR_WRITE, fd, BPTR(buf), 1);
}

int main(void)
{
	bench_init();
	static long fd;
	fd = bsys2(BNR_OPEN, BPTR(path), O_WRONLY);
	if (fd < 0)
		bench_die_na("write", "open /dev/null", fd);
	long r = bsys3(BNR_WRITE, fd, BPTR(buf), 1);
	if (r != 1)
		bench_die_na("write", "write /dev/null", r < 0 ? r : -EIO);
	struct bench_case c = { .bench = "write", .batch = 1, .fn = write_loop, .cookie = &fd };
	bench_run(&c);
	return 0;
}
