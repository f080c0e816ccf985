/* personality/c/xl_mem.c — the i386 address space: mmap, mmap2, munmap,
 * mprotect, mremap, madvise and brk.
 *
 * The process is a 64-bit one to the kernel, whose allocator hands out
 * addresses far above 4 GiB. Every i386 mapping is therefore placed here:
 * top-down from persona_mmap_top (the loader sets it below the i386 stack),
 * each placement made with MAP_FIXED_NOREPLACE so that nothing already
 * mapped (the program, the stack, the loader's own pages) is ever replaced.
 * The fast path tries just below the last placement; when that space is
 * taken, /proc/self/maps is read and the highest gap that fits is used, as
 * the kernel's top-down allocator would choose. Nothing may reach the
 * personality's own pages: fixed requests are checked against
 * persona_user_limit (the image base) and the i386 TASK_SIZE.
 *
 * Every range that becomes executable is shown to persona_code_mapped()
 * (the site patcher) when it is linked in.
 */
#include "persona.h"
#include "i386_types.h"

#define PROT_EXEC_            0x4
#define MAP_PRIVATE_          0x02
#define MAP_FIXED_            0x10
#define MAP_ANONYMOUS_        0x20
#define MAP_32BIT_            0x40
#define MAP_NORESERVE_        0x4000
#define MAP_FIXED_NOREPLACE_  0x100000
#define MREMAP_MAYMOVE_       1
#define MREMAP_FIXED_         2
#define MREMAP_DONTUNMAP_     4
#define I386_TASK_SIZE        0xFFFFE000u   /* IA32_PAGE_OFFSET */
#define MMAP_FLOOR            0x10000u      /* vm.mmap_min_addr's default */
#define PAGE_MASK_            (~(uint64_t)(I386_PAGE_SIZE - 1))
#define PAGE_ALIGN(x)         (((uint64_t)(x) + I386_PAGE_SIZE - 1) & PAGE_MASK_)

uint32_t persona_mmap_top = 0xF0000000u;
uint32_t persona_brk_base;
extern uint64_t persona_user_limit;     /* uaccess.asm: the image base */

static uint32_t cursor;                 /* the last placement; 0: none yet */

/* The end of what i386 code may map. */
static uint64_t vm_limit(void)
{
	return persona_user_limit < I386_TASK_SIZE ? persona_user_limit : I386_TASK_SIZE;
}

static void code_mapped(uint32_t addr, uint64_t len, uint32_t prot)
{
	if ((prot & PROT_EXEC_) && persona_code_mapped)
		persona_code_mapped(addr, (uint32_t)len);
}

/* One placement at exactly addr: the address, -EEXIST, or the kernel's error. */
static long try_at(uint64_t addr, uint64_t len, uint32_t prot, uint32_t flags, long fd, uint64_t off)
{
	long r = nsys6(__NR_mmap, addr, len, prot,
		       (flags & ~(uint32_t)(MAP_FIXED_ | MAP_32BIT_)) | MAP_FIXED_NOREPLACE_, fd, off);

	if (sysmsg_failed(r))
		return r;
	if ((uint64_t)r != addr) {
		/* a kernel older than MAP_FIXED_NOREPLACE took it as a hint */
		nsys2(__NR_munmap, r, len);
		return -EEXIST;
	}
	return r;
}

static uint64_t hexval(char c)
{
	return c <= '9' ? (uint64_t)(c - '0') : (uint64_t)((c | 0x20) - 'a' + 10);
}

/* The highest start a with [a, a + len) free, a >= MMAP_FLOOR and
 * a + len <= below, from /proc/self/maps; 0 if none. With want_end, it
 * also reports the end of the mapping that starts at want_start. */
static uint64_t maps_walk(uint64_t len, uint64_t below, uint64_t want_start, uint64_t *want_end)
{
	char buf[2048];
	uint64_t prev_end = MMAP_FLOOR, best = 0, start = 0, end = 0;
	int field = 0;          /* 0: start, 1: end, 2: rest of the line */
	int done = 0;
	long fd = nsys4(__NR_openat, -100, "/proc/self/maps", 0 /* O_RDONLY */, 0);
	long n;

	if (fd < 0)
		return 0;
	while (!done && (n = nsys3(__NR_read, fd, buf, sizeof(buf))) > 0) {
		for (long i = 0; i < n && !done; i++) {
			char c = buf[i];

			if (field == 0) {
				if (c == '-')
					field = 1;
				else
					start = start << 4 | hexval(c);
			} else if (field == 1) {
				if (c == ' ')
					field = 2;
				else
					end = end << 4 | hexval(c);
			} else if (c == '\n') {
				if (want_end && start == want_start)
					*want_end = end;
				if (start >= below) {
					done = 1;
				} else {
					if (start > prev_end && start - prev_end >= len)
						best = start - len;
					if (end > prev_end)
						prev_end = end;
				}
				start = end = 0;
				field = 0;
			}
		}
	}
	nsys1(__NR_close, fd);
	if (below > prev_end && below - prev_end >= len)
		best = below - len;
	return best & PAGE_MASK_;
}

/* Places a mapping of len bytes (page aligned) top-down below
 * persona_mmap_top, or at the hint if that is free. */
static long vm_alloc(uint64_t hint, uint64_t len, uint32_t prot, uint32_t flags, long fd, uint64_t off)
{
	uint64_t top = (cursor ? cursor : persona_mmap_top) & PAGE_MASK_;
	long r;

	if (hint >= MMAP_FLOOR && hint + len <= vm_limit()) {
		r = try_at(hint & PAGE_MASK_, len, prot, flags, fd, off);
		if (r != -EEXIST)
			return r;
	}
	if (top >= MMAP_FLOOR + len) {
		r = try_at(top - len, len, prot, flags, fd, off);
		if (r != -EEXIST) {
			if (!sysmsg_failed(r))
				cursor = (uint32_t)r;
			return r;
		}
	}
	/* a few tries: another thread may take the gap first */
	for (int tries = 0; tries < 4; tries++) {
		uint64_t a = maps_walk(len, persona_mmap_top & PAGE_MASK_, 0, NULL);

		if (!a)
			return -ENOMEM;
		r = try_at(a, len, prot, flags, fd, off);
		if (r != -EEXIST) {
			if (!sysmsg_failed(r))
				cursor = (uint32_t)r;
			return r;
		}
	}
	return -ENOMEM;
}

uint64_t persona_vm_mapping_end(uint64_t start)
{
	uint64_t end = 0;

	maps_walk(~0ull, ~0ull, start, &end);
	return end;
}

long persona_vm_reserve(uint32_t len)
{
	uint64_t alen = PAGE_ALIGN(len);

	if (!len || alen > vm_limit())
		return -ENOMEM;
	return vm_alloc(0, alen, 0, MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_NORESERVE_, -1, 0);
}

static long do_mmap(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, long fd, uint64_t off)
{
	uint64_t alen = PAGE_ALIGN(len);
	long r;

	if (!len)
		return -EINVAL;
	if (alen > vm_limit())
		return -ENOMEM;
	flags &= ~(uint32_t)MAP_32BIT_;         /* meaningless for i386 calls */
	if (flags & (MAP_FIXED_ | MAP_FIXED_NOREPLACE_)) {
		if (addr & (I386_PAGE_SIZE - 1))
			return -EINVAL;
		if ((uint64_t)addr + alen > vm_limit())
			return -ENOMEM;
		r = nsys6(__NR_mmap, addr, len, prot, flags, fd, off);
	} else {
		r = vm_alloc(addr, alen, prot, flags, fd, off);
	}
	if (!sysmsg_failed(r))
		code_mapped((uint32_t)r, alen, prot);
	return r;
}

/* mmap2: the offset is in 4096-byte pages */
XL(mmap2)
{
	return do_mmap(ARG0(f), ARG1(f), ARG2(f), ARG3(f), wide_s32(ARG4(f)),
		       (uint64_t)ARG5(f) * I386_PAGE_SIZE);
}

/* old mmap: one pointer to the six arguments; the offset in bytes */
XL(mmap)
{
	struct i386_mmap_args a;

	if (copy_from_user(&a, ARG0(f), sizeof(a)))
		return -EFAULT;
	if (a.offset & (I386_PAGE_SIZE - 1))
		return -EINVAL;
	return do_mmap(a.addr, a.len, a.prot, a.flags, (int32_t)a.fd, a.offset);
}

XL(munmap)
{
	uint32_t addr = ARG0(f);
	uint64_t alen = PAGE_ALIGN(ARG1(f));

	if ((addr & (I386_PAGE_SIZE - 1)) || !alen || addr > vm_limit() || alen > vm_limit() - addr)
		return -EINVAL;
	return nsys2(__NR_munmap, addr, alen);
}

/* A range reaching the personality has no i386 mapping there: -ENOMEM. */
static long range_check(uint32_t addr, uint32_t len)
{
	if (addr & (I386_PAGE_SIZE - 1))
		return -EINVAL;
	if (len && (uint64_t)addr + PAGE_ALIGN(len) > vm_limit())
		return -ENOMEM;
	return 0;
}

XL(mprotect)
{
	long r = range_check(ARG0(f), ARG1(f));

	if (r)
		return r;
	r = nsys3(__NR_mprotect, ARG0(f), ARG1(f), ARG2(f));
	if (!r && ARG1(f))
		code_mapped(ARG0(f), PAGE_ALIGN(ARG1(f)), ARG2(f));
	return r;
}

XL(pkey_mprotect)
{
	long r = range_check(ARG0(f), ARG1(f));

	if (r)
		return r;
	r = nsys4(__NR_pkey_mprotect, ARG0(f), ARG1(f), ARG2(f), wide_s32(ARG3(f)));
	if (!r && ARG1(f))
		code_mapped(ARG0(f), PAGE_ALIGN(ARG1(f)), ARG2(f));
	return r;
}

XL(madvise)
{
	long r = range_check(ARG0(f), ARG1(f));

	return r ? r : nsys3(__NR_madvise, ARG0(f), ARG1(f), wide_s32(ARG2(f)));
}

/* mremap: a mapping that has to move is moved to a place chosen here. */
XL(mremap)
{
	uint32_t old = ARG0(f), old_len = ARG1(f), new_len = ARG2(f), flags = ARG3(f), new_addr = ARG4(f);
	uint64_t alen = PAGE_ALIGN(new_len);
	long r, dest;

	if (flags & MREMAP_FIXED_) {
		if (alen > vm_limit() || new_addr > vm_limit() - alen)
			return -EINVAL;
		return nsys5(__NR_mremap, old, old_len, new_len, flags, new_addr);
	}
	if (!(flags & MREMAP_DONTUNMAP_)) {
		/* in place first, as the kernel tries first; it must not grow
		 * into the personality */
		if ((uint64_t)old + alen <= vm_limit()) {
			r = nsys5(__NR_mremap, old, old_len, new_len, flags & ~(uint32_t)MREMAP_MAYMOVE_, 0);
			if (r != -ENOMEM || !(flags & MREMAP_MAYMOVE_))
				return r;
		} else if (!(flags & MREMAP_MAYMOVE_)) {
			return -ENOMEM;
		}
	}
	if (!(flags & MREMAP_MAYMOVE_))
		return -EINVAL;         /* DONTUNMAP without MAYMOVE, as the kernel says */
	dest = persona_vm_reserve(new_len);
	if (sysmsg_failed(dest))
		return dest;
	r = nsys5(__NR_mremap, old, old_len, new_len, flags | MREMAP_FIXED_, dest);
	if (sysmsg_failed(r))
		nsys2(__NR_munmap, dest, alen);
	return r;
}

/* ---- brk: the program break, kept below everything mapped above it ------
 * Grown with MAP_FIXED_NOREPLACE pages from persona_brk_base (the end of
 * the program's bss, set by the loader): it stops where anything else is
 * mapped, and on failure answers the current break, as sys_brk does.
 * RLIMIT_DATA is not applied. Without a base (no loader) the break is 0 and
 * stays there, so malloc falls back to mmap. */

static uint32_t brk_cur;        /* the break the program sees */
static uint64_t brk_end;        /* end of the pages mapped for it */

XL(brk)
{
	uint32_t want = ARG0(f);
	uint64_t end;

	if (!persona_brk_base)
		return 0;
	if (!brk_cur) {
		brk_cur = persona_brk_base;
		brk_end = PAGE_ALIGN(persona_brk_base);
	}
	if (want < persona_brk_base)
		return brk_cur;
	end = PAGE_ALIGN(want);
	if (end > brk_end) {
		if (end > vm_limit() ||
		    sysmsg_failed(try_at(brk_end, end - brk_end, 3 /* PROT_READ|PROT_WRITE */,
					 MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0)))
			return brk_cur;
	} else if (end < brk_end) {
		nsys2(__NR_munmap, end, brk_end - end);
	}
	brk_end = end;
	brk_cur = want;
	return brk_cur;
}
