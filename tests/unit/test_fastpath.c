/* tests/unit/test_fastpath.c — the asm fast path gives what the C path gives.
 *
 * Linked against the table-asm variant of the translator (every row that can
 * take the asm fast path on it, bench/module.mk), so the generated routines
 * of every argument shape are here: each PASS row has one, and each XLATE
 * row with an out= converter (the stat64 family); the cases below run a
 * sample of shapes both ways, and other rows fall back to C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "personality/c/core/persona.h"
#include "personality/c/core/sysent_types.h"
#include "personality/c/core/lfs.h"
#include "sysnr.h"
#include "support/i386call.h"

int persona_fastpath(struct i386_frame *f);
extern void *const persona_fast_table[I386_NR_LINUX_MAX + 1];

static int zero_fd, pipe_fd[2];
static char *low;

static const struct fast_case {
	int line;
	uint32_t nr;
	int args_from;          /* 0: fixed args; 1: (zero_fd, low, 4); 2: (pipe, low, 3);
				 * 3: (zero_fd, low, 4, offset lo, offset hi) */
	uint32_t a0, a3, a4;
} cases[] = {
	{ __LINE__, I386_NR_getppid, 0, 0, 0, 0 },
	{ __LINE__, I386_NR_getpid, 0, 0, 0, 0 },
	{ __LINE__, I386_NR_read, 1, 0, 0, 0 },
	{ __LINE__, I386_NR_write, 2, 0, 0, 0 },
	{ __LINE__, I386_NR_close, 0, (uint32_t)-1, 0, 0 },     /* sign-extended: -EBADF */
	{ __LINE__, I386_NR_close, 0, 0x7fffffff, 0, 0 },
	{ __LINE__, I386_NR_pread64, 3, 0, 4096, 0 },            /* a 64-bit pair */
	{ __LINE__, I386_NR_pread64, 3, 0, 0, 0xffffffff },      /* a negative offset: -EINVAL */
};

static struct i386_frame frame_for(const struct fast_case *c)
{
	struct i386_frame f = { .eax = c->nr, .ebx = c->a0, .way = WAY_DIRECT };

	if (c->args_from == 1)
		f.ebx = (uint32_t)zero_fd, f.ecx = (uint32_t)LOW(low), f.edx = 4;
	if (c->args_from == 2)
		f.ebx = (uint32_t)pipe_fd[1], f.ecx = (uint32_t)LOW(low), f.edx = 3;
	if (c->args_from == 3)
		f.ebx = (uint32_t)zero_fd, f.ecx = (uint32_t)LOW(low), f.edx = 4, f.esi = c->a3, f.edi = c->a4;
	return f;
}

static void fast_path_matches_c_path(void **state)
{
	(void)state;
	zero_fd = open("/dev/zero", O_RDONLY);
	assert_true(pipe(pipe_fd) == 0);
	low = lowmem(4096);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct fast_case *c = &cases[i];
		const struct sysent *e = persona_lookup(c->nr);
		struct i386_frame fast = frame_for(c), slow = frame_for(c);
		uint64_t before = persona_stats.calls[c->nr];

		assert_int_equal(e->fast, FAST_ASM);
		memcpy(low, "abc", 3);
		if (!persona_fastpath(&fast))
			fail_msg("case at line %d: %s has fast asm but was not handled", c->line, e->name);
		memcpy(low, "abc", 3);
		persona_syscall(&slow);
		if (fast.eax != slow.eax)
			fail_msg("case at line %d: %s fast %d, C %d", c->line, e->name, (int)fast.eax, (int)slow.eax);
		assert_int_equal(persona_stats.calls[c->nr], before + 2);
		/* every register field but eax is untouched by either path */
		fast.eax = slow.eax;
		fast.nr = slow.nr;
		assert_memory_equal(&fast, &slow, sizeof(fast));
	}
	close(zero_fd), close(pipe_fd[0]), close(pipe_fd[1]);
}

static void every_asm_row_has_a_routine(void **state)
{
	int converters = 0;
	(void)state;
	for (uint32_t nr = 0; nr <= I386_NR_LINUX_MAX; nr++) {
		const struct sysent *e = persona_lookup(nr);
		int can = e->kind == K_PASS || (e->kind == K_XLATE && e->out != OUT_NONE);
		if (can != (persona_fast_table[nr] != NULL))
			fail_msg("row %u %s: kind %d, out %d, fast routine %p", nr, e->name, e->kind, e->out,
				 persona_fast_table[nr]);
		converters += e->out != OUT_NONE;
	}
	assert_int_equal(converters, 4);        /* stat64, lstat64, fstat64, fstatat64 */
}

/* ---- the stat64 family through its asm converter ------------------------ */

/* One stat64-family call both ways, into buffers that start as the same
 * pattern: the same result and the same 96 bytes, pads included (neither
 * path writes them). ac: the fast path runs with alignment checking on. */
static void stat64_both_ways(int line, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t buf,
			     uint32_t flags, int ac, uint8_t *fast_buf, uint8_t *c_buf)
{
	struct i386_frame fast = { .eax = nr, .ebx = a0, .ecx = a1, .edx = a1, .esi = flags,
				   .way = WAY_DIRECT }, slow;
	uint32_t c_ptr = buf;
	int handled;

	/* the buffer argument: ecx, or edx for fstatat64 (dirfd, path, buf, flags) */
	if (nr == I386_NR_fstatat64)
		fast.edx = buf;
	else
		fast.ecx = buf;
	slow = fast;
	if (fast_buf && c_buf) {
		memset(fast_buf, 0xa5, 96);
		memset(c_buf, 0xa5, 96);
		c_ptr = (uint32_t)LOW(c_buf);
		if (nr == I386_NR_fstatat64)
			slow.edx = c_ptr;
		else
			slow.ecx = c_ptr;
	}
	if (ac)
		__asm__ volatile("pushfq; orl $0x40000, (%%rsp); popfq" ::: "memory", "cc");
	handled = persona_fastpath(&fast);
	if (ac)
		__asm__ volatile("pushfq; andl $~0x40000, (%%rsp); popfq" ::: "memory", "cc");
	if (!handled)
		fail_msg("case at line %d: row %u has a converter but was not handled", line, nr);
	persona_syscall(&slow);
	if (fast.eax != slow.eax)
		fail_msg("case at line %d: row %u fast %d, C %d", line, nr, (int)fast.eax, (int)slow.eax);
	if (fast_buf && c_buf && memcmp(fast_buf, c_buf, 96))
		fail_msg("case at line %d: row %u wrote other bytes than the C path", line, nr);
}

static void stat64_converter_matches_c_path(void **state)
{
	(void)state;
	persona_test_init();
	uint8_t *page = lowmem(4096);
	char *path = (char *)page + 3000;
	/* 4-aligned, not 8: the packed struct's 8-byte fields land misaligned */
	uint8_t *fast_buf = page + 4, *c_buf = page + 1028;
	uint32_t buf = (uint32_t)LOW(fast_buf), bad = unmapped_low();
	int fd = open("/proc/self/exe", O_RDONLY);
	uint64_t before = persona_stats.calls[I386_NR_fstat64];

	assert_true(fd >= 0);
	strcpy(path, "/proc/self/exe");
	for (int ac = 0; ac <= 1; ac++) {
		stat64_both_ways(__LINE__, I386_NR_fstat64, (uint32_t)fd, 0, buf, 0, ac, fast_buf, c_buf);
		stat64_both_ways(__LINE__, I386_NR_stat64, (uint32_t)LOW(path), 0, buf, 0, ac, fast_buf, c_buf);
		stat64_both_ways(__LINE__, I386_NR_lstat64, (uint32_t)LOW(path), 0, buf, 0, ac, fast_buf, c_buf);
		stat64_both_ways(__LINE__, I386_NR_fstatat64, (uint32_t)-100, (uint32_t)LOW(path), buf,
				 0x100 /* AT_SYMLINK_NOFOLLOW */, ac, fast_buf, c_buf);
	}
	/* the fields themselves, against the host's own fstat */
	stat64_both_ways(__LINE__, I386_NR_fstat64, (uint32_t)fd, 0, buf, 0, 0, fast_buf, c_buf);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	uint64_t ino, size, dev;
	uint32_t ino32, mode, mtime;
	memcpy(&dev, fast_buf + 0, 8);
	memcpy(&ino32, fast_buf + 12, 4);
	memcpy(&mode, fast_buf + 16, 4);
	memcpy(&size, fast_buf + 44, 8);
	memcpy(&mtime, fast_buf + 72, 4);
	memcpy(&ino, fast_buf + 88, 8);
	assert_int_equal(dev, st.st_dev);
	assert_int_equal(ino, st.st_ino);
	assert_int_equal(ino32, (uint32_t)st.st_ino);
	assert_int_equal(mode, st.st_mode);
	assert_int_equal(size, st.st_size);
	assert_int_equal(mtime, (uint32_t)st.st_mtim.tv_sec);
	assert_int_equal(fast_buf[8], 0xa5);     /* pad0 untouched */
	assert_int_equal(fast_buf[40], 0xa5);    /* pad3 untouched */
	/* each call counted once by each path */
	assert_int_equal(persona_stats.calls[I386_NR_fstat64], before + 6);
	/* errors: the call's own (its -errno, nothing written) */
	stat64_both_ways(__LINE__, I386_NR_fstat64, (uint32_t)-1, 0, buf, 0, 0, fast_buf, c_buf);
	assert_int_equal(fast_buf[0], 0xa5);
	strcpy(path, "/nonexistent/persona");
	stat64_both_ways(__LINE__, I386_NR_stat64, (uint32_t)LOW(path), 0, buf, 0, 0, fast_buf, c_buf);
	assert_int_equal(fast_buf[0], 0xa5);
	/* a bad buffer: -EFAULT from the converter's fix-up, with and without
	 * alignment checking; one the range check refuses (its end past 4 GiB);
	 * a bad path: -EFAULT from the kernel */
	for (int ac = 0; ac <= 1; ac++) {
		stat64_both_ways(__LINE__, I386_NR_fstat64, (uint32_t)fd, 0, bad, 0, ac, NULL, NULL);
		stat64_both_ways(__LINE__, I386_NR_fstat64, (uint32_t)fd, 0, 0xffffffc0u, 0, ac, NULL, NULL);
	}
	/* a buffer whose end crosses into an inaccessible page */
	uint8_t *two = lowmem(8192);
	assert_int_equal(mprotect(two + 4096, 4096, PROT_NONE), 0);
	for (int ac = 0; ac <= 1; ac++)
		stat64_both_ways(__LINE__, I386_NR_fstat64, (uint32_t)fd, 0, (uint32_t)LOW(two + 4096 - 40), 0,
				 ac, NULL, NULL);
	stat64_both_ways(__LINE__, I386_NR_stat64, bad, 0, buf, 0, 0, NULL, NULL);
	struct i386_frame f = { .eax = I386_NR_fstat64, .ebx = (uint32_t)fd, .ecx = bad, .way = WAY_DIRECT };
	assert_int_equal(persona_fastpath(&f), 1);
	assert_int_equal((int)f.eax, -EFAULT);
	close(fd);
}

static void c_rows_and_trace_take_the_c_path(void **state)
{
	struct i386_frame f = { .eax = I386_NR_stat };
	(void)state;
	assert_int_equal(persona_fastpath(&f), 0);
	f.eax = 99999;
	assert_int_equal(persona_fastpath(&f), 0);
	persona_opts.trace = 1;
	f.eax = I386_NR_getppid;
	assert_int_equal(persona_fastpath(&f), 0);
	persona_opts.trace = 0;
}

/* i386 open through the C path: flags as given (no O_LARGEFILE added) */
static long open32(const char *path, uint32_t flags)
{
	strcpy(low, path);
	struct i386_frame f = { .eax = I386_NR_open, .ebx = (uint32_t)LOW(low), .ecx = flags,
				.edx = 0600, .way = WAY_DIRECT };
	persona_syscall(&f);
	return (int32_t)f.eax;
}

static int fast(uint32_t nr, long fd)
{
	struct i386_frame f = { .eax = nr, .ebx = (uint32_t)fd, .ecx = (uint32_t)LOW(low),
				.edx = 0, .way = WAY_DIRECT };
	return persona_fastpath(&f);
}

/* The table's lfs= word reaches both sides: the tag bits of each row's fast
 * routine, and the rows lfs.c takes over; and only the rows it names leave
 * the fast path, only while a descriptor of their kind lacks O_LARGEFILE. */
static void lfs_watch_leaves_only_its_rows(void **state)
{
	(void)state;
	low = lowmem(4096);
	long null_fd = open32("/dev/null", O_WRONLY);             /* marked, not a regular file */
	char path[] = "/tmp/persona-fastpath-lfs-XXXXXX";
	int tmp = mkstemp(path);
	assert_true(null_fd >= 0 && tmp >= 0);
	close(tmp);
	long reg_fd = open32(path, O_RDWR);                        /* marked, a regular file */
	assert_true(reg_fd >= 0);
	unlink(path);

	for (uint32_t nr = 0; nr <= I386_NR_LINUX_MAX; nr++) {
		const struct sysent *e = persona_lookup(nr);
		const uint32_t on_reg[6] = { (uint32_t)reg_fd, (uint32_t)reg_fd };
		const uint32_t on_null[6] = { (uint32_t)null_fd, (uint32_t)null_fd };
		uintptr_t tag = (uintptr_t)persona_fast_table[nr] & (LFS_FD | LFS_WRITE);

		if (e->kind == K_PASS && tag != e->lfs)
			fail_msg("row %u %s: lfs %d, fast routine tagged %lu", nr, e->name, e->lfs, (unsigned long)tag);
		if (persona_lfs_needed(nr, on_reg) != (e->lfs != LFS_NONE))
			fail_msg("row %u %s: lfs %d, but lfs.c %s it", nr, e->name, e->lfs,
				 e->lfs ? "does not take" : "takes");
		if (e->lfs == LFS_WRITE && persona_lfs_needed(nr, on_null))
			fail_msg("row %u %s: lfs=write, but lfs.c takes a write to a device", nr, e->name);
	}
	/* a regular file marked: both kinds of rows to C, the others fast */
	assert_int_equal(fast(I386_NR_write, null_fd), 0);
	assert_int_equal(fast(I386_NR_dup, null_fd), 0);
	assert_int_equal(fast(I386_NR_read, null_fd), 1);
	assert_int_equal(fast(I386_NR_getppid, 0), 1);
	/* only a device marked: lfs=write rows fast again, lfs=fd rows not */
	struct i386_frame f = { .eax = I386_NR_close, .ebx = (uint32_t)reg_fd, .way = WAY_DIRECT };
	persona_syscall(&f);
	assert_int_equal(f.eax, 0);
	assert_int_equal(persona_lfs_reg_marked, 0);
	assert_int_equal(fast(I386_NR_write, null_fd), 1);
	assert_int_equal(fast(I386_NR_dup, null_fd), 0);
	/* none marked: every row fast */
	f = (struct i386_frame){ .eax = I386_NR_close, .ebx = (uint32_t)null_fd, .way = WAY_DIRECT };
	persona_syscall(&f);
	assert_int_equal(f.eax, 0);
	assert_int_equal(persona_lfs_marked, 0);
	assert_int_equal(fast(I386_NR_close, -1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fast_path_matches_c_path),
		cmocka_unit_test(every_asm_row_has_a_routine),
		cmocka_unit_test(stat64_converter_matches_c_path),
		cmocka_unit_test(c_rows_and_trace_take_the_c_path),
		cmocka_unit_test(lfs_watch_leaves_only_its_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
