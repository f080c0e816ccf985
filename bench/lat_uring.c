/* bench/lat_uring.c — the raw io_uring baseline for the batch benchmarks:
 * the same operations as lat_batch (a no-op for the null class, a 1-byte
 * write to /dev/null and a 1-byte read from /dev/zero at the file position
 * (offset -1), the operations write(2) and read(2) do and the personality
 * submits) submitted N at a time with one io_uring_enter that
 * waits for all N, per-call cost at each batch size. 64-bit, liburing. */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/harness.h"
#include "lib/batch.h"

static struct io_uring ring;
static char buf[64];

enum op { OP_NOP, OP_WRITE, OP_READ };

static void prep(struct io_uring_sqe *sqe, enum op op, int fd)
{
	if (op == OP_NOP)
		io_uring_prep_nop(sqe);
	else if (op == OP_WRITE)
		io_uring_prep_write(sqe, fd, buf, 1, (uint64_t)-1);
	else
		io_uring_prep_read(sqe, fd, buf, 1, (uint64_t)-1);
}

struct uring_cookie {
	enum op op;
	unsigned count;
	int fd;
};

static void uring_loop(uint64_t iterations, void *cookie)
{
	const struct uring_cookie *u = cookie;
	for (uint64_t i = 0; i < iterations; i++) {
		for (unsigned k = 0; k < u->count; k++)
			prep(io_uring_get_sqe(&ring), u->op, u->fd);
		io_uring_submit_and_wait(&ring, u->count);
		io_uring_cq_advance(&ring, u->count);
	}
}

/* One batch of the largest size, every completion checked. */
static int probe(const struct uring_cookie *u, char *why, size_t n)
{
	struct uring_cookie big = *u;
	big.count = BENCH_BATCH_MAX;
	for (unsigned k = 0; k < big.count; k++)
		prep(io_uring_get_sqe(&ring), u->op, u->fd);
	int r = io_uring_submit_and_wait(&ring, big.count);
	if (r < 0) {
		snprintf(why, n, "io_uring_submit_and_wait: %s", strerror(-r));
		return -1;
	}
	for (unsigned k = 0; k < big.count; k++) {
		struct io_uring_cqe *cqe;
		if ((r = io_uring_wait_cqe(&ring, &cqe)) < 0 || (r = cqe->res) < 0) {
			snprintf(why, n, "io_uring completion: %s", strerror(-r));
			return -1;
		}
		io_uring_cqe_seen(&ring, cqe);
	}
	return 0;
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

static void run_op(const char *bench, enum op op, int fd)
{
	static const unsigned sizes[] = { BENCH_BATCH_SIZES };
	char why[200];
	struct uring_cookie u = { .op = op, .fd = fd };
	if (probe(&u, why, sizeof why) < 0) {
		for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
			bench_na(bench, sizes[i], why);
		return;
	}
	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		u.count = sizes[i];
		struct bench_case c = { .bench = bench, .batch = sizes[i], .fn = uring_loop, .cookie = &u };
		bench_run(&c);
	}
}

int main(void)
{
	bench_init();
	int r = io_uring_queue_init(2 * BENCH_BATCH_MAX, &ring, 0);
	if (r < 0) {
		na_every_size("null", "io_uring_queue_init", r);
		na_every_size("write", "io_uring_queue_init", r);
		na_every_size("read", "io_uring_queue_init", r);
		return 0;
	}
	run_op("null", OP_NOP, -1);
	int fd = open("/dev/null", O_WRONLY);
	if (fd < 0) {
		na_every_size("write", "open /dev/null", -errno);
	} else {
		run_op("write", OP_WRITE, fd);
		close(fd);
	}
	fd = open("/dev/zero", O_RDONLY);
	if (fd < 0)
		na_every_size("read", "open /dev/zero", -errno);
	else
		run_op("read", OP_READ, fd);
	io_uring_queue_exit(&ring);
	return 0;
}
