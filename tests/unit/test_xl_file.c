/* tests/unit/test_xl_file.c — file calls, kernel ia32 layer against the
 * translator: open without O_LARGEFILE, lseek/_llseek, pread64/pwrite64
 * register pairs, readv/writev and the positioned forms (i386 iovecs),
 * fcntl record locks (struct flock and the packed flock64), descriptors
 * opened without O_LARGEFILE (F_GETFL, writes and truncation at 2 GiB), ioctl,
 * sendfile's 32-bit offset, pipe, umount.
 *
 * A case may put pointers into its own buffer (an iovec array points into
 * the buffer it lives in), so each side's buffer is prepared by the case's
 * init function, and state (file positions, pipe contents) is reset before
 * each side runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "personality/persona_abi.h"
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "personality/c/core/persona.h"
#include "personality/c/core/i386_types.h"
#include "personality/c/xl/common.h"
#include "sysnr.h"
#include "xl_diff.h"

static char dir[64], path_f[128], path_big[128], path_w[128], path_bigtrunc[128];
static int fd_f, fd_big, fd_w, fd_wo, pipe_r, pipe_w;
static pid_t locker;           /* a child holding record locks */

struct fcase {
	int         line;
	long        nr;
	struct darg a[6];
	void      (*init)(uint8_t *buf);
	void      (*reset)(void);
	int         fdres;      /* the result is a new fd: compare success, close it */
	int         times;      /* calls per side (0: one) */
	int         ignore;     /* leading buffer bytes holding pointers into it */
};

#define FCASE(nr, ...) { __LINE__, I386_NR_##nr, __VA_ARGS__ }

/* Runs one case on both sides; results and every buffer byte must agree. */
static void run(const struct fcase *c)
{
	static uint8_t *kb, *pb;
	long ka[6], pa[6], kr[8], pr;
	int times = c->times ? c->times : 1;
	static uint8_t snap[8][XL_DIFF_BUF];

	if (!kb) {
		kb = lowmem(XL_DIFF_BUF);
		pb = lowmem(XL_DIFF_BUF);
	}
	memset(kb, XL_DIFF_FILL, XL_DIFF_BUF);
	memset(pb, XL_DIFF_FILL, XL_DIFF_BUF);
	if (c->init) {
		c->init(kb);
		c->init(pb);
	}
	xl_args((const struct dcase *)&(struct dcase){ .a = { c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5] } }, kb, ka);
	xl_args((const struct dcase *)&(struct dcase){ .a = { c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5] } }, pb, pa);
	if (c->reset)
		c->reset();
	for (int t = 0; t < times; t++) {
		kr[t] = k32(c->nr, ka[0], ka[1], ka[2], ka[3], ka[4], ka[5]);
		memcpy(snap[t], kb, XL_DIFF_BUF);
	}
	if (c->reset)
		c->reset();
	for (int t = 0; t < times; t++) {
		pr = p32(c->nr, pa[0], pa[1], pa[2], pa[3], pa[4], pa[5]);
		if (c->fdres) {
			if ((kr[t] < 0) != (pr < 0) || (pr < 0 && pr != kr[t]))
				fail_msg("line %d: kernel %ld, persona %ld", c->line, kr[t], pr);
			/* the personality's descriptor through the personality:
			 * it forgets the descriptor's O_LARGEFILE mark */
			if (pr >= 0)
				close((int)kr[t]), p32(I386_NR_close, pr, 0, 0, 0, 0, 0);
			continue;
		}
		if (pr != kr[t])
			fail_msg("line %d call %d: kernel %ld, persona %ld", c->line, t, kr[t], pr);
		/* pointers into the buffer differ by the buffers' distance */
		for (int i = 0; i < XL_DIFF_BUF; i++)
			if (snap[t][i] != pb[i] && i >= c->ignore)
				fail_msg("line %d call %d: byte %d: kernel %02x, persona %02x", c->line, t, i,
					 snap[t][i], pb[i]);
	}
}

static void run_all(const struct fcase *c, size_t n)
{
	persona_test_init();
	if (!k32_available())
		skip();
	for (size_t i = 0; i < n; i++)
		run(&c[i]);
}

/* ---- the world -------------------------------------------------------------- */

static int world_setup(void **state)
{
	char data[65536];
	int p[2];

	(void)state;
	strcpy(dir, access("/dev/shm", W_OK) == 0 ? "/dev/shm/persona-xlf-XXXXXX" : "/tmp/persona-xlf-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path_f, sizeof(path_f), "%s/f", dir);
	snprintf(path_big, sizeof(path_big), "%s/big", dir);
	snprintf(path_bigtrunc, sizeof(path_bigtrunc), "%s/bigtrunc", dir);
	snprintf(path_w, sizeof(path_w), "%s/w", dir);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + i / 256);
	fd_f = open(path_f, O_RDWR | O_CREAT, 0600);
	if (fd_f < 0 || write(fd_f, data, sizeof(data)) != (ssize_t)sizeof(data))
		return -1;
	fd_big = open(path_big, O_RDWR | O_CREAT, 0600);
	if (fd_big < 0 || ftruncate(fd_big, 3ll << 30))
		return -1;
	int t = open(path_bigtrunc, O_RDWR | O_CREAT, 0600);
	if (t < 0 || ftruncate(t, 3ll << 30) || close(t))
		return -1;
	fd_w = open(path_w, O_RDWR | O_CREAT, 0600);
	fd_wo = open(path_w, O_WRONLY);
	if (fd_w < 0 || fd_wo < 0 || pipe(p))
		return -1;
	pipe_r = p[0], pipe_w = p[1];
	return 0;
}

static int world_teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (locker > 0) {               /* a failed lock test left it behind */
		kill(locker, SIGKILL);
		waitpid(locker, NULL, 0);
		locker = 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void rewind_f(void) { lseek(fd_f, 0, SEEK_SET); lseek(fd_big, 0, SEEK_SET); }

static void drain_pipe(void)
{
	char b[4096];

	fcntl(pipe_r, F_SETFL, O_NONBLOCK);
	while (read(pipe_r, b, sizeof(b)) > 0)
		;
	fcntl(pipe_r, F_SETFL, 0);
}

static void pipe_five(void) { drain_pipe(); if (write(pipe_w, "hello", 5) != 5) abort(); }

/* paths at offset 0 of the buffer, output at 256 */
static void put_f(uint8_t *b)        { strcpy((char *)b, path_f); }
static void put_big(uint8_t *b)      { strcpy((char *)b, path_big); }
static void put_bigtrunc(uint8_t *b) { strcpy((char *)b, path_bigtrunc); }
static void put_rel_big(uint8_t *b)  { strcpy((char *)b, "big"); }

/* ---- open ---------------------------------------------------------------- */

static void open_largefile(void **state)
{
	(void)state;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	const struct fcase c[] = {
		FCASE(open, { BUF(0), LIT(O_RDONLY) }, put_f, NULL, 1),
		FCASE(open, { BUF(0), LIT(O_RDONLY) }, put_big, NULL, 1),             /* EOVERFLOW */
		FCASE(open, { BUF(0), LIT(O_RDONLY | 0100000) }, put_big, NULL, 1),   /* O_LARGEFILE */
		FCASE(open, { BUF(0), LIT(O_PATH) }, put_big, NULL, 1),
		FCASE(open, { BUF(0), LIT(O_WRONLY | O_TRUNC) }, put_bigtrunc, NULL, 1),  /* refused before truncating */
		FCASE(openat, { LIT(dfd), BUF(0), LIT(O_RDONLY) }, put_rel_big, NULL, 1),
		FCASE(openat, { LIT(dfd), BUF(0), LIT(O_RDONLY | 0100000) }, put_rel_big, NULL, 1),
		FCASE(open, { BAD, LIT(O_RDONLY) }, NULL, NULL, 1),
		FCASE(open, { LIT(0x10), LIT(O_RDONLY) }, NULL, NULL, 1),
		FCASE(creat, { BUF(0), LIT(0600) }, put_f, NULL, 1),
	};
	struct stat st;

	run_all(c, ARRAY_SIZE(c));
	close(dfd);
	assert_int_equal(stat(path_bigtrunc, &st), 0);
	assert_true(st.st_size == 3ll << 30);
	/* creat truncated f: put its contents back for the cases below */
	world_teardown(state);
	assert_int_equal(world_setup(state), 0);
}

/* ---- seeking ------------------------------------------------------------------ */

static void seeking(void **state)
{
	(void)state;
	const struct fcase c[] = {
		FCASE(lseek, { LIT(fd_f), LIT(100), LIT(SEEK_CUR) }, NULL, rewind_f, 0, 3),
		FCASE(lseek, { LIT(fd_f), LIT(-1), LIT(SEEK_SET) }, NULL, rewind_f),
		FCASE(lseek, { LIT(fd_f), LIT(-10), LIT(SEEK_END) }, NULL, rewind_f),
		FCASE(lseek, { LIT(fd_f), LIT(0), LIT(9) }, NULL, rewind_f),
		FCASE(lseek, { LIT(-1), LIT(0), LIT(SEEK_SET) }, NULL, rewind_f),
		FCASE(lseek, { LIT(pipe_r), LIT(0), LIT(SEEK_CUR) }, NULL, rewind_f),
		FCASE(lseek, { LIT(fd_big), LIT(0x7fffffff), LIT(SEEK_SET) }, NULL, rewind_f),
		/* _llseek(fd, high, low, result, whence) */
		FCASE(_llseek, { LIT(fd_f), LIT(0), LIT(100), BUF(256), LIT(SEEK_SET) }, NULL, rewind_f),
		FCASE(_llseek, { LIT(fd_big), LIT(0), LIT(0), BUF(256), LIT(SEEK_END) }, NULL, rewind_f),
		FCASE(_llseek, { LIT(fd_big), LIT(1), LIT(5), BUF(256), LIT(SEEK_SET) }, NULL, rewind_f),
		FCASE(_llseek, { LIT(fd_f), LIT(0x80000000), LIT(0), BUF(256), LIT(SEEK_SET) }, NULL, rewind_f),
		FCASE(_llseek, { LIT(fd_f), LIT(0), LIT(100), BUF(256), LIT(9) }, NULL, rewind_f),
		FCASE(_llseek, { LIT(fd_f), LIT(0), LIT(100), BAD, LIT(SEEK_SET) }, NULL, rewind_f),
		FCASE(_llseek, { LIT(fd_f), LIT(0), LIT(100), LIT(0x10), LIT(SEEK_SET) }, NULL, rewind_f),
		FCASE(_llseek, { LIT(-1), LIT(0), LIT(0), BUF(256), LIT(SEEK_SET) }, NULL, rewind_f),
		/* the position after a failed _llseek store: it moved */
		FCASE(lseek, { LIT(fd_f), LIT(0), LIT(SEEK_CUR) }),
	};
	run_all(c, ARRAY_SIZE(c));
	/* Past 2 GiB the i386 result does not fit: EOVERFLOW, as an i386 kernel
	 * says (the x86-64 kernel's ia32 layer returns the truncated value). */
	assert_int_equal(p32(I386_NR_lseek, fd_big, 0, SEEK_END, 0, 0, 0), -EOVERFLOW);
	assert_int_equal(lseek(fd_big, 0, SEEK_CUR), 3ll << 30);
}

/* ---- pread64/pwrite64: the offset in a register pair ------------------------ */

static void positioned(void **state)
{
	(void)state;
	const struct fcase c[] = {
		FCASE(pread64, { LIT(fd_f), BUF(256), LIT(64), LIT(1000), LIT(0) }),
		FCASE(pread64, { LIT(fd_f), BUF(256), LIT(64), LIT(65500), LIT(0) }),
		FCASE(pread64, { LIT(fd_big), BUF(256), LIT(64), LIT(16), LIT(0) }),
		FCASE(pread64, { LIT(fd_big), BUF(256), LIT(64), LIT(0xfffffff0), LIT(0) }),   /* past 4 GiB's low half */
		FCASE(pread64, { LIT(fd_f), BUF(256), LIT(64), LIT(0), LIT(0x80000000) }),      /* negative */
		FCASE(pread64, { LIT(fd_f), BAD, LIT(64), LIT(0), LIT(0) }),
		FCASE(pread64, { LIT(pipe_r), BUF(256), LIT(4), LIT(0), LIT(0) }),
		FCASE(pwrite64, { LIT(fd_w), BUF(256), LIT(32), LIT(4096), LIT(1) }),           /* at 4 GiB + 4 KiB */
		FCASE(pwrite64, { LIT(fd_w), BAD, LIT(32), LIT(0), LIT(0) }),
		FCASE(pwrite64, { LIT(fd_f), BUF(256), LIT(32), LIT(0), LIT(0x80000000) }),
	};
	struct stat st;

	run_all(c, ARRAY_SIZE(c));
	assert_int_equal(fstat(fd_w, &st), 0);
	assert_true(st.st_size == (1ll << 32) + 4096 + 32);
}

/* ---- iovec calls ---------------------------------------------------------------- */

/* iov[0] = 10 bytes at +256, iov[1] = 20 bytes at +512, iov[2] = 0 bytes */
static void iov3(uint8_t *b)
{
	struct i386_iovec v[3] = { { LOW(b + 256), 10 }, { LOW(b + 512), 20 }, { LOW(b + 1024), 0 } };
	memcpy(b, v, sizeof(v));
}

static void iov_neg(uint8_t *b)
{
	struct i386_iovec v[2] = { { LOW(b + 256), 10 }, { LOW(b + 512), 0x80000000u } };
	memcpy(b, v, sizeof(v));
}

static void iov_badbase(uint8_t *b)
{
	struct i386_iovec v[2] = { { LOW(b + 256), 10 }, { unmapped_low(), 20 } };
	memcpy(b, v, sizeof(v));
}

/* 40 iovecs: more than fit on the translator's stack */
static void iov40(uint8_t *b)
{
	struct i386_iovec v[40];
	for (int i = 0; i < 40; i++)
		v[i] = (struct i386_iovec){ LOW(b + 512 + 16 * i), (uint32_t)(i % 5) };
	memcpy(b, v, sizeof(v));
}

static void iovecs(void **state)
{
	(void)state;
	const struct fcase c[] = {
		FCASE(readv, { LIT(fd_f), BUF(0), LIT(3) }, iov3, rewind_f, 0, 2, 24),
		FCASE(readv, { LIT(fd_f), BUF(0), LIT(0) }, iov3, rewind_f, 0, 0, 24),
		FCASE(readv, { LIT(fd_f), BUF(0), LIT(40) }, iov40, rewind_f, 0, 0, 320),
		FCASE(readv, { LIT(fd_f), BUF(0), LIT(1025) }, iov3, rewind_f, 0, 0, 24),
		FCASE(readv, { LIT(fd_f), BUF(0), LIT(2) }, iov_neg, rewind_f, 0, 0, 16),
		FCASE(readv, { LIT(fd_f), BUF(0), LIT(2) }, iov_badbase, rewind_f, 0, 0, 16),
		FCASE(readv, { LIT(fd_f), BAD, LIT(2) }, NULL, rewind_f),
		FCASE(readv, { LIT(-1), BAD, LIT(2) }, NULL, rewind_f),          /* EBADF first */
		FCASE(readv, { LIT(-1), BUF(0), LIT(3) }, iov3, rewind_f, 0, 0, 24),
		FCASE(readv, { LIT(fd_wo), BUF(0), LIT(3) }, iov3, rewind_f, 0, 0, 24),
		FCASE(readv, { LIT(pipe_r), BUF(0), LIT(3) }, iov3, pipe_five, 0, 0, 24),
		FCASE(writev, { LIT(pipe_w), BUF(0), LIT(3) }, iov3, drain_pipe, 0, 0, 24),
		FCASE(writev, { LIT(pipe_w), BUF(0), LIT(2) }, iov_neg, drain_pipe, 0, 0, 16),
		FCASE(writev, { LIT(pipe_w), BAD, LIT(2) }, NULL, drain_pipe),
		FCASE(writev, { LIT(pipe_w), BUF(0), LIT(2) }, iov_badbase, drain_pipe, 0, 0, 16),
		/* positioned: fd, iov, count, pos_lo, pos_hi (, flags) */
		FCASE(preadv, { LIT(fd_f), BUF(0), LIT(3), LIT(5000), LIT(0) }, iov3, rewind_f, 0, 0, 24),
		FCASE(preadv, { LIT(fd_f), BUF(0), LIT(3), LIT(0), LIT(0x80000000) }, iov3, rewind_f, 0, 0, 24),
		FCASE(preadv, { LIT(pipe_r), BUF(0), LIT(3), LIT(0), LIT(0) }, iov3, pipe_five, 0, 0, 24),
		FCASE(preadv, { LIT(pipe_r), BAD, LIT(3), LIT(0), LIT(0) }, NULL, pipe_five),   /* ESPIPE first */
		FCASE(preadv, { LIT(fd_big), BUF(0), LIT(3), LIT(16), LIT(0) }, iov3, rewind_f, 0, 0, 24),
		FCASE(pwritev, { LIT(fd_w), BUF(0), LIT(3), LIT(100), LIT(0) }, iov3, rewind_f, 0, 0, 24),
		FCASE(preadv2, { LIT(fd_f), BUF(0), LIT(3), LIT(70), LIT(0), LIT(0) }, iov3, rewind_f, 0, 0, 24),
		FCASE(preadv2, { LIT(fd_f), BUF(0), LIT(3), LIT(-1), LIT(-1), LIT(0) }, iov3, rewind_f, 0, 2, 24),
		FCASE(preadv2, { LIT(fd_f), BUF(0), LIT(3), LIT(0), LIT(0), LIT(0x40000000) }, iov3, rewind_f, 0, 0, 24),
		FCASE(pwritev2, { LIT(fd_w), BUF(0), LIT(3), LIT(200), LIT(0), LIT(0) }, iov3, rewind_f, 0, 0, 24),
	};
	run_all(c, ARRAY_SIZE(c));
}

/* ---- fcntl record locks ------------------------------------------------------ */


/* A child holding a write lock on [10, 20) of f and one at 3 GiB of big. */
static void start_locker(void)
{
	int p[2];
	char c;

	if (pipe(p))
		abort();
	locker = fork();
	if (locker == 0) {
		struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 10 };
		fcntl(fd_f, F_SETLK, &l);
		l.l_start = 3ll << 30;
		fcntl(fd_big, F_SETLK, &l);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(p[0], &c, 1) != 1)
		abort();
	close(p[0]), close(p[1]);
}

static void flock_probe(uint8_t *b)      /* struct flock: F_WRLCK over [0, 100) */
{
	struct i386_flock l = { F_WRLCK, SEEK_SET, 0, 100, 0 };
	memcpy(b + 256, &l, sizeof(l));
}

static void flock64_probe(uint8_t *b)
{
	struct i386_flock64 l = { F_WRLCK, SEEK_SET, 0, 100, 0 };
	memcpy(b + 256, &l, sizeof(l));
}

static void flock64_high(uint8_t *b)     /* around the lock at 3 GiB */
{
	struct i386_flock64 l = { F_RDLCK, SEEK_SET, (3ll << 30) - 5, 100, 0 };
	memcpy(b + 256, &l, sizeof(l));
}

static void flock_free(uint8_t *b)       /* a range nobody locks */
{
	struct i386_flock l = { F_RDLCK, SEEK_SET, 1000, 5, 0 };
	memcpy(b + 256, &l, sizeof(l));
}

static void flock64_pid(uint8_t *b)      /* OFD locks want l_pid 0 */
{
	struct i386_flock64 l = { F_RDLCK, SEEK_SET, 0, 5, 1 };
	memcpy(b + 256, &l, sizeof(l));
}

static void locks(void **state)
{
	(void)state;
	start_locker();
	const struct fcase c[] = {
		FCASE(fcntl64, { LIT(fd_f), LIT(F_GETLK), BUF(256) }, flock_probe),
		FCASE(fcntl64, { LIT(fd_f), LIT(12 /* F_GETLK64 */), BUF(256) }, flock64_probe),
		FCASE(fcntl64, { LIT(fd_f), LIT(F_OFD_GETLK), BUF(256) }, flock64_probe),
		FCASE(fcntl64, { LIT(fd_big), LIT(12), BUF(256) }, flock64_high),
		FCASE(fcntl64, { LIT(fd_big), LIT(F_GETLK), BUF(256) }, flock_probe),
		FCASE(fcntl64, { LIT(fd_f), LIT(F_GETLK), BUF(256) }, flock_free),
		FCASE(fcntl64, { LIT(fd_f), LIT(F_SETLK), BUF(256) }, flock_free),
		FCASE(fcntl64, { LIT(fd_f), LIT(F_SETLK), BUF(256) }, flock_probe),         /* EAGAIN */
		FCASE(fcntl64, { LIT(fd_f), LIT(13 /* F_SETLK64 */), BUF(256) }, flock64_probe),
		FCASE(fcntl64, { LIT(fd_f), LIT(F_OFD_SETLK), BUF(256) }, flock64_pid),     /* EINVAL */
		FCASE(fcntl64, { LIT(fd_f), LIT(F_GETLK), BAD }),
		FCASE(fcntl64, { LIT(fd_f), LIT(12), LIT(0x10) }),
		FCASE(fcntl64, { LIT(-1), LIT(F_GETLK), BAD }),                              /* EBADF first */
		FCASE(fcntl, { LIT(fd_f), LIT(F_GETLK), BUF(256) }, flock_probe),
		FCASE(fcntl, { LIT(fd_f), LIT(12), BUF(256) }, flock64_probe),               /* fcntl is fcntl64 on x86 */
		FCASE(fcntl, { LIT(-1), LIT(F_OFD_GETLK), BUF(256) }, flock64_probe),
		FCASE(fcntl, { LIT(fd_f), LIT(F_GETFD) }),
		FCASE(fcntl, { LIT(fd_f), LIT(F_GETFL) }),
		FCASE(fcntl64, { LIT(fd_f), LIT(F_SETFD), LIT(FD_CLOEXEC) }),
		FCASE(fcntl64, { LIT(fd_f), LIT(F_GETFD) }),
		FCASE(fcntl64, { LIT(fd_f), LIT(F_DUPFD), LIT(-1) }),
		FCASE(fcntl64, { LIT(fd_f), LIT(0x7777) }),
	};
	run_all(c, ARRAY_SIZE(c));
	kill(locker, SIGKILL);
	waitpid(locker, NULL, 0);
	locker = 0;
}

/* ---- descriptors opened without O_LARGEFILE ----------------------------------
 * Each side opens its own file the same way; every call then runs on each
 * side's own descriptor, and results, F_GETFL and the files' sizes agree. */

#define LFS_LIMIT 0x7fffffffll          /* MAX_NON_LFS */
#define I386_O_LARGEFILE 0100000

struct lfs_side {
	long (*call)(long, long, long, long, long, long, long);
	char path[128];
	long fd;
};

static long lfs_do(struct lfs_side *s, long nr, long a1, long a2, long a3, long a4, long a5)
{
	return s->call(nr, s->fd, a1, a2, a3, a4, a5);
}

/* The same call on both sides: the results must agree. */
#define LFS_SAME(k, p, nr, ...) do { \
	long kr_ = lfs_do(k, I386_NR_##nr, __VA_ARGS__); \
	long pr_ = lfs_do(p, I386_NR_##nr, __VA_ARGS__); \
	if (kr_ != pr_) \
		fail_msg("line %d: " #nr ": kernel %ld, persona %ld", __LINE__, kr_, pr_); \
} while (0)

static void lfs_open(struct lfs_side *s, const char *name, long flags, uint8_t *low)
{
	snprintf(s->path, sizeof(s->path), "%s/%s", dir, name);
	strcpy((char *)low, s->path);
	s->fd = s->call(I386_NR_open, LOW(low), flags, 0600, 0, 0, 0);
	assert_true(s->fd >= 0);
}

static void lfs_close(struct lfs_side *s) { s->call(I386_NR_close, s->fd, 0, 0, 0, 0, 0); }

static long long size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* In a batch (PERSONA_NR_BATCH) the 2 GiB limit of a regular file opened
 * without O_LARGEFILE holds on every route; a write to a character device
 * opened so (no limit there) stays an ordinary message. */
static void largefile_marks_in_a_batch(void **state)
{
	(void)state;
	persona_test_init();
	uint8_t *low = lowmem(4096);
	struct persona_batch_call *calls = (struct persona_batch_call *)(low + 1024);
	struct lfs_side p = { .call = p32 };
	static const uint32_t routes[] = { PERSONA_ROUTE_TABLE, PERSONA_ROUTE_DIRECT, PERSONA_ROUTE_RING };

	lfs_open(&p, "lfs-batch", O_RDWR | O_CREAT, low);
	strcpy((char *)low, "/dev/null");
	long null_fd = p32(I386_NR_open, LOW(low), O_WRONLY, 0, 0, 0, 0);
	assert_true(null_fd >= 0);
	memset(low + 512, 'x', 64);
	for (unsigned r = 0; r < sizeof routes / sizeof routes[0]; r++) {
		memset(calls, 0, 3 * sizeof(*calls));
		calls[0] = (struct persona_batch_call){ .nr = I386_NR_pwrite64,
			.args = { (uint32_t)p.fd, LOW(low + 512), 8, (uint32_t)LFS_LIMIT, 0 } };
		calls[1] = (struct persona_batch_call){ .nr = I386_NR_pwrite64,
			.args = { (uint32_t)p.fd, LOW(low + 512), 8, (uint32_t)(LFS_LIMIT - 3), 0 } };
		calls[2] = (struct persona_batch_call){ .nr = I386_NR_write,
			.args = { (uint32_t)null_fd, LOW(low + 512), 5 } };
		assert_int_equal(p32(I386_NR_persona_batch, LOW(calls), 3, routes[r], 0, 0, 0), 3);
		assert_int_equal(calls[0].result, -EFBIG);
		assert_int_equal(calls[1].result, 3);           /* cut short at 2^31-1 */
		assert_int_equal(calls[2].result, 5);
	}
	assert_true(size_of(p.path) == LFS_LIMIT);
	p32(I386_NR_close, null_fd, 0, 0, 0, 0, 0);
	lfs_close(&p);
	unlink(p.path);
}

static void largefile_marks(void **state)
{
	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	uint8_t *low = lowmem(4096), *data = low + 1024, *pos = low + 2048;
	struct i386_iovec *iov = (struct i386_iovec *)(low + 3072);
	struct lfs_side k = { .call = k32 }, p = { .call = p32 };
	struct lfs_side *sides[2] = { &k, &p };
	long flags_small = O_RDWR | O_CREAT;

	memset(data, 'x', 64);
	iov[0] = (struct i386_iovec){ LOW(data), 4 };
	iov[1] = (struct i386_iovec){ LOW(data), 4 };
	lfs_open(&k, "lfs-k", flags_small, low);
	lfs_open(&p, "lfs-p", flags_small, low);
	/* F_GETFL: no O_LARGEFILE shown; F_SETFL cannot add it */
	LFS_SAME(&k, &p, fcntl64, F_GETFL, 0, 0, 0, 0);
	LFS_SAME(&k, &p, fcntl, F_GETFL, 0, 0, 0, 0);
	LFS_SAME(&k, &p, fcntl64, F_SETFL, O_NONBLOCK | I386_O_LARGEFILE, 0, 0, 0);
	LFS_SAME(&k, &p, fcntl64, F_GETFL, 0, 0, 0, 0);
	LFS_SAME(&k, &p, fcntl64, F_SETFL, 0, 0, 0, 0);
	/* writes stop at 2^31-1: EFBIG at or past it, cut short before it */
	LFS_SAME(&k, &p, pwrite64, LOW(data), 32, 0, 3, 0);                    /* 3 GiB */
	LFS_SAME(&k, &p, pwrite64, LOW(data), 32, (long)(LFS_LIMIT - 10), 0, 0);
	LFS_SAME(&k, &p, pwrite64, LOW(data), 32, (long)LFS_LIMIT, 0, 0);
	LFS_SAME(&k, &p, pwrite64, LOW(data), 0, (long)LFS_LIMIT, 0, 0);        /* empty: 0 */
	LFS_SAME(&k, &p, pwrite64, LOW(data), 32, 0, 0x80000000, 0);            /* negative: EINVAL */
	LFS_SAME(&k, &p, _llseek, 0, (long)(LFS_LIMIT - 3), LOW(pos), SEEK_SET, 0);
	LFS_SAME(&k, &p, write, LOW(data), 16, 0, 0, 0);
	LFS_SAME(&k, &p, write, LOW(data), 16, 0, 0, 0);
	LFS_SAME(&k, &p, writev, LOW(iov), 2, 0, 0, 0);
	LFS_SAME(&k, &p, pwritev, LOW(iov), 2, (long)(LFS_LIMIT - 5), 0, 0);
	LFS_SAME(&k, &p, pwritev, LOW(iov), 2, (long)LFS_LIMIT, 0, 0);
	LFS_SAME(&k, &p, pwritev2, LOW(iov), 2, (long)(LFS_LIMIT - 6), 0, 0);
	LFS_SAME(&k, &p, pwritev2, LOW(iov), 2, -1, -1, 0);                     /* at the position */
	/* truncation past 2^31-1: EINVAL (ftruncate64 is "small" in the ia32 layer) */
	LFS_SAME(&k, &p, ftruncate64, 0, 3, 0, 0, 0);
	LFS_SAME(&k, &p, ftruncate64, (long)LFS_LIMIT + 1, 0, 0, 0, 0);
	LFS_SAME(&k, &p, ftruncate64, (long)LFS_LIMIT, 0, 0, 0, 0);
	LFS_SAME(&k, &p, ftruncate, 4096, 0, 0, 0, 0);
	assert_true(size_of(k.path) == size_of(p.path));
	/* a duplicate shares the description, and so its bit */
	for (int i = 0; i < 2; i++) {
		long fd = sides[i]->fd;
		sides[i]->fd = sides[i]->call(I386_NR_dup, fd, 0, 0, 0, 0, 0);
		assert_true(sides[i]->fd >= 0);
		sides[i]->call(I386_NR_close, fd, 0, 0, 0, 0, 0);
	}
	LFS_SAME(&k, &p, fcntl64, F_GETFL, 0, 0, 0, 0);
	LFS_SAME(&k, &p, pwrite64, LOW(data), 32, 0, 3, 0);
	for (int i = 0; i < 2; i++) {
		long fd = sides[i]->fd;
		sides[i]->fd = sides[i]->call(I386_NR_fcntl64, fd, F_DUPFD_CLOEXEC, 600, 0, 0, 0);
		assert_true(sides[i]->fd >= 600);
		assert_int_equal(sides[i]->call(I386_NR_dup3, sides[i]->fd, 700 + i, O_CLOEXEC, 0, 0, 0), 700 + i);
		sides[i]->call(I386_NR_close, fd, 0, 0, 0, 0, 0);
		sides[i]->call(I386_NR_close, sides[i]->fd, 0, 0, 0, 0, 0);
		sides[i]->fd = 700 + i;
	}
	LFS_SAME(&k, &p, fcntl64, F_GETFL, 0, 0, 0, 0);
	LFS_SAME(&k, &p, ftruncate64, 0, 3, 0, 0, 0);
	lfs_close(&k), lfs_close(&p);
	/* a number reused by a large-file open carries no mark */
	lfs_open(&k, "lfs-k", O_RDWR | I386_O_LARGEFILE, low);
	lfs_open(&p, "lfs-p", O_RDWR | I386_O_LARGEFILE, low);
	LFS_SAME(&k, &p, fcntl64, F_GETFL, 0, 0, 0, 0);
	LFS_SAME(&k, &p, pwrite64, LOW(data), 32, 0, 3, 0);
	LFS_SAME(&k, &p, ftruncate64, 4096, 0, 0, 0, 0);
	lfs_close(&k), lfs_close(&p);
	/* O_APPEND at exactly 2^31-1 bytes: the append position is the limit */
	assert_int_equal(truncate(k.path, LFS_LIMIT), 0);
	assert_int_equal(truncate(p.path, LFS_LIMIT), 0);
	lfs_open(&k, "lfs-k", O_WRONLY | O_APPEND, low);
	lfs_open(&p, "lfs-p", O_WRONLY | O_APPEND, low);
	LFS_SAME(&k, &p, write, LOW(data), 1, 0, 0, 0);
	LFS_SAME(&k, &p, pwrite64, LOW(data), 1, 0, 0, 0);
	lfs_close(&k), lfs_close(&p);
	/* a character device, a directory, creat (its O_LARGEFILE is forced in
	 * the ia32 layer too): the bit shows as natively */
	strcpy((char *)low, "/dev/null");
	for (int i = 0; i < 2; i++)
		sides[i]->fd = sides[i]->call(I386_NR_open, LOW(low), O_WRONLY, 0, 0, 0, 0);
	LFS_SAME(&k, &p, fcntl64, F_GETFL, 0, 0, 0, 0);
	LFS_SAME(&k, &p, pwrite64, LOW(data), 32, 0, 3, 0);
	lfs_close(&k), lfs_close(&p);
	strcpy((char *)low, dir);
	for (int i = 0; i < 2; i++)
		sides[i]->fd = sides[i]->call(I386_NR_open, LOW(low), O_RDONLY | O_DIRECTORY, 0, 0, 0, 0);
	LFS_SAME(&k, &p, fcntl64, F_GETFL, 0, 0, 0, 0);
	lfs_close(&k), lfs_close(&p);
	for (int i = 0; i < 2; i++) {
		strcpy((char *)low, sides[i]->path);
		sides[i]->fd = sides[i]->call(I386_NR_creat, LOW(low), 0600, 0, 0, 0, 0);
		assert_true(sides[i]->fd >= 0);
	}
	LFS_SAME(&k, &p, fcntl64, F_GETFL, 0, 0, 0, 0);
	LFS_SAME(&k, &p, pwrite64, LOW(data), 32, 0, 3, 0);
	lfs_close(&k), lfs_close(&p);
	assert_true(size_of(k.path) == size_of(p.path));
	unlink(k.path), unlink(p.path);
}

/* ---- ioctl, sendfile, pipe, umount -------------------------------------------- */

/* One request of each family the rules pass or translate, against the ia32
 * layer (on descriptors where most answer an error: the error and its order
 * must agree too); none may be refused. */
static void ioctls(void **state)
{
	(void)state;
	int pty = posix_openpt(O_RDWR | O_NOCTTY);
	int ns = open("/proc/self/ns/net", O_RDONLY);
	const struct fcase c[] = {
		/* terminals */
		FCASE(ioctl, { LIT(pipe_r), LIT(FIONREAD), BUF(256) }, NULL, pipe_five),
		FCASE(ioctl, { LIT(pipe_r), LIT(TCGETS), BUF(256) }),
		FCASE(ioctl, { LIT(pty), LIT(TCGETS), BUF(256) }),
		FCASE(ioctl, { LIT(pty), LIT(TCGETA), BUF(256) }),
		FCASE(ioctl, { LIT(pty), LIT(TIOCGWINSZ), BUF(256) }),
		FCASE(ioctl, { LIT(pty), LIT(TIOCGPTN), BUF(256) }),
		FCASE(ioctl, { LIT(pty), LIT(TIOCGPTLCK), BUF(256) }),
		FCASE(ioctl, { LIT(pty), LIT(TIOCGICOUNT), BUF(256) }),
		FCASE(ioctl, { LIT(pty), LIT(TIOCGWINSZ), BAD }),
		FCASE(ioctl, { LIT(-1), LIT(TIOCGWINSZ), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(FIONBIO), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(FIOCLEX) }),
		/* virtual consoles */
		FCASE(ioctl, { LIT(pty), LIT(0x5603 /* VT_GETSTATE */), BUF(256) }),
		FCASE(ioctl, { LIT(pty), LIT(0x4B33 /* KDGKBTYPE */), BUF(256) }),
		/* files */
		FCASE(ioctl, { LIT(fd_w), LIT(0x40049409 /* FICLONE */), LIT(fd_f) }),
		FCASE(ioctl, { LIT(fd_w), LIT(0x4020940d /* FICLONERANGE */), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(0xc0189436 /* FIDEDUPERANGE */), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(0xc020660b /* FS_IOC_FIEMAP */), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(0x801c581f /* FS_IOC_FSGETXATTR */), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(0x80046601 /* FS_IOC32_GETFLAGS */), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(0x80047601 /* FS_IOC32_GETVERSION */), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(0x00000002 /* FIGETBSZ */), BUF(256) }),
		/* block and loop devices (a regular file answers ENOTTY) */
		FCASE(ioctl, { LIT(fd_f), LIT(0x1260 /* BLKGETSIZE */), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(0x80041270 /* BLKBSZGET */), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(0x80041272 /* BLKGETSIZE64 */), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(0x4C05 /* LOOP_GET_STATUS64 */), BUF(256) }),
		/* tape */
		FCASE(ioctl, { LIT(fd_f), LIT(0x40086d01 /* MTIOCTOP */), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(0x801c6d02 /* MTIOCGET */), BUF(256) }),
		FCASE(ioctl, { LIT(fd_f), LIT(0x80046d03 /* MTIOCPOS */), BUF(256) }),
		/* namespaces */
		FCASE(ioctl, { LIT(ns), LIT(0xb703 /* NS_GET_NSTYPE */) }),
		FCASE(ioctl, { LIT(ns), LIT(0xb704 /* NS_GET_OWNER_UID */), BUF(256) }),
		/* sockets */
		FCASE(ioctl, { LIT(pipe_r), LIT(0x8903 /* FIOGETOWN */), BUF(256) }),
	};
	uint64_t refused = persona_stats.refused;
	int p[2];

	run_all(c, ARRAY_SIZE(c));
	assert_true(persona_stats.refused == refused);
	/* a request whose i386 layout is not known: refused, not guessed,
	 * counted, and logged once only when a log was asked for */
	assert_int_equal(p32(I386_NR_ioctl, fd_f, 0xc018587f /* some _IOWR('X', 0x7f, 24 bytes) */, 0, 0, 0, 0), -ENOTTY);
	assert_true(persona_stats.refused == refused + 1);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	persona_opts.log_fd = p[1];
	assert_int_equal(p32(I386_NR_ioctl, fd_f, 0xc018587e, 0, 0, 0, 0), -ENOTTY);
	assert_int_equal(p32(I386_NR_ioctl, fd_f, 0xc018587e, 0, 0, 0, 0), -ENOTTY);
	assert_int_equal(p32(I386_NR_ioctl, pty, TCGETS, 0, 0, 0, 0), -EFAULT);
	persona_opts.log_fd = -1;
	char line[256];
	ssize_t n = read(p[0], line, sizeof(line) - 1);
	assert_true(n > 0);
	line[n] = 0;
	assert_non_null(strstr(line, "ioctl request 0xc018587e"));
	assert_true(strchr(line, '\n') == line + n - 1);        /* one line */
	close(p[0]), close(p[1]);
	close(pty), close(ns);
}

static void off32(uint8_t *b, int32_t v) { memcpy(b + 256, &v, 4); }
static void off_100(uint8_t *b)     { off32(b, 100); }
static void off_near2g(uint8_t *b)  { off32(b, 0x7ffffff0); }
static void off_2g(uint8_t *b)      { off32(b, 0x7fffffff); }
static void off_neg(uint8_t *b)     { off32(b, -5); }

static void sendfile_off32(void **state)
{
	(void)state;
	const struct fcase c[] = {
		FCASE(sendfile, { LIT(pipe_w), LIT(fd_f), BUF(256), LIT(50) }, off_100, drain_pipe),
		FCASE(sendfile, { LIT(pipe_w), LIT(fd_f), NUL, LIT(50) }, NULL, drain_pipe),
		FCASE(sendfile, { LIT(pipe_w), LIT(fd_big), BUF(256), LIT(100) }, off_near2g, drain_pipe),
		FCASE(sendfile, { LIT(pipe_w), LIT(fd_big), BUF(256), LIT(100) }, off_2g, drain_pipe),
		FCASE(sendfile, { LIT(pipe_w), LIT(fd_f), BUF(256), LIT(10) }, off_neg, drain_pipe),
		FCASE(sendfile, { LIT(pipe_w), LIT(fd_f), BAD, LIT(10) }, NULL, drain_pipe),
		FCASE(sendfile, { LIT(-1), LIT(fd_f), BUF(256), LIT(10) }, off_100, drain_pipe),
		/* sendfile64 passes: a 64-bit offset */
		FCASE(sendfile64, { LIT(pipe_w), LIT(fd_f), BUF(256), LIT(10) }, off_100, drain_pipe),
	};
	run_all(c, ARRAY_SIZE(c));
}

static void put_dir(uint8_t *b)  { strcpy((char *)b, dir); }
static void put_none(uint8_t *b) { strcpy((char *)b, "/nonexistent/persona"); }

static void pipes_and_umount(void **state)
{
	(void)state;
	const struct fcase c[] = {
		FCASE(pipe, { BUF(256) }, NULL, NULL),
		FCASE(pipe, { BAD }),
		FCASE(pipe2, { BUF(256), LIT(0x12345678) }),
		FCASE(umount, { BAD }),
		FCASE(umount, { BUF(0) }, put_none),
		FCASE(umount, { BUF(0) }, put_dir),
	};
	persona_test_init();
	if (!k32_available())
		skip();
	/* the pipe's fds differ between the sides: compare success only */
	uint8_t *b = lowmem(64);
	assert_int_equal(k32(I386_NR_pipe, LOW(b), 0, 0, 0, 0, 0), 0);
	close(((int *)b)[0]), close(((int *)b)[1]);
	assert_int_equal(p32(I386_NR_pipe, LOW(b), 0, 0, 0, 0, 0), 0);
	close(((int *)b)[0]), close(((int *)b)[1]);
	run_all(c + 1, ARRAY_SIZE(c) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_largefile),
		cmocka_unit_test(seeking),
		cmocka_unit_test(positioned),
		cmocka_unit_test(iovecs),
		cmocka_unit_test(locks),
		cmocka_unit_test(largefile_marks),
		cmocka_unit_test(largefile_marks_in_a_batch),
		cmocka_unit_test(ioctls),
		cmocka_unit_test(sendfile_off32),
		cmocka_unit_test(pipes_and_umount),
	};
	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
