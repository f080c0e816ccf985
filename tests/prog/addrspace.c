/* tests/prog/addrspace.c [CASE...] — the i386 address space, one line per
 * check.
 *
 * Run natively and under `persona run` (tests/e2e/addrspace.sh): the lines
 * must be the same. Addresses differ from run to run (the kernel
 * randomizes), so each line says only how a placement relates to others,
 * to the break, to vm.mmap_min_addr and to 4 GiB: where the kernel's
 * top-down allocator for 32-bit tasks puts a mapping, whether a hint is
 * taken, when brk is refused. With no arguments every case runs; a case
 * name runs that one.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG      4096u
#define MIB     (1024u * 1024u)
#define GIB     (1024u * MIB)
#define ANON    (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW      (PROT_READ | PROT_WRITE)
/* a hint in space that is free in every run: above the program and its
 * break, below where the mmap area reaches in these cases */
#define FREE_HINT 0x70000000u

static uint32_t map(uint32_t hint, uint32_t len, int prot, int flags)
{
	void *p = mmap((void *)(uintptr_t)hint, len, prot, flags, -1, 0);

	return p == MAP_FAILED ? 0 : (uint32_t)(uintptr_t)p;
}

static const char *err_name(int e)
{
	switch (e) {
	case 0: return "ok";
	case ENOMEM: return "ENOMEM";
	case EEXIST: return "EEXIST";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	default: return "other";
	}
}

/* the raw call: glibc's brk() hides what the kernel answered */
static uint32_t raw_brk(uint32_t want)
{
	return (uint32_t)syscall(SYS_brk, want);
}

static const char *brk_says(uint32_t want, uint32_t before)
{
	uint32_t r = raw_brk(want);

	return r == want ? "moved" : r == before ? "refused" : "other";
}

/* The kernel's floor for placements: its mmap_min_addr, the larger of
 * vm.mmap_min_addr and the security modules' own (which /proc does not
 * show). It raises a hint below the floor to the floor: a hint of one page
 * finds it, while nothing is mapped there. */
static uint32_t floor_addr;

static void find_floor(void)
{
	floor_addr = map(PG, PG, PROT_NONE, ANON);
	if (floor_addr)
		munmap((void *)(uintptr_t)floor_addr, PG);
}

/* A break far beyond what can be mapped first (it once took the whole
 * space of a static program), then 1 GiB with no hint, then a hint in free
 * space. */
static void case_farbrk(void)
{
	uint32_t b0 = raw_brk(0);

	printf("brk to 0xfe000000: %s\n", brk_says(0xfe000000u, b0));
	printf("brk to 0xfffff000: %s\n", brk_says(0xfffff000u, b0));
	uint32_t g = map(0, GIB, RW, ANON);
	printf("1 GiB, no hint: %s, below 4 GiB %d, above the break %d\n",
	       g ? "ok" : err_name(errno), g && (uint64_t)g + GIB <= 1ull << 32, g > b0);
	uint32_t h = map(FREE_HINT, 16 * PG, RW, ANON);
	printf("hint in free space: taken %d\n", h == FREE_HINT);
	if (g)
		munmap((void *)(uintptr_t)g, GIB);
	if (h)
		munmap((void *)(uintptr_t)h, 16 * PG);
}

/* top-down: each mapping goes right below the one before; space given
 * back above is found again; a taken hint is placed as no hint is */
static void case_topdown(void)
{
	uint32_t p1 = map(0, GIB, PROT_NONE, ANON);
	uint32_t p2 = map(0, GIB, PROT_NONE, ANON);

	printf("two 1 GiB mappings: %d, the second right below the first %d\n",
	       p1 && p2, p2 + GIB == p1);
	munmap((void *)(uintptr_t)p1, GIB);
	uint32_t p3 = map(0, GIB, PROT_NONE, ANON);
	printf("after the upper one is unmapped, the next goes there %d\n", p3 == p1);
	uint32_t small = map(0, PG, RW, ANON);
	printf("a page goes right below the lowest one %d\n", small + PG == p2);
	munmap((void *)(uintptr_t)small, PG);
	munmap((void *)(uintptr_t)p3, GIB);
	munmap((void *)(uintptr_t)p2, GIB);

	uint32_t text = (uint32_t)(uintptr_t)case_topdown & ~(PG - 1);
	uint32_t a = map(text, PG, RW, ANON);
	munmap((void *)(uintptr_t)a, PG);
	uint32_t b = map(0, PG, RW, ANON);
	munmap((void *)(uintptr_t)b, PG);
	printf("a hint on the program's text: not taken %d, placed as without one %d\n", a != text, a == b);
	uint32_t c = map(0, PG, RW, ANON | MAP_32BIT);
	munmap((void *)(uintptr_t)c, PG);
	printf("MAP_32BIT: placed as without it %d\n", c == b);
}

static void case_fixed(void)
{
	uint32_t text = (uint32_t)(uintptr_t)case_fixed & ~(PG - 1);
	uint32_t r;

	errno = 0;
	r = map(text, PG, RW, ANON | MAP_FIXED_NOREPLACE);
	printf("MAP_FIXED_NOREPLACE on the program's text: %s\n", r ? "mapped" : err_name(errno));
	r = map(FREE_HINT, PG, RW, ANON | MAP_FIXED_NOREPLACE);
	printf("MAP_FIXED_NOREPLACE in free space: exact %d\n", r == FREE_HINT);
	errno = 0;
	uint32_t again = map(FREE_HINT, PG, RW, ANON | MAP_FIXED_NOREPLACE);
	printf("MAP_FIXED_NOREPLACE on it again: %s\n", again ? "mapped" : err_name(errno));
	if (r)
		munmap((void *)(uintptr_t)r, PG);
}

/* mmap_min_addr: nothing is placed below it */
static void case_min_addr(void)
{
	unsigned long sysctl = 0;
	FILE *f = fopen("/proc/sys/vm/mmap_min_addr", "r");

	if (!f || fscanf(f, "%lu", &sysctl) != 1)
		sysctl = 0;
	if (f)
		fclose(f);
	printf("a hint of one page is raised to %#x (at least vm.mmap_min_addr %d)\n",
	       floor_addr, floor_addr >= sysctl);
	uint32_t r = map(floor_addr, PG, RW, ANON);
	printf("hint at the floor: taken %d\n", r == floor_addr);
	if (r)
		munmap((void *)(uintptr_t)r, PG);
}

/* The break: it moves where it can, and stops one page below anything
 * mapped above it (the kernel's rule). */
static void case_brk(void)
{
	uint32_t b0 = raw_brk(0);
	uint32_t wall = ((b0 + PG - 1) & ~(PG - 1)) + 64 * PG;

	printf("brk up 1 MiB: %s\n", brk_says(b0 + MIB, b0));
	memset((void *)(uintptr_t)b0, 1, MIB);
	printf("brk back: %s\n", brk_says(b0, b0 + MIB));
	if (map(wall, PG, RW, ANON | MAP_FIXED_NOREPLACE) != wall) {
		printf("brk wall: cannot map it\n");
		return;
	}
	printf("brk past a mapping: %s\n", brk_says(wall + 100, b0));
	printf("brk to its last byte: %s\n", brk_says(wall - 1, b0));
	printf("brk into the page below it: %s\n", brk_says(wall - PG + 1, b0));
	printf("brk to a page below it: %s\n", brk_says(wall - PG, b0));
	printf("brk back: %s\n", brk_says(b0, wall - PG));
	munmap((void *)(uintptr_t)wall, PG);
}

/* The whole space: map all of it, in ever smaller pieces. Where the pieces
 * go says what the program may have: everything from mmap_min_addr up,
 * nearly 4 GiB. */
static void case_fill(void)
{
	static uint32_t at[4096], len[4096];
	int n = 0;
	uint64_t total = 0;
	uint32_t lowest = ~0u, b0 = raw_brk(0);

	for (uint32_t size = GIB; size >= PG; size /= 2) {
		uint32_t a;
		while (n < 4096 && (a = map(0, size, PROT_NONE, ANON))) {
			at[n] = a;
			len[n++] = size;
			total += size;
			if (a < lowest)
				lowest = a;
		}
	}
	printf("filled: more than 4000 MiB %d, the lowest at the floor %d\n",
	       total > 4000ull * MIB, lowest == floor_addr);
	printf("brk with nothing left: %s\n", brk_says(b0 + PG, b0));
	for (int i = 0; i < n; i++)
		munmap((void *)(uintptr_t)at[i], len[i]);
	uint32_t big = map(0, 3 * GIB, PROT_NONE, ANON);
	printf("all given back, then 3 GiB: %s\n", big ? "ok" : err_name(errno));
	if (big)
		munmap((void *)(uintptr_t)big, 3 * GIB);
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "farbrk", case_farbrk },
	{ "topdown", case_topdown },
	{ "fixed", case_fixed },
	{ "min_addr", case_min_addr },
	{ "brk", case_brk },
	{ "fill", case_fill },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	find_floor();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int run = argc < 2;
		for (int k = 1; k < argc; k++)
			run |= !strcmp(argv[k], cases[i].name);
		if (run)
			cases[i].fn();
	}
	return 0;
}
