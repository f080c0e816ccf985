/* personality/c/xl/mem.c — the i386 address space: mmap, mmap2, munmap,
 * mprotect, mremap, madvise and brk.
 *
 * The process is a 64-bit one to the kernel, whose allocator hands out
 * addresses far above 4 GiB. Every i386 mapping is therefore placed here,
 * the way the kernel places them for a 32-bit task (its top-down layout):
 *
 *   - a hint is taken where [hint, hint + len) is free (a hint below
 *     the kernel's mmap_min_addr is first raised to it, as the kernel
 *     rounds it);
 *   - otherwise the highest free range below the mmap base that fits, and
 *     no lower than mmap_min_addr;
 *   - failing that, the lowest free range from a third of the space up to
 *     the guard gap below the i386 stack (the kernel's bottom-up fallback).
 *
 * The loader computes the mmap base as the kernel does (the stack's
 * rlimit and guard gap below the stack top, at least 128 MiB) and passes it
 * as persona_mmap_top. Each placement is made with MAP_FIXED_NOREPLACE, so
 * nothing already mapped (the program, the stack, the loader's own pages)
 * is ever replaced; nothing may reach the personality's own pages: every
 * range ends below persona_user_limit (the image base).
 *
 * Finding the highest free range means reading /proc/self/maps
 * (core/maps.c). To spare most calls that walk, the allocator remembers
 * where its last top-down placement went (cursor) and a bound on every
 * free range between it and the mmap base (gap_above): a request larger
 * than that bound, whose range just below the cursor is free goes there,
 * which is exactly where the kernel's search would end too. Anything that
 * frees memory above the cursor forgets it (persona_vm_released).
 *
 * Every range that becomes executable is shown to persona_code_mapped()
 * (the site patcher).
 */
#include "core/persona.h"
#include "rt/image.h"
#include "core/i386_types.h"
#include "xl/common.h"
#include "reflect/reflect.h"

#define PROT_EXEC_            0x4
#define PROT_READ_WRITE_      0x3
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
/* the kernel's floor when it cannot be asked (the x86 default of
 * CONFIG_LSM_MMAP_MIN_ADDR and of vm.mmap_min_addr) */
#define MMAP_MIN_ADDR_DEFAULT 0x10000u
#define PAGE_MASK_            (~(uint64_t)(I386_PAGE_SIZE - 1))
#define PAGE_ALIGN(x)         (((uint64_t)(x) + I386_PAGE_SIZE - 1) & PAGE_MASK_)


static uint32_t cursor;                 /* the last top-down placement; 0: none known */
static uint64_t gap_above;              /* no free range in [cursor, mmap base) is larger */
static uint64_t cursor_base;            /* the mmap base the cursor was found under */
static uint64_t min_addr;               /* the kernel's mmap_min_addr (mmap_floor); 0: not known yet */

/* The end of what i386 code may map. */
static uint64_t vm_limit(void)
{
	return persona_user_limit < I386_TASK_SIZE ? persona_user_limit : I386_TASK_SIZE;
}

/* The mmap base: top-down placements end at or below it. */
static uint64_t mmap_base(void)
{
	uint64_t b = persona_mmap_top & PAGE_MASK_;

	return b < vm_limit() ? b : vm_limit();
}

/* The end of the range any placement may reach: below the guard gap under
 * the i386 stack, as the kernel keeps its stack guard gap free. */
static uint64_t window_top(void)
{
	uint64_t top = persona_process.stack_lo;

	if (top > PERSONA_MMAP_GAP && top - PERSONA_MMAP_GAP < vm_limit())
		return top - PERSONA_MMAP_GAP;
	return vm_limit();
}

static uint64_t parse_decimal(const char *s, long n)
{
	uint64_t v = 0;

	for (long i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

/* The lowest address anything may be placed at, as the kernel's allocator
 * keeps it: its mmap_min_addr, which is the larger of vm.mmap_min_addr and
 * the security modules' floor (CONFIG_LSM_MMAP_MIN_ADDR), and /proc shows
 * only the first. The kernel raises a hint below the floor to the floor
 * itself, so a hint of one page asks it (when that page is free, as it is
 * before the program maps anything there; else the sysctl, or the x86
 * default). Read once. */
static uint64_t mmap_floor(void)
{
	if (!min_addr) {
		char buf[32];
		uint64_t v = 0, sysctl = MMAP_MIN_ADDR_DEFAULT;
		long r = nsys6(__NR_mmap, I386_PAGE_SIZE, I386_PAGE_SIZE, 0,
			       MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_NORESERVE_, -1, 0);
		long fd;

		if (!sysmsg_failed(r)) {
			if ((uint64_t)r >= I386_PAGE_SIZE && (uint64_t)r < I386_TASK_SIZE)
				v = (uint64_t)r;
			nsys2(__NR_munmap, r, I386_PAGE_SIZE);
		}
		if (!v) {
			fd = nsys4(__NR_openat, -100, "/proc/sys/vm/mmap_min_addr", 0 /* O_RDONLY */, 0);
			if (fd >= 0) {
				long n = nsys3(__NR_read, fd, buf, sizeof(buf));
				if (n > 0)
					sysctl = parse_decimal(buf, n);
				nsys1(__NR_close, fd);
			}
			v = sysctl > MMAP_MIN_ADDR_DEFAULT ? sysctl : MMAP_MIN_ADDR_DEFAULT;
		}
		v = PAGE_ALIGN(v);
		min_addr = v < I386_PAGE_SIZE ? I386_PAGE_SIZE : v;
	}
	return min_addr;
}

static void code_mapped(uint32_t addr, uint64_t len, uint32_t prot)
{
	if (prot & PROT_EXEC_)
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

/* What one pass over /proc/self/maps looks for. Mappings come in address
 * order; the free ranges between them, clipped to [lo, hi), are offered to
 * gap(), which returns nonzero to stop. */
struct maps_pass {
	uint64_t lo, hi;
	int (*gap)(struct maps_pass *p, uint64_t start, uint64_t end);
	uint64_t len, found;            /* for the gap finders */
	uint64_t want_start, want_end;  /* for persona_vm_mapping_end */
	uint64_t prev_end;              /* the walk's: the end of the mappings so far */
};

static int offer_gap(struct maps_pass *p, uint64_t start, uint64_t end)
{
	if (start < p->lo)
		start = p->lo;
	if (end > p->hi)
		end = p->hi;
	return start < end && p->gap ? p->gap(p, start, end) : 0;
}

/* One mapping of the pass: the free range below it is offered. */
static int each_mapping(void *ctx, uint64_t start, uint64_t end, uint32_t prot)
{
	struct maps_pass *p = ctx;

	(void)prot;
	if (start == p->want_start)
		p->want_end = end;
	if (start > p->prev_end && offer_gap(p, p->prev_end, start))
		return 1;
	/* past the window, nothing more to offer (the image's and the
	 * loader's own mappings follow) */
	if (!p->want_start && start >= p->hi)
		return 1;
	if (end > p->prev_end)
		p->prev_end = end;
	return 0;
}

/* 0 after a pass (the range above the last mapping offered too when the
 * pass went through the whole file), -1 when /proc/self/maps cannot be
 * read. */
static int maps_walk(struct maps_pass *p)
{
	long r;

	p->prev_end = 0;
	r = persona_maps_walk(each_mapping, p);
	if (r < 0)
		return -1;
	if (r == 0)
		offer_gap(p, p->prev_end, ~0ull);
	return 0;
}

/* the highest fit: every gap is looked at, the last one that fits wins */
static int gap_highest(struct maps_pass *p, uint64_t start, uint64_t end)
{
	if (end - start >= p->len)
		p->found = end - p->len;
	return 0;
}

/* the lowest fit: the first gap that fits ends the pass */
static int gap_lowest(struct maps_pass *p, uint64_t start, uint64_t end)
{
	if (end - start < p->len)
		return 0;
	p->found = start;
	return 1;
}

/* Where the kernel would put len bytes with no usable hint: the highest fit
 * below the mmap base, else the lowest fit above a third of the space
 * (the kernel's TASK_UNMAPPED_BASE for 32-bit tasks). 0 if none. */
static uint64_t find_free(uint64_t len, int *top_down)
{
	struct maps_pass p = { .lo = mmap_floor(), .hi = mmap_base(), .gap = gap_highest, .len = len };

	if (maps_walk(&p) < 0)
		return 0;
	*top_down = p.found != 0;
	if (p.found)
		return p.found;
	p = (struct maps_pass){ .lo = PAGE_ALIGN(I386_TASK_SIZE / 3), .hi = window_top(), .gap = gap_lowest, .len = len };
	maps_walk(&p);
	return p.found;
}

/* Places a mapping of len bytes (page aligned): at the hint if that is
 * free, else where the kernel's allocator would (find_free). */
static long vm_alloc(uint64_t hint, uint64_t len, uint32_t prot, uint32_t flags, long fd, uint64_t off)
{
	long r;

	if (hint) {
		/* the kernel raises a hint below mmap_min_addr to it */
		hint &= PAGE_MASK_;
		if (hint && hint < mmap_floor())
			hint = mmap_floor();
		if (hint && hint <= window_top() && len <= window_top() - hint) {
			r = try_at(hint, len, prot, flags, fd, off);
			if (r != -EEXIST)
				return r;
		}
	}
	/* just below the last placement, when no free range above it fits */
	if (cursor && cursor_base != mmap_base())
		cursor = 0;
	if (cursor && len > gap_above && cursor >= mmap_floor() + len) {
		r = try_at(cursor - len, len, prot, flags, fd, off);
		if (!sysmsg_failed(r))
			cursor = (uint32_t)r;
		if (r != -EEXIST)
			return r;
	}
	/* a few tries: another thread may take the range first */
	for (int tries = 0; tries < 4; tries++) {
		int top_down = 0;
		uint64_t a = find_free(len, &top_down);

		if (!a)
			return -ENOMEM;
		r = try_at(a, len, prot, flags, fd, off);
		if (r != -EEXIST) {
			if (!sysmsg_failed(r) && top_down) {
				/* every free range above it was too small */
				cursor = (uint32_t)r;
				gap_above = len - I386_PAGE_SIZE;
				cursor_base = mmap_base();
			}
			return r;
		}
	}
	return -ENOMEM;
}

void persona_vm_released(uint32_t addr, uint64_t len)
{
	uint64_t end = (uint64_t)addr + len;

	if (!cursor || end <= cursor)
		return;         /* below the cursor: the search finds it anyway */
	if (len && addr == cursor && end <= mmap_base())
		cursor = (uint32_t)end;   /* the last placement, undone: nothing above it changed */
	else
		cursor = 0;
}

uint64_t persona_vm_mapping_end(uint64_t start)
{
	struct maps_pass p = { .want_start = start };

	maps_walk(&p);
	return p.want_end;
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

	long r;

	if ((addr & (I386_PAGE_SIZE - 1)) || !alen || addr > vm_limit() || alen > vm_limit() - addr)
		return -EINVAL;
	r = nsys2(__NR_munmap, addr, alen);
	if (!r)
		persona_vm_released(addr, alen);
	return r;
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

/* What a successful mremap of [old, old + old_len) to new_len at r gave
 * back: the old range when it moved (unless DONTUNMAP kept it), the tail
 * when it shrank in place. */
static void remap_released(uint32_t old, uint32_t old_len, uint32_t new_len, uint32_t flags, long r)
{
	uint64_t olen = PAGE_ALIGN(old_len), nlen = PAGE_ALIGN(new_len);

	if ((uint64_t)r != old) {
		if (!(flags & MREMAP_DONTUNMAP_))
			persona_vm_released(old, olen);
	} else if (nlen < olen) {
		persona_vm_released((uint32_t)(old + nlen), olen - nlen);
	}
}

static long do_mremap(uint32_t old, uint32_t old_len, uint32_t new_len, uint32_t flags, uint32_t new_addr);

/* mremap: a mapping that has to move is moved to a place chosen here. */
XL(mremap)
{
	uint32_t old = ARG0(f), old_len = ARG1(f), new_len = ARG2(f), flags = ARG3(f);
	long r = do_mremap(old, old_len, new_len, flags, ARG4(f));

	if (!sysmsg_failed(r))
		remap_released(old, old_len, new_len, flags, r);
	return r;
}

static long do_mremap(uint32_t old, uint32_t old_len, uint32_t new_len, uint32_t flags, uint32_t new_addr)
{
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

/* ---- brk: the program break ---------------------------------------------
 * Grown with MAP_FIXED_NOREPLACE pages from persona_brk_base (the end of
 * the program's bss, set by the loader), under the kernel's rule: the new
 * end and one page more must be free, so the break stops a page below
 * anything mapped above it. Natively the vDSO sits just below the mmap
 * base and walls the break in there; the personality's vDSO lives in the
 * image, so the mmap base itself is the wall. On failure the current break
 * is answered, as sys_brk does. RLIMIT_DATA is not applied. Without a base
 * (no loader) the break is 0 and stays there, so malloc falls back to mmap. */

static uint32_t brk_cur;        /* the break the program sees */
static uint64_t brk_end;        /* end of the pages mapped for it */

/* Grows the break's pages from brk_end to end: 0, or -1 where the kernel
 * would refuse. */
static int brk_grow(uint64_t end)
{
	uint64_t with_gap = end + I386_PAGE_SIZE;

	if (with_gap > mmap_base() || with_gap > window_top())
		return -1;
	/* mapping the gap page too proves it free; it is given back at once */
	if (sysmsg_failed(try_at(brk_end, with_gap - brk_end, PROT_READ_WRITE_,
				 MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0)))
		return -1;
	nsys2(__NR_munmap, end, I386_PAGE_SIZE);
	return 0;
}

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
		if (brk_grow(end) < 0)
			return brk_cur;
	} else if (end < brk_end) {
		nsys2(__NR_munmap, end, brk_end - end);
		persona_vm_released((uint32_t)end, brk_end - end);
	}
	brk_end = end;
	brk_cur = want;
	return brk_cur;
}
