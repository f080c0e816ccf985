/* tests/unit/test_xl_stat.c — stat, statfs and directory reading, the same
 * i386 call through the kernel's ia32 layer and through the translator:
 * results and every byte of the low buffers must agree (pads included),
 * bad pointers give -EFAULT from both.
 *
 * Files live in a fresh directory on tmpfs (/dev/shm) where there is one:
 * ext4 gives 32-bit directory cookies to ia32 calls and 64-bit ones to
 * native calls, so d_off agrees only on a file system without hashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "personality/c/core/persona.h"
#include "sysnr.h"
#include "xl_diff.h"

#define OUT 256                 /* the output struct's offset in the case buffer */

static char dir[64];
static char path_f[128], path_l[128], path_big[128], path_d[128], path_none[128];
static char init_f[OUT], init_l[OUT], init_big[OUT], init_d[OUT], init_none[OUT], init_rel[OUT];
static int fd_f, fd_d, fd_big;

static void mkpath(char *dst, const char *name)
{
	snprintf(dst, 128, "%s/%s", dir, name);
}

static int world_setup(void **state)
{
	(void)state;
	strcpy(dir, access("/dev/shm", W_OK) == 0 ? "/dev/shm/persona-xl-XXXXXX" : "/tmp/persona-xl-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	mkpath(path_f, "f");
	mkpath(path_l, "l");
	mkpath(path_big, "big");
	mkpath(path_d, "d");
	mkpath(path_none, "none");
	fd_f = open(path_f, O_RDWR | O_CREAT, 0640);
	if (fd_f < 0 || write(fd_f, "0123456789abcdef", 16) != 16 || symlink("f", path_l))
		return -1;
	fd_big = open(path_big, O_RDWR | O_CREAT, 0600);
	if (fd_big < 0 || ftruncate(fd_big, 3ll << 30))   /* sparse, past 2 GiB */
		return -1;
	mkdir(path_d, 0755);
	for (const char *const *n = (const char *const[]){ "a", "bb", "ccc", "a-longer-name-of-a-file", NULL }; *n; n++) {
		char p[160];
		snprintf(p, sizeof(p), "%s/%s", path_d, *n);
		close(open(p, O_CREAT | O_WRONLY, 0600));
	}
	fd_d = open(path_d, O_RDONLY | O_DIRECTORY);
	strcpy(init_f, path_f);
	strcpy(init_l, path_l);
	strcpy(init_big, path_big);
	strcpy(init_d, path_d);
	strcpy(init_none, path_none);
	strcpy(init_rel, "f");
	return fd_d < 0 ? -1 : 0;
}

static int world_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#define CASE(nr, ...) { __LINE__, I386_NR_##nr, __VA_ARGS__ }

static void stat_family(void **state)
{
	(void)state;
	const struct dcase c[] = {
		/* struct stat: 16-bit ids, 32-bit size (EOVERFLOW past 2 GiB) */
		CASE(stat, { BUF(0), BUF(OUT) }, init_f, OUT),
		CASE(stat, { BUF(0), BUF(OUT) }, init_l, OUT),
		CASE(lstat, { BUF(0), BUF(OUT) }, init_l, OUT),
		CASE(fstat, { LIT(fd_f), BUF(OUT) }),
		CASE(stat, { BUF(0), BUF(OUT) }, init_big, OUT),
		CASE(fstat, { LIT(fd_big), BUF(OUT) }),
		CASE(stat, { BUF(0), BUF(OUT) }, init_none, OUT),
		CASE(stat, { BUF(0), LIT(0x10) }, init_f, OUT),
		CASE(stat, { BUF(0), BAD }, init_f, OUT),
		CASE(fstat, { LIT(-1), BUF(OUT) }),
		/* struct __old_kernel_stat: 16-bit inode numbers */
		CASE(oldstat, { BUF(0), BUF(OUT) }, init_f, OUT),
		CASE(oldlstat, { BUF(0), BUF(OUT) }, init_l, OUT),
		CASE(oldfstat, { LIT(fd_f), BUF(OUT) }),
		CASE(oldfstat, { LIT(fd_big), BUF(OUT) }),
		CASE(oldstat, { BUF(0), BAD }, init_f, OUT),
		/* struct stat64: packed, pads left as they were */
		CASE(stat64, { BUF(0), BUF(OUT) }, init_f, OUT),
		CASE(stat64, { BUF(0), BUF(OUT) }, init_big, OUT),
		CASE(stat64, { BUF(0), BUF(OUT) }, init_d, OUT),
		CASE(lstat64, { BUF(0), BUF(OUT) }, init_l, OUT),
		CASE(fstat64, { LIT(fd_f), BUF(OUT) }),
		CASE(fstat64, { LIT(fd_d), BUF(OUT) }),
		CASE(fstatat64, { LIT(AT_FDCWD), BUF(0), BUF(OUT), LIT(0) }, init_l, OUT),
		CASE(fstatat64, { LIT(AT_FDCWD), BUF(0), BUF(OUT), LIT(AT_SYMLINK_NOFOLLOW) }, init_l, OUT),
		CASE(fstatat64, { LIT(fd_d), BUF(0), BUF(OUT), LIT(0) }, init_rel, OUT),
		CASE(fstatat64, { LIT(fd_f), BUF(0), BUF(OUT), LIT(AT_EMPTY_PATH) }, "", 1),
		CASE(fstatat64, { LIT(AT_FDCWD), BUF(0), BUF(OUT), LIT(0x12345) }, init_f, OUT),
		/* bad pointers: the buffer, the path */
		CASE(stat64, { BUF(0), LIT(0x10) }, init_f, OUT),
		CASE(stat64, { BUF(0), BAD }, init_f, OUT),
		CASE(stat64, { BAD, BUF(OUT) }),
		CASE(stat64, { LIT(0x10), BUF(OUT) }),
		CASE(fstat64, { LIT(fd_f), BAD }),
		CASE(fstat64, { LIT(fd_f), LIT(0x10) }),
		CASE(fstatat64, { LIT(AT_FDCWD), BUF(0), BAD, LIT(0) }, init_f, OUT),
		CASE(lstat64, { BUF(0), BUF(OUT) }, init_none, OUT),
	};
	xl_diff_table(c, ARRAY_SIZE(c));
}

/* free blocks and inodes may move between the two calls: a tolerance */
#define FREE32 { { F_I32, OUT + 12, 4096 }, { F_I32, OUT + 16, 4096 }, { F_I32, OUT + 24, 4096 } }
#define FREE64 { { F_I32, OUT + 16, 4096 }, { F_I32, OUT + 24, 4096 }, { F_I32, OUT + 40, 4096 } }

static void statfs_family(void **state)
{
	(void)state;
	const struct dcase c[] = {
		CASE(statfs, { BUF(0), BUF(OUT) }, init_f, OUT, FREE32),
		CASE(fstatfs, { LIT(fd_f), BUF(OUT) }, NULL, 0, FREE32),
		CASE(statfs, { BUF(0), BAD }, init_f, OUT),
		CASE(statfs, { BUF(0), BUF(OUT) }, init_none, OUT),
		CASE(fstatfs, { LIT(-1), BUF(OUT) }),
		/* the size argument: exactly the i386 struct's 84 bytes */
		CASE(statfs64, { BUF(0), LIT(84), BUF(OUT) }, init_f, OUT, FREE64),
		CASE(statfs64, { BUF(0), LIT(88), BUF(OUT) }, init_f, OUT),
		CASE(statfs64, { BUF(0), LIT(120), BUF(OUT) }, init_f, OUT),
		CASE(fstatfs64, { LIT(fd_f), LIT(84), BUF(OUT) }, NULL, 0, FREE64),
		CASE(fstatfs64, { LIT(fd_f), LIT(64), BUF(OUT) }),
		CASE(fstatfs64, { LIT(fd_f), LIT(84), LIT(0x10) }),
		CASE(statfs64, { BUF(0), LIT(84), BAD }, init_f, OUT),
		CASE(statfs64, { BAD, LIT(84), BUF(OUT) }),
	};
	xl_diff_table(c, ARRAY_SIZE(c));
}

static void ustat_call(void **state)
{
	struct stat st;

	(void)state;
	assert_int_equal(stat(path_f, &st), 0);
	const struct dcase c[] = {
		CASE(ustat, { LIT((uint32_t)st.st_dev), BUF(OUT) }, NULL, 0, { { F_I32, OUT, 4096 }, { F_I32, OUT + 4, 4096 } }),
		CASE(ustat, { LIT((uint32_t)st.st_dev), BAD }),
		CASE(ustat, { LIT(0xfff00), BUF(OUT) }),
	};
	xl_diff_table(c, ARRAY_SIZE(c));
}

/* ---- directory reading: the position is state, reset before each side -- */

static int seq_fd;             /* the directory run_seq rewinds */
static void rewind_dir(void) { lseek(seq_fd, 0, SEEK_SET); }

/* Runs a case `times` times on each side, from the same directory position,
 * comparing every result and the buffer after every call. */
static void run_seq(const struct dcase *c, int times)
{
	static uint8_t *kb, *pb;
	static uint8_t snap[16][XL_DIFF_BUF];
	long kr[16], a[6];

	if (!kb) {
		kb = lowmem(XL_DIFF_BUF);
		pb = lowmem(XL_DIFF_BUF);
	}
	memset(kb, XL_DIFF_FILL, XL_DIFF_BUF);
	memset(pb, XL_DIFF_FILL, XL_DIFF_BUF);
	rewind_dir();
	xl_args(c, kb, a);
	for (int t = 0; t < times; t++) {
		kr[t] = k32(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		memcpy(snap[t], kb, XL_DIFF_BUF);
	}
	/* positions as i386 code sees them (ext4 cookies differ natively) */
	long kpos = k32(I386_NR_lseek, seq_fd, 0, SEEK_CUR, 0, 0, 0);
	rewind_dir();
	xl_args(c, pb, a);
	for (int t = 0; t < times; t++) {
		long pr = p32(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (pr != kr[t])
			fail_msg("line %d call %d: kernel %ld, persona %ld", c->line, t, kr[t], pr);
		for (int i = 0; i < XL_DIFF_BUF; i++)
			if (snap[t][i] != pb[i])
				fail_msg("line %d call %d: byte %d: kernel %02x, persona %02x", c->line, t, i,
					 snap[t][i], pb[i]);
	}
	if (p32(I386_NR_lseek, seq_fd, 0, SEEK_CUR, 0, 0, 0) != kpos)
		fail_msg("line %d: the directory position differs", c->line);
}

static void directories(void **state)
{
	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	if (strncmp(dir, "/dev/shm", 8))
		skip();
	seq_fd = fd_d;
	const struct { struct dcase c; int times; } c[] = {
		{ CASE(getdents, { LIT(fd_d), BUF(0), LIT(XL_DIFF_BUF) }), 3 },
		{ CASE(getdents, { LIT(fd_d), BUF(0), LIT(40) }), 6 },      /* a few records per call */
		{ CASE(getdents, { LIT(fd_d), BUF(0), LIT(16) }), 4 },      /* one short record fits */
		{ CASE(getdents, { LIT(fd_d), BUF(0), LIT(8) }), 2 },       /* none fits: EINVAL */
		{ CASE(getdents, { LIT(fd_d), BUF(0), LIT(0) }), 1 },
		{ CASE(getdents, { LIT(fd_d), BAD, LIT(XL_DIFF_BUF) }), 1 },
		{ CASE(getdents, { LIT(fd_d), LIT(0x10), LIT(XL_DIFF_BUF) }), 1 },
		{ CASE(getdents, { LIT(fd_f), BUF(0), LIT(XL_DIFF_BUF) }), 1 },
		{ CASE(getdents, { LIT(-1), BUF(0), LIT(XL_DIFF_BUF) }), 1 },
		{ CASE(readdir, { LIT(fd_d), BUF(0), LIT(1) }), 8 },        /* 6 entries, then 0 */
		{ CASE(readdir, { LIT(fd_d), BAD, LIT(1) }), 2 },          /* nothing consumed */
		{ CASE(readdir, { LIT(fd_f), BUF(0), LIT(1) }), 1 },
		/* getdents64 passes through: same bytes */
		{ CASE(getdents64, { LIT(fd_d), BUF(0), LIT(XL_DIFF_BUF) }), 2 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++)
		run_seq(&c[i].c, c[i].times);

	/* A buffer that ends in an unmapped page: what fit is delivered, and
	 * the directory is left at the first entry that was not. */
	static uint8_t *two, snap[4096];
	long kr, pr, kpos, ppos;
	if (!two) {
		two = lowmem(8192);
		mprotect(two + 4096, 4096, PROT_NONE);
	}
	rewind_dir();
	memset(two, 0xa5, 4096);
	kr = k32(I386_NR_getdents, fd_d, LOW(two + 4096 - 40), 4096, 0, 0, 0);
	kpos = lseek(fd_d, 0, SEEK_CUR);
	memcpy(snap, two, 4096);
	rewind_dir();
	memset(two, 0xa5, 4096);
	pr = p32(I386_NR_getdents, fd_d, LOW(two + 4096 - 40), 4096, 0, 0, 0);
	ppos = lseek(fd_d, 0, SEEK_CUR);
	assert_int_equal(kr, pr);
	assert_int_equal(kpos, ppos);
	assert_memory_equal(snap, two, 4096);
}

/* ext4 hands 32-bit directory cookies to ia32 calls: the translator gives
 * i386 code the same ones, and seeking by them lands on the same entries. */
static void ext4_cookies(void **state)
{
	char edir[64] = "/tmp/persona-xl4-XXXXXX", p[128], cmd[96];
	struct statfs_buf { long type; char rest[112]; } sf;
	int efd;

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	if (!mkdtemp(edir))
		fail_msg("mkdtemp");
	if (syscall(SYS_statfs, edir, &sf) || sf.type != 0xEF53) {
		rmdir(edir);
		skip();                 /* not ext4: nothing to translate */
	}
	for (int i = 0; i < 40; i++) {
		snprintf(p, sizeof(p), "%s/entry-%d", edir, i * 7919);
		close(open(p, O_CREAT | O_WRONLY, 0600));
	}
	efd = open(edir, O_RDONLY | O_DIRECTORY);
	seq_fd = efd;
	const struct { struct dcase c; int times; } c[] = {
		{ CASE(getdents64, { LIT(efd), BUF(0), LIT(XL_DIFF_BUF) }), 2 },
		{ CASE(getdents64, { LIT(efd), BUF(0), LIT(200) }), 8 },
		{ CASE(getdents, { LIT(efd), BUF(0), LIT(300) }), 8 },
		/* (readdir is not compared here: the first entry's own hash
		 * position is not reported by any native call; it reads as 0) */
		/* telldir after each read: _llseek(fd, 0, 0, &pos, SEEK_CUR) */
		{ CASE(_llseek, { LIT(efd), LIT(0), LIT(0), BUF(0), LIT(SEEK_CUR) }), 1 },
		{ CASE(_llseek, { LIT(efd), LIT(0), LIT(0), BUF(0), LIT(SEEK_END) }), 1 },
		{ CASE(lseek, { LIT(efd), LIT(0), LIT(SEEK_END) }), 1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++)
		run_seq(&c[i].c, c[i].times);

	/* read a few entries, tell, read on, seek back, read again: both sides */
	uint8_t *b = lowmem(4096);
	uint32_t cookie[2];
	for (int side = 0; side < 2; side++) {
		long (*call)(long, long, long, long, long, long, long) = side ? p32 : k32;
		static uint8_t first[2][4096];
		int64_t *pos = (int64_t *)(b + 2048);   /* below 4 GiB */
		lseek(efd, 0, SEEK_SET);
		memset(b, 0xa5, 4096);
		assert_true(call(I386_NR_getdents64, efd, LOW(b), 200, 0, 0, 0) > 0);
		assert_int_equal(call(I386_NR__llseek, efd, 0, 0, LOW(pos), SEEK_CUR, 0), 0);
		cookie[side] = (uint32_t)*pos;
		memset(b, 0xa5, 4096);
		assert_true(call(I386_NR_getdents64, efd, LOW(b), 4096, 0, 0, 0) > 0);
		memcpy(first[side], b, 4096);
		assert_int_equal(call(I386_NR_lseek, efd, cookie[side], SEEK_SET, 0, 0, 0), cookie[side]);
		memset(b, 0xa5, 4096);
		assert_true(call(I386_NR_getdents64, efd, LOW(b), 4096, 0, 0, 0) > 0);
		assert_memory_equal(first[side], b, 4096);
		if (side)
			assert_memory_equal(first[0], first[1], 4096);
	}
	assert_int_equal(cookie[0], cookie[1]);
	assert_true(cookie[0] < 0x80000000u);
	assert_int_equal(p32(I386_NR_lseek, efd, -1, SEEK_SET, 0, 0, 0), k32(I386_NR_lseek, efd, -1, SEEK_SET, 0, 0, 0));
	close(efd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", edir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stat_family),
		cmocka_unit_test(statfs_family),
		cmocka_unit_test(ustat_call),
		cmocka_unit_test(directories),
		cmocka_unit_test(ext4_cookies),
	};
	return cmocka_run_group_tests(tests, world_setup, world_teardown);
}
