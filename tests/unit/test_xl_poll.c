/* tests/unit/test_xl_poll.c — select, pselect6, ppoll: kernel ia32 layer
 * against the translator. fd sets are laid out with the fill pattern beyond
 * the bytes the i386 kernel may touch, so a native 8-byte store past the
 * i386 set shows up as a difference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <signal.h>
#include <unistd.h>

#include "personality/c/core/persona.h"
#include "personality/c/xl/i386_time.h"
#include "sysnr.h"
#include "xl_diff.h"

#define NR(x) I386_NR_##x
typedef long (*callfn)(long, long, long, long, long, long, long);

/* buffer layout */
#define IN   0
#define OUT  256
#define EXC  512
#define TMO  768
#define ARGS 800      /* old select's argument block, pselect's sigset pack */
#define MASK 832
#define PFD  900

/* fds used: a pipe's read end with data and its write end, dup'ed to
 * numbers that give an odd and an even number of 32-bit words */
static int rfd[3], wfd[3];
static const int slot_r[3] = { 3, 35, 66 }, slot_w[3] = { 4, 36, 67 };

static void set_bit(uint8_t *set, int fd) { set[fd / 8] |= 1u << (fd % 8); }

/* an fd set for n fds: zero bytes up to the i386 size, fill beyond */
static void mkset(uint8_t *b, int n)
{
	memset(b, 0, (n + 31) / 32 * 4);
}

static int setup_fds(void)
{
	for (int i = 0; i < 3; i++) {
		int p[2];
		if (pipe(p))
			return -1;
		if (write(p[1], "x", 1) != 1)
			return -1;
		rfd[i] = dup2(p[0], slot_r[i] + 100);    /* keep the slots free for now */
		wfd[i] = dup2(p[1], slot_w[i] + 100);
		close(p[0]);
		close(p[1]);
		dup2(rfd[i], slot_r[i]);
		dup2(wfd[i], slot_w[i]);
	}
	return 0;
}

struct selcase {
	int line;
	int n;
	int which;              /* fd pair 0..2 */
	int sets;               /* 1: in, 2: out, 4: except */
	int tmo_sec, tmo_usec;  /* -2: NULL timeout */
};

static const struct selcase selcases[] = {
	{ __LINE__, 5, 0, 1, 0, 0 },
	{ __LINE__, 5, 0, 3, -2, 0 },
	{ __LINE__, 5, 0, 7, 5, 0 },
	{ __LINE__, 37, 1, 3, 0, 0 },       /* two words: handed over as they are */
	{ __LINE__, 37, 1, 7, 3, 1500000 },
	{ __LINE__, 68, 2, 3, 0, 0 },       /* three words: converted */
	{ __LINE__, 68, 2, 1, 2, 0 },
	{ __LINE__, 64, 1, 3, 0, 0 },
	{ __LINE__, 0, 0, 0, 0, 0 },
	{ __LINE__, -1, 0, 1, 0, 0 },
	{ __LINE__, 5, 0, 1, -1, 0 },       /* negative timeout: EINVAL */
	{ __LINE__, 5, 0, 1, 0, -5 },
	{ __LINE__, 70, 2, 1, 0, 0 },       /* fd 68, 69 not open: EBADF */
};

static void build(const struct selcase *c, uint8_t *b, long form, struct dcase *d)
{
	int nn = c->n > 0 ? c->n : 1;
	uint32_t tmo = c->tmo_sec == -2 ? 0 : TMO;

	memset(b, XL_DIFF_FILL, XL_DIFF_BUF);
	for (int s = 0; s < 3; s++) {
		uint8_t *set = b + s * 256;
		mkset(set, nn);
		if (c->sets & (1 << s)) {
			set_bit(set, s == 1 ? slot_w[c->which] : slot_r[c->which]);
			if (c->n == 70)
				set_bit(set, 68);
		}
	}
	if (form == NR(pselect6)) {
		struct i386_timespec ts = { c->tmo_sec, c->tmo_usec * 1000 };
		memcpy(b + TMO, &ts, sizeof(ts));
	} else {
		struct i386_timeval tv = { c->tmo_sec, c->tmo_usec };
		memcpy(b + TMO, &tv, sizeof(tv));
	}
	*d = (struct dcase){ c->line, form, { LIT(c->n), BUF(IN), BUF(OUT), BUF(EXC), { tmo ? A_BUF : A_LIT, tmo } },
			     b, XL_DIFF_BUF };
	if (tmo)
		d->fz[0] = (struct fuzz){ form == NR(pselect6) ? F_TS32 : F_TV32, TMO, 1 };
	if (form == NR(select)) {
		uint32_t a[5] = { (uint32_t)c->n, 0, 0, 0, 0 };
		memcpy(b + ARGS, a, sizeof(a));
		/* the block holds i386 pointers: filled in per buffer below */
		d->a[0] = (struct darg)BUF(ARGS);
		for (int i = 1; i < 6; i++)
			d->a[i] = (struct darg)NUL;
	}
	if (form == NR(pselect6)) {
		/* sixth argument: { mask pointer, 8 } with an empty mask */
		d->a[5] = (struct darg)BUF(ARGS);
	}
}

/* The old select and pselect6 point into their own buffer: patch the
 * pointers in after the case buffer is copied, i.e. run by hand. */
static void run_case(const struct dcase *d, long form, int n, int has_tmo)
{
	static uint8_t *kb, *pb;
	long kr, pr;

	if (!kb) {
		kb = lowmem(XL_DIFF_BUF);
		pb = lowmem(XL_DIFF_BUF);
	}
	memcpy(kb, d->init, XL_DIFF_BUF);
	memcpy(pb, d->init, XL_DIFF_BUF);
	uint8_t *bufs[2] = { kb, pb };
	for (int i = 0; i < 2; i++) {
		uint8_t *b = bufs[i];
		if (form == NR(select)) {
			uint32_t a[5] = { (uint32_t)n, (uint32_t)LOW(b + IN), (uint32_t)LOW(b + OUT),
					  (uint32_t)LOW(b + EXC), has_tmo ? (uint32_t)LOW(b + TMO) : 0 };
			memcpy(b + ARGS, a, sizeof(a));
		} else if (form == NR(pselect6)) {
			uint32_t pack[2] = { (uint32_t)LOW(b + MASK), 8 };
			memcpy(b + ARGS, pack, sizeof(pack));
			memset(b + MASK, 0, 8);
		}
	}
	long a[6], pa[6];
	xl_args(d, kb, a);
	xl_args(d, pb, pa);
	kr = k32(d->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	pr = p32(d->nr, pa[0], pa[1], pa[2], pa[3], pa[4], pa[5]);
	if (kr != pr)
		fail_msg("line %d: nr %ld: kernel %ld, persona %ld", d->line, d->nr, kr, pr);
	if (d->fz[0].kind != F_NONE) {
		int64_t kv = xl_time_ns(kb, &d->fz[0]), pv = xl_time_ns(pb, &d->fz[0]);
		if (llabs(kv - pv) > 1000000000LL)
			fail_msg("line %d: timeouts differ: %lld %lld", d->line, (long long)kv, (long long)pv);
		memset(kb + TMO, 0, 8);
		memset(pb + TMO, 0, 8);
	}
	/* the argument blocks hold each buffer's own addresses */
	memset(kb + ARGS, 0, 32);
	memset(pb + ARGS, 0, 32);
	for (int i = 0; i < XL_DIFF_BUF; i++)
		if (kb[i] != pb[i])
			fail_msg("line %d (nr %ld): byte %d differs: kernel %02x, persona %02x", d->line,
				 d->nr, i, kb[i], pb[i]);
}

static void selects(void **state)
{
	static uint8_t init[XL_DIFF_BUF];
	static const long forms[] = { NR(_newselect), NR(select), NR(pselect6) };

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	assert_int_equal(setup_fds(), 0);
	for (size_t f = 0; f < ARRAY_SIZE(forms); f++) {
		for (size_t i = 0; i < ARRAY_SIZE(selcases); i++) {
			struct dcase d;
			build(&selcases[i], init, forms[f], &d);
			run_case(&d, forms[f], selcases[i].n, selcases[i].tmo_sec != -2);
		}
	}
}

/* More fds than the stack staging holds, with an odd word count: the sets
 * go through a temporary mapping. */
static void big_select(void **state)
{
	struct rlimit rl;
	uint8_t *b[2] = { lowmem(3 * 1024), lowmem(3 * 1024) };
	const int fd = 4099, n = 4100;         /* 129 words of 32 bits */
	long r[2];

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur <= (rlim_t)fd) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rfd[0] == 0)
		assert_int_equal(setup_fds(), 0);
	if (dup2(rfd[0], fd) != fd)
		skip();
	for (int w = 0; w < 2; w++) {
		memset(b[w], XL_DIFF_FILL, 3 * 1024);
		memset(b[w], 0, 129 * 4);
		set_bit(b[w], fd);
		r[w] = (w ? p32 : k32)(NR(_newselect), n, LOW(b[w]), 0, 0, 0, 0);
	}
	close(fd);
	assert_int_equal(r[0], 1);
	assert_int_equal(r[1], 1);
	assert_memory_equal(b[0], b[1], 3 * 1024);
}

/* Error paths that need no fds. */
static uint8_t badpack[8];
static const struct dcase select_errors[] = {
	{ __LINE__, NR(_newselect), { LIT(5), BAD, NUL, NUL, NUL } },
	{ __LINE__, NR(_newselect), { LIT(0), NUL, NUL, NUL, BAD } },
	{ __LINE__, NR(_newselect), { LIT(68), BAD, NUL, NUL, NUL } },
	{ __LINE__, NR(select), { BAD } },
	{ __LINE__, NR(pselect6), { LIT(0), NUL, NUL, NUL, NUL, BAD } },
	{ __LINE__, NR(pselect6), { LIT(0), NUL, NUL, NUL, BAD, NUL } },
	/* pack { mask = buffer+16, size 4 }: wrong size, EINVAL */
	{ __LINE__, NR(pselect6), { LIT(0), NUL, NUL, NUL, NUL, BUF(0) }, badpack, sizeof(badpack) },
	{ __LINE__, NR(pselect6_time64), { LIT(0), NUL, NUL, NUL, BAD, NUL } },
	{ __LINE__, NR(ppoll), { NUL, LIT(0), BAD, NUL, LIT(8) } },
	{ __LINE__, NR(ppoll), { BAD, LIT(1), NUL, NUL, LIT(8) } },
	{ __LINE__, NR(ppoll), { NUL, LIT(0), NUL, BAD, LIT(8) } },
};

static void select_error_paths(void **state)
{
	uint32_t pack[2] = { 0, 4 };
	(void)state;
	uint8_t *probe = lowmem(4096);
	pack[0] = (uint32_t)LOW(probe);
	memcpy(badpack, pack, sizeof(pack));
	xl_diff_table(select_errors, ARRAY_SIZE(select_errors));
}

/* ppoll with a 32-bit timeout, pselect6_time64 with a 64-bit one. */
static void ppoll_and_time64(void **state)
{
	uint8_t *kb = lowmem(4096), *pb = lowmem(4096);

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	if (rfd[0] == 0)
		assert_int_equal(setup_fds(), 0);
	uint8_t *bufs[2] = { kb, pb };
	long r[2];
	for (int i = 0; i < 2; i++) {
		uint8_t *b = bufs[i];
		struct pollfd *p = (void *)b;
		p[0] = (struct pollfd){ slot_r[0], POLLIN, 0 };
		p[1] = (struct pollfd){ slot_w[2], POLLOUT, 0 };
		p[2] = (struct pollfd){ 999, POLLIN, 0 };
		struct i386_timespec ts = { 4, 0 };
		memcpy(b + 64, &ts, sizeof(ts));
		memset(b + 72, 0, 8);   /* empty mask */
		r[i] = (i ? p32 : k32)(NR(ppoll), LOW(b), 3, LOW(b + 64), LOW(b + 72), 8, 0);
	}
	assert_int_equal(r[0], 3);
	assert_int_equal(r[0], r[1]);
	assert_memory_equal(kb, pb, 24);
	assert_int_equal(((int32_t *)(kb + 64))[0], ((int32_t *)(pb + 64))[0]);

	/* pselect6_time64: struct __kernel_timespec */
	for (int i = 0; i < 2; i++) {
		uint8_t *b = bufs[i];
		memset(b, 0, 256);
		set_bit(b, slot_r[1]);
		struct __kernel_timespec ts = { 7, 0 };
		memcpy(b + 128, &ts, sizeof(ts));
		r[i] = (i ? p32 : k32)(NR(pselect6_time64), slot_r[1] + 1, LOW(b), 0, 0, LOW(b + 128), 0);
	}
	assert_int_equal(r[0], 1);
	assert_int_equal(r[1], 1);
	assert_memory_equal(kb, pb, 8);
	assert_true(llabs(((int64_t *)(kb + 128))[0] - ((int64_t *)(pb + 128))[0]) <= 1);
}

/* poll and epoll are PASS rows: the layouts must really agree. */
static void poll_and_epoll(void **state)
{
	uint8_t *kb = lowmem(4096), *pb = lowmem(4096);

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	if (rfd[0] == 0)
		assert_int_equal(setup_fds(), 0);
	uint8_t *bufs[2] = { kb, pb };
	long r[2], w[2], pw[2][8];
	for (int i = 0; i < 2; i++) {
		callfn call = i ? p32 : k32;
		uint8_t *b = bufs[i];
		memset(b, XL_DIFF_FILL, 1024);
		struct pollfd *p = (void *)b;
		p[0] = (struct pollfd){ slot_r[1], POLLIN, 0 };
		p[1] = (struct pollfd){ slot_w[1], POLLOUT | POLLIN, 0 };
		p[2] = (struct pollfd){ 12345, POLLIN, 0 };
		r[i] = call(NR(poll), LOW(p), 3, 0, 0, 0, 0);
		/* epoll: two registrations with 64-bit data, then a wait */
		int ep = call(NR(epoll_create1), 0, 0, 0, 0, 0, 0);
		assert_true(ep >= 0);
		uint32_t *ev = (uint32_t *)(b + 128);           /* packed: events, u64 data */
		ev[0] = EPOLLIN, ev[1] = 0x11223344, ev[2] = 0x55667788;
		assert_int_equal(call(NR(epoll_ctl), ep, EPOLL_CTL_ADD, slot_r[2], LOW(ev), 0, 0), 0);
		ev[0] = EPOLLOUT, ev[1] = 0xaabbccdd, ev[2] = 0x01020304;
		assert_int_equal(call(NR(epoll_ctl), ep, EPOLL_CTL_ADD, slot_w[2], LOW(ev), 0, 0), 0);
		w[i] = call(NR(epoll_wait), ep, LOW(b + 256), 4, 0, 0, 0);
		/* the same through epoll_pwait (a mask) and epoll_pwait2 (a timespec) */
		uint64_t *mask = (uint64_t *)(b + 600);
		struct __kernel_timespec *ts = (void *)(b + 608);
		*mask = 1ull << (SIGUSR1 - 1);
		*ts = (struct __kernel_timespec){ 0, 0 };
		pw[i][0] = call(NR(epoll_pwait), ep, LOW(b + 320), 4, 0, LOW(mask), 8);
		pw[i][1] = call(NR(epoll_pwait2), ep, LOW(b + 384), 4, LOW(ts), LOW(mask), 8);
		pw[i][2] = call(NR(epoll_pwait), ep, LOW(b + 448), 4, 0, LOW(mask), 4);
		pw[i][3] = call(NR(epoll_pwait), ep, LOW(b + 448), 4, 0, unmapped_low(), 8);
		pw[i][4] = call(NR(epoll_pwait2), ep, LOW(b + 448), 4, unmapped_low(), 0, 8);
		ts->tv_nsec = -1;
		pw[i][5] = call(NR(epoll_pwait2), ep, LOW(b + 448), 4, LOW(ts), 0, 8);
		pw[i][6] = call(NR(epoll_pwait), 12345, LOW(b + 448), 4, 0, LOW(mask), 4);
		struct pollfd *pf = (void *)(b + 700);
		pf[0] = (struct pollfd){ slot_r[1], POLLIN, 0 };
		*ts = (struct __kernel_timespec){ 3, 0 };
		pw[i][7] = call(NR(ppoll_time64), LOW(pf), 1, LOW(ts), LOW(mask), 8, 0);
		/* the time left: within a second of the three given */
		assert_true(ts->tv_sec >= 2 && ts->tv_sec <= 3);
		memset(ts, 0, sizeof(*ts));
		memset(b + 128, 0, 12);
		close(ep);
	}
	assert_int_equal(r[0], 3);         /* the bad fd counts: POLLNVAL */
	assert_int_equal(r[1], 3);
	assert_int_equal(w[0], 2);
	assert_int_equal(w[1], 2);
	for (int j = 0; j < 8; j++)
		if (pw[0][j] != pw[1][j])
			fail_msg("case %d: kernel %ld persona %ld", j, pw[0][j], pw[1][j]);
	assert_int_equal(pw[1][0], 2);
	assert_int_equal(pw[1][7], 1);
	assert_memory_equal(kb, pb, 1024);
	assert_int_equal(p32(NR(poll), unmapped_low(), 1, 0, 0, 0, 0), -EFAULT);
	assert_int_equal(p32(NR(epoll_wait), 0, LOW(pb), 0, 0, 0, 0), k32(NR(epoll_wait), 0, LOW(kb), 0, 0, 0, 0));
}

/* io_getevents family on a context made by the kernel's ia32 io_setup
 * (its ring lies below 4 GiB, so the 32-bit id is the whole id). */
static void aio_events(void **state)
{
	uint8_t *b = lowmem(4096);
	uint32_t *ctx = (uint32_t *)b;

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	*ctx = 0;
	if (k32(NR(io_setup), 4, LOW(ctx), 0, 0, 0, 0) != 0)
		skip();
	struct i386_timespec *ts = (void *)(b + 64);
	struct __kernel_timespec *ts64 = (void *)(b + 96);
	uint32_t *pack = (uint32_t *)(b + 128);
	*ts = (struct i386_timespec){ 0, 0 };
	*ts64 = (struct __kernel_timespec){ 0, 0 };
	long ev = LOW(b + 1024);
	struct { int line; long nr; long a[6]; } cases[] = {
		{ __LINE__, NR(io_getevents), { *ctx, 0, 4, ev, LOW(ts) } },
		{ __LINE__, NR(io_getevents), { *ctx, 1, 4, ev, LOW(ts) } },
		{ __LINE__, NR(io_getevents), { *ctx, 0, 4, ev, unmapped_low() } },
		{ __LINE__, NR(io_getevents), { *ctx + 4096, 0, 4, ev, LOW(ts) } },
		{ __LINE__, NR(io_getevents), { *ctx, -1, 4, ev, LOW(ts) } },
		{ __LINE__, NR(io_pgetevents), { *ctx, 0, 4, ev, LOW(ts), LOW(pack) } },
		{ __LINE__, NR(io_pgetevents), { *ctx, 0, 4, ev, LOW(ts), 0 } },
		{ __LINE__, NR(io_pgetevents), { *ctx, 0, 4, ev, LOW(ts), unmapped_low() } },
		{ __LINE__, NR(io_pgetevents_time64), { *ctx, 0, 4, ev, LOW(ts64), LOW(pack) } },
		{ __LINE__, NR(io_pgetevents_time64), { *ctx, 0, 4, ev, unmapped_low(), 0 } },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		long *a = cases[i].a;
		for (int bad = 0; bad < 2; bad++) {
			/* a valid { empty mask, 8 }, then a wrong size */
			pack[0] = LOW(b + 200), pack[1] = bad ? 4 : 8;
			memset(b + 200, 0, 8);
			long kr = k32(cases[i].nr, a[0], a[1], a[2], a[3], a[4], a[5]);
			long pr = p32(cases[i].nr, a[0], a[1], a[2], a[3], a[4], a[5]);
			if (kr != pr)
				fail_msg("line %d: kernel %ld persona %ld", cases[i].line, kr, pr);
		}
	}
	k32(NR(io_destroy), *ctx, 0, 0, 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(selects),
		cmocka_unit_test(select_error_paths),
		cmocka_unit_test(big_select),
		cmocka_unit_test(ppoll_and_time64),
		cmocka_unit_test(aio_events),
		cmocka_unit_test(poll_and_epoll),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
