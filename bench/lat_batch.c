/* bench/lat_batch.c — the personality's batch entry (PERSONA_NR_BATCH):
 * N calls handed over in one entry, per-call cost at each batch size, for a
 * null-class call (getppid), a 1-byte write to /dev/null and a 1-byte read
 * from /dev/zero.
 *
 *   lat_batch --route direct|ring|table
 *
 * The route (persona_abi.h) is how the personality executes the batch: one
 * native syscall per call, or one io_uring_enter for the batch. Compare
 * with lat_uring, the same operations on a raw io_uring.
 * i386 ABI only: the batch entry is an i386 private number. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/entry.h"
#include "lib/harness.h"
#include "lib/batch.h"
#include "personality/persona_abi.h"

#if !BENCH_ABI_I386
#error "lat_batch speaks the i386 ABI"
#endif

static struct persona_batch_call calls[BENCH_BATCH_MAX];
static const char devnull[] = "/dev/null";
static const char devzero[] = "/dev/zero";
static char buf[64];

struct batch_cookie {
	unsigned count;
	unsigned route;
};

static void batch_loop(uint64_t iterations, void *cookie)
{
	const struct batch_cookie *b = cookie;
	for (uint64_t i = 0; i < iterations; i++)
		bsys3(PERSONA_NR_BATCH, BPTR(calls), b->count, b->route);
}

static void fill(unsigned nr, long a, long b, long c)
{
	memset(calls, 0, sizeof calls);
	for (unsigned i = 0; i < BENCH_BATCH_MAX; i++) {
		calls[i].nr = nr;
		calls[i].args[0] = (uint32_t)a;
		calls[i].args[1] = (uint32_t)b;
		calls[i].args[2] = (uint32_t)c;
	}
}

/* A setup failure: every batch size of the operation says why. */
static void na_every_size(const char *bench, const char *what, long err)
{
	static const unsigned sizes[] = { BENCH_BATCH_SIZES };
	char why[200];
	snprintf(why, sizeof why, "%s: %s", what, bench_strerror(err));
	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		bench_na(bench, sizes[i], why);
}

/* Runs every batch size for one operation, after checking that one batch
 * of the largest size runs and every call in it succeeds. */
static void run_op(const char *bench, unsigned route)
{
	static const unsigned sizes[] = { BENCH_BATCH_SIZES };
	char why[200];
	long r = bsys3(PERSONA_NR_BATCH, BPTR(calls), BENCH_BATCH_MAX, route);
	const char *what = NULL;
	if (r != BENCH_BATCH_MAX) {
		what = "the batch entry";
	} else {
		for (unsigned i = 0; i < BENCH_BATCH_MAX; i++)
			if (calls[i].result < 0) {
				r = calls[i].result;
				what = "a call in the batch";
				break;
			}
	}
	if (what) {
		snprintf(why, sizeof why, "%s answered %ld%s%s", what, r,
			 r < 0 ? ": " : "", r < 0 ? bench_strerror(r) : "");
		for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
			bench_na(bench, sizes[i], why);
		return;
	}
	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct batch_cookie b = { .count = sizes[i], .route = route };
		struct bench_case c = { .bench = bench, .batch = sizes[i], .fn = batch_loop, .cookie = &b };
		bench_run(&c);
	}
}

static const struct {
	const char *name;
	unsigned route;
} routes[] = {
	{ "table",  PERSONA_ROUTE_TABLE },
	{ "direct", PERSONA_ROUTE_DIRECT },
	{ "ring",   PERSONA_ROUTE_RING },
};

int main(int argc, char **argv)
{
	unsigned route = PERSONA_ROUTE_TABLE, found = argc == 1;
	for (unsigned i = 0; argc == 3 && !strcmp(argv[1], "--route") &&
	     i < sizeof routes / sizeof routes[0]; i++)
		if (!strcmp(argv[2], routes[i].name)) {
			route = routes[i].route;
			found = 1;
		}
	if (!found) {
		fprintf(stderr, "usage: lat_batch [--route table|direct|ring]\n");
		return 2;
	}
	bench_init();

	fill(__NR_getppid, 0, 0, 0);
	run_op("null", route);

	long fd = bsys2(BNR_OPEN, BPTR(devnull), O_WRONLY);
	if (fd < 0) {
		na_every_size("write", "open /dev/null", fd);
	} else {
		fill(__NR_write, fd, BPTR(buf), 1);
		run_op("write", route);
	}
	fd = bsys2(BNR_OPEN, BPTR(devzero), O_RDONLY);
	if (fd < 0) {
		na_every_size("read", "open /dev/zero", fd);
	} else {
		fill(__NR_read, fd, BPTR(buf), 1);
		run_op("read", route);
	}
	return 0;
}
