/* tests/unit/test_xl_mem.c — the i386 address space: every mapping the
 * translator makes lies below persona_mmap_top (so below 4 GiB), placed
 * top-down as the kernel places them, hints are honoured as the kernel's
 * ia32 layer honours them (raised to its mmap_min_addr), errors agree with it,
 * file mappings show the same bytes, and brk stays where it was put.
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
#include <sys/mman.h>

#include "personality/c/core/persona.h"
#include "personality/c/core/i386_types.h"
#include "personality/c/xl/common.h"
#include "personality/c/core/state.h"
#include "sysnr.h"
#include "xl_diff.h"

#define PG 4096u

extern uint64_t persona_user_limit;     /* the image base; 4 GiB in tests */
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

static int fd;                  /* a file of 4 pages, page i filled with 'a' + i */
static char path[64];

static int setup(void **state)
{
	char page[PG];

	(void)state;
	strcpy(path, "/tmp/persona-xlmem-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	for (int i = 0; i < 4; i++) {
		memset(page, 'a' + i, PG);
		if (write(fd, page, PG) != PG)
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(fd);
	return unlink(path);
}

static int is_err(long r) { return r < 0 && r > -4096; }

/* An address below 4 GiB with `pages` free pages at it. */
static uint32_t free_low(uint32_t pages)
{
	void *p = mmap(NULL, pages * PG, PROT_NONE, ANON | MAP_32BIT, -1, 0);

	assert_true(p != MAP_FAILED);
	munmap(p, pages * PG);
	return LOW(p);
}

/* k32 and p32 sign-extend eax: an address above 2 GiB reads as negative */
static long as_addr(long r) { return is_err(r) ? r : (long)(uint32_t)r; }

static long p_mmap2(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, int f, uint32_t pgoff)
{
	return as_addr(p32(I386_NR_mmap2, addr, len, prot, flags, f, pgoff));
}

static long k_mmap2(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, int f, uint32_t pgoff)
{
	return as_addr(k32(I386_NR_mmap2, addr, len, prot, flags, f, pgoff));
}

/* The fast place (just below the top) is taken: the gap below is found. */
static void top_taken_then_gap(void **state)
{
	(void)state;
	persona_test_init();
	uint32_t r = free_low(64);
	void *blocker = mmap((void *)(uintptr_t)(r + 32 * PG), 32 * PG, PROT_NONE, ANON | MAP_FIXED_NOREPLACE, -1, 0);
	uint32_t saved = persona_mmap_top;
	long a;

	assert_true(blocker != MAP_FAILED);
	persona_mmap_top = r + 64 * PG;
	a = p_mmap2(0, 8 * PG, RW, ANON, -1, 0);
	persona_mmap_top = saved;
	assert_false(is_err(a));
	/* below the blocker, as high as possible */
	assert_true((uint32_t)a + 8 * PG <= r + 32 * PG);
	assert_int_equal((uint32_t)a, r + 24 * PG);
	assert_int_equal(p32(I386_NR_munmap, a, 8 * PG, 0, 0, 0, 0), 0);
	/* through the personality, as a program frees it: the allocator must
	 * forget what it remembered above (the next test may get the same r) */
	assert_int_equal(p32(I386_NR_munmap, LOW(blocker), 32 * PG, 0, 0, 0, 0), 0);
}

/* As the kernel's top-down allocator: the highest free range below the
 * mmap base; space given back above is found again. */
static void top_down_reuse(void **state)
{
	(void)state;
	persona_test_init();
	uint32_t r = free_low(64);
	uint32_t saved = persona_mmap_top;
	long a, b, c, d;

	persona_mmap_top = r + 64 * PG;
	a = p_mmap2(0, 8 * PG, RW, ANON, -1, 0);
	b = p_mmap2(0, 8 * PG, RW, ANON, -1, 0);
	assert_int_equal(a, r + 56 * PG);
	assert_int_equal(b, r + 48 * PG);
	assert_int_equal(p32(I386_NR_munmap, a, 8 * PG, 0, 0, 0, 0), 0);
	c = p_mmap2(0, 4 * PG, RW, ANON, -1, 0);        /* the freed range, at its top */
	assert_int_equal(c, r + 60 * PG);
	d = p_mmap2(0, 8 * PG, RW, ANON, -1, 0);        /* 4 pages free above b: too few */
	assert_int_equal(d, r + 40 * PG);
	assert_int_equal(p32(I386_NR_munmap, r, 64 * PG, 0, 0, 0, 0), 0);
	persona_mmap_top = saved;
}

/* A hint below the kernel's mmap_min_addr is raised to it, as the kernel
 * raises it: the same address the kernel gives for the same hint. */
static void hint_below_floor(void **state)
{
	(void)state;
	persona_test_init();
	void *k = mmap((void *)(uintptr_t)PG, PG, PROT_NONE, ANON, -1, 0);

	assert_true(k != MAP_FAILED);
	munmap(k, PG);
	if ((uintptr_t)k >= 1ull << 32)
		skip();         /* the kernel's floor is taken here: nothing to compare */
	long p = p_mmap2(PG, PG, RW, ANON, -1, 0);
	assert_int_equal(p, (long)(uintptr_t)k);
	assert_int_equal(p32(I386_NR_munmap, p, PG, 0, 0, 0, 0), 0);
}

static void anonymous_below_top(void **state)
{
	long a[4];

	(void)state;
	persona_test_init();
	for (int i = 0; i < 4; i++) {
		a[i] = p_mmap2(0, (i + 1) * PG + 5, RW, ANON, -1, 0);
		assert_false(is_err(a[i]));
		assert_true((uint64_t)a[i] + (i + 2) * PG <= persona_mmap_top);
		assert_true(a[i] >= 0x10000 && (a[i] & (PG - 1)) == 0);
		memset((void *)a[i], 0x5a, (i + 1) * PG + 5);     /* mapped and writable */
		for (int j = 0; j < i; j++)                         /* no overlap */
			assert_true((uint64_t)a[i] + (i + 2) * PG <= (uint64_t)a[j] || (uint64_t)a[j] + (j + 2) * PG <= (uint64_t)a[i]);
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(p32(I386_NR_munmap, a[i], (i + 1) * PG + 5, 0, 0, 0, 0), 0);
}

/* Hints: a free hint is taken as it is by both, a taken one is not. */
static void hints(void **state)
{
	uint32_t h = free_low(4);
	long k, p;

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	k = k_mmap2(h, 2 * PG, RW, ANON, -1, 0);
	assert_int_equal((uint32_t)k, h);
	munmap((void *)(uintptr_t)k, 2 * PG);
	p = p_mmap2(h, 2 * PG, RW, ANON, -1, 0);
	assert_int_equal((uint32_t)p, h);
	/* now h is taken: both place the mapping elsewhere, below 4 GiB */
	k = k_mmap2(h, PG, RW, ANON, -1, 0);
	p = p_mmap2(h, PG, RW, ANON, -1, 0);
	assert_false(is_err(k) || is_err(p));
	assert_true(k != (long)h && p != (long)h);
	assert_true(p < (long)persona_mmap_top && (uint64_t)k < (1ull << 32));
	munmap((void *)(uintptr_t)h, 2 * PG);
	munmap((void *)(uintptr_t)k, PG);
	munmap((void *)(uintptr_t)p, PG);
}

/* File mappings: mmap2 counts pages, old mmap bytes; the contents agree. */
static void file_mappings(void **state)
{
	struct i386_mmap_args *args = lowmem(sizeof(*args));
	long k, p;

	(void)state;
	persona_test_init();
	if (!k32_available())
		skip();
	k = k_mmap2(0, 2 * PG, PROT_READ, MAP_SHARED, fd, 1);
	p = p_mmap2(0, 2 * PG, PROT_READ, MAP_SHARED, fd, 1);
	assert_false(is_err(k) || is_err(p));
	assert_int_equal(((char *)p)[0], 'b');
	assert_memory_equal((void *)k, (void *)p, 2 * PG);
	munmap((void *)k, 2 * PG), munmap((void *)p, 2 * PG);

	*args = (struct i386_mmap_args){ 0, PG, PROT_READ, MAP_PRIVATE, (uint32_t)fd, 3 * PG };
	k = as_addr(k32(I386_NR_mmap, LOW(args), 0, 0, 0, 0, 0));
	p = as_addr(p32(I386_NR_mmap, LOW(args), 0, 0, 0, 0, 0));
	assert_false(is_err(k) || is_err(p));
	assert_int_equal(((char *)p)[0], 'd');
	assert_memory_equal((void *)k, (void *)p, PG);
	munmap((void *)k, PG), munmap((void *)p, PG);
}

static void errors_agree(void **state)
{
	(void)state;
	struct i386_mmap_args *odd = lowmem(sizeof(*odd));
	*odd = (struct i386_mmap_args){ 0, PG, PROT_READ, MAP_PRIVATE, (uint32_t)fd, 100 };
	/* the case buffers first, so that the free address below is not theirs */
	const struct dcase first = { __LINE__, I386_NR_getpid, {} };
	xl_diff_table(&first, 1);
	uint32_t low = free_low(2);
	const struct dcase c[] = {
		{ __LINE__, I386_NR_mmap2, { LIT(0), LIT(0), LIT(RW), LIT(ANON), LIT(-1), LIT(0) } },
		{ __LINE__, I386_NR_mmap2, { LIT(0), LIT(PG), LIT(RW), LIT(MAP_PRIVATE), LIT(-1), LIT(0) } },
		{ __LINE__, I386_NR_mmap2, { LIT(0), LIT(PG), LIT(RW), LIT(MAP_PRIVATE), LIT(9999), LIT(0) } },
		{ __LINE__, I386_NR_mmap2, { LIT(0), LIT(PG), LIT(RW), LIT(0), LIT(-1), LIT(0) } },
		{ __LINE__, I386_NR_mmap2, { LIT(0), LIT(0xfffff000), LIT(RW), LIT(ANON), LIT(-1), LIT(0) } },
		{ __LINE__, I386_NR_mmap2, { LIT(low + 1), LIT(PG), LIT(RW), LIT(ANON | MAP_FIXED), LIT(-1), LIT(0) } },
		{ __LINE__, I386_NR_mmap, { BAD } },
		{ __LINE__, I386_NR_mmap, { LIT(0x10) } },
		{ __LINE__, I386_NR_mmap, { LIT(LOW(odd)) } },
		{ __LINE__, I386_NR_munmap, { LIT(low + 1), LIT(PG) } },
		{ __LINE__, I386_NR_munmap, { LIT(low), LIT(0) } },
		{ __LINE__, I386_NR_munmap, { LIT(low), LIT(PG) } },          /* nothing there: 0 */
		{ __LINE__, I386_NR_mprotect, { LIT(low + 1), LIT(PG), LIT(PROT_READ) } },
		{ __LINE__, I386_NR_mprotect, { LIT(low), LIT(PG), LIT(PROT_READ) } },      /* ENOMEM */
		{ __LINE__, I386_NR_mprotect, { LIT(low), LIT(0), LIT(PROT_READ) } },
		{ __LINE__, I386_NR_madvise, { LIT(low), LIT(PG), LIT(MADV_DONTNEED) } },
		{ __LINE__, I386_NR_madvise, { LIT(low + 1), LIT(PG), LIT(MADV_DONTNEED) } },
		{ __LINE__, I386_NR_mremap, { LIT(low), LIT(PG), LIT(2 * PG), LIT(0), LIT(0) } },
		{ __LINE__, I386_NR_mremap, { LIT(low), LIT(PG), LIT(2 * PG), LIT(MREMAP_DONTUNMAP), LIT(0) } },
		{ __LINE__, I386_NR_mremap, { LIT(low + 1), LIT(PG), LIT(2 * PG), LIT(MREMAP_MAYMOVE), LIT(0) } },
	};
	xl_diff_table(c, ARRAY_SIZE(c));
	/* The i386 TASK_SIZE ends at 0xffffe000, and the personality's own
	 * pages are above persona_user_limit: nothing reaches them. (The
	 * kernel's ia32 layer, called from a 64-bit process, has the 64-bit
	 * TASK_SIZE, so these are not compared with it.) */
	assert_int_equal(p_mmap2(0xffffe000, PG, RW, ANON | MAP_FIXED, -1, 0), -ENOMEM);
	assert_int_equal(p_mmap2(0xfffff000, 2 * PG, RW, ANON | MAP_FIXED, -1, 0), -ENOMEM);
	assert_int_equal(p32(I386_NR_munmap, 0xfffff000, 2 * PG, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(p32(I386_NR_mprotect, 0xffffe000, PG, PROT_READ, 0, 0, 0), -ENOMEM);
	assert_int_equal(p32(I386_NR_madvise, 0xffffe000, PG, MADV_DONTNEED, 0, 0, 0), -ENOMEM);
	uint64_t saved = persona_user_limit;
	persona_user_limit = low + PG;          /* as if the image began there */
	assert_int_equal(p_mmap2(low, 2 * PG, RW, ANON | MAP_FIXED, -1, 0), -ENOMEM);
	assert_int_equal(p32(I386_NR_mprotect, low, 2 * PG, PROT_READ, 0, 0, 0), -ENOMEM);
	assert_int_equal(p32(I386_NR_munmap, low, 2 * PG, 0, 0, 0, 0), -EINVAL);
	persona_user_limit = saved;
}

/* MAP_FIXED replaces, as it does for the kernel; mprotect and mremap keep
 * everything below 4 GiB. */
static void fixed_protect_remap(void **state)
{
	uint32_t low = free_low(8);
	long a, b;

	(void)state;
	persona_test_init();
	a = p_mmap2(low, 2 * PG, RW, ANON | MAP_FIXED, -1, 0);
	assert_int_equal((uint32_t)a, low);
	((char *)(uintptr_t)low)[0] = 1;
	a = p_mmap2(low, PG, RW, ANON | MAP_FIXED, -1, 0);      /* replaced: zero again */
	assert_int_equal((uint32_t)a, low);
	assert_int_equal(((char *)(uintptr_t)low)[0], 0);
	assert_int_equal(p_mmap2(low, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), -EEXIST);
	assert_int_equal(p32(I386_NR_mprotect, low, PG, PROT_READ, 0, 0, 0), 0);
	assert_int_equal(p32(I386_NR_mprotect, low, PG, RW | PROT_EXEC, 0, 0, 0), 0);
	/* grow in place where there is room; move when there is none (one
	 * mapping: mremap does not span two) */
	assert_int_equal(p_mmap2(low, 2 * PG, RW, ANON | MAP_FIXED, -1, 0), (long)low);
	memset((void *)(uintptr_t)low, 7, 2 * PG);
	b = p32(I386_NR_mremap, low, 2 * PG, 3 * PG, 0, 0, 0);
	assert_int_equal((uint32_t)b, low);
	assert_int_equal(p_mmap2(low + 3 * PG, PG, RW, ANON | MAP_FIXED, -1, 0), (long)(low + 3 * PG));
	assert_int_equal(p32(I386_NR_mremap, low, 3 * PG, 6 * PG, 0, 0, 0), -ENOMEM);
	b = as_addr(p32(I386_NR_mremap, low, 3 * PG, 6 * PG, MREMAP_MAYMOVE, 0, 0));
	assert_false(is_err(b));
	assert_true(b != (long)low && (uint64_t)b + 6 * PG <= persona_mmap_top);
	assert_int_equal(((char *)b)[2 * PG - 1], 7);
	assert_int_equal(p32(I386_NR_munmap, b, 6 * PG, 0, 0, 0, 0), 0);
	assert_int_equal(p32(I386_NR_munmap, low + 3 * PG, PG, 0, 0, 0, 0), 0);
}

static void program_break(void **state)
{
	uint32_t base = free_low(64);   /* page aligned: no bss page below it here */
	uint32_t cur;

	(void)state;
	persona_test_init();
	persona_brk_base = base;
	assert_int_equal(p32(I386_NR_brk, 0, 0, 0, 0, 0, 0), base);
	assert_int_equal(p32(I386_NR_brk, base + 10000, 0, 0, 0, 0, 0), base + 10000);
	memset((void *)(uintptr_t)base, 1, 10000);
	assert_int_equal(p32(I386_NR_brk, base + 5000, 0, 0, 0, 0, 0), base + 5000);
	assert_int_equal(p32(I386_NR_brk, base - 1, 0, 0, 0, 0, 0), base + 5000);
	/* something mapped above stops it a page below, as the kernel's rule
	 * has it (the new end and one page more must be free): the break stays */
	cur = base + 5000;
	uint32_t wall = (base & ~(PG - 1)) + 16 * PG;
	assert_int_equal(p_mmap2(wall, PG, RW, ANON | MAP_FIXED, -1, 0), (long)wall);
	assert_int_equal(p32(I386_NR_brk, wall + 100, 0, 0, 0, 0, 0), cur);
	assert_int_equal(p32(I386_NR_brk, wall - 1, 0, 0, 0, 0, 0), cur);
	assert_int_equal(p32(I386_NR_brk, wall - PG + 1, 0, 0, 0, 0, 0), cur);
	assert_int_equal(p32(I386_NR_brk, wall - PG, 0, 0, 0, 0, 0), wall - PG);
	memset((void *)(uintptr_t)base, 2, wall - PG - base);
	/* the gap page was only looked at: it is free again */
	assert_int_equal(p_mmap2(wall - PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), (long)(wall - PG));
	p32(I386_NR_munmap, wall - PG, PG, 0, 0, 0, 0);
	assert_int_equal(p32(I386_NR_brk, base, 0, 0, 0, 0, 0), base);
	p32(I386_NR_munmap, wall, PG, 0, 0, 0, 0);
	/* the mmap base walls it in the same way, as the native vDSO there does */
	uint32_t saved = persona_mmap_top;
	persona_mmap_top = base + 16 * PG;
	assert_int_equal(p32(I386_NR_brk, base + 15 * PG + 1, 0, 0, 0, 0, 0), base);
	assert_int_equal(p32(I386_NR_brk, base + 15 * PG, 0, 0, 0, 0, 0), base + 15 * PG);
	assert_int_equal(p32(I386_NR_brk, base, 0, 0, 0, 0, 0), base);
	persona_mmap_top = saved;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(top_taken_then_gap),   /* first: the allocator is fresh */
		cmocka_unit_test(top_down_reuse),
		cmocka_unit_test(hint_below_floor),
		cmocka_unit_test(anonymous_below_top),
		cmocka_unit_test(hints),
		cmocka_unit_test(file_mappings),
		cmocka_unit_test(errors_agree),
		cmocka_unit_test(fixed_protect_remap),
		cmocka_unit_test(program_break),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
