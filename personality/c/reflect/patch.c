/* personality/c/reflect/patch.c — rewriting reflected int $0x80 sites.
 *
 * A site that trapped is certainly an instruction; the bytes around it are
 * not known to be. The 2-byte `cd 80` cannot hold a 5-byte call, so the
 * default form rewrites an instruction before it instead: the nearest
 *
 *     b8 imm32        mov $imm32, %eax     imm32 == eax at the trap, a number
 *     ...             0..35 bytes of simple instructions (register and memory
 *                     moves, lea, ALU, push/pop, nop) that do not touch eax
 *                     or eip, decoded forward to end exactly at
 *     cd 80           int $0x80
 *
 * or the register form static glibc writes for its first and last calls
 *
 *     b8+r imm32      mov $imm32, %r        r not eax or esp
 *     ...             simple instructions as above that do not write r
 *     89 /r | 8b /r   mov %r, %eax
 *     cd 80           int $0x80
 *
 * The mov becomes `call rel32` to a per-site trampoline (32-bit code, in a
 * pool next to the image) that replays the sequence:
 *
 *     8d 64 24 04     lea 4(%esp), %esp     drop the call's return address
 *     b8+r imm32      mov $imm32, %eax/%r   what the mov did
 *     ...             the instructions after it, copied (none depends on eip)
 *     68 ret32        push $site+2          return past the int $0x80
 *     e9 rel32        jmp gate32_patched    entered as by call *%gs:0x10
 *
 * No flags change but those the replayed instructions change anyway. Only
 * the mov's own five bytes are rewritten: a jump to any later instruction,
 * or straight to the `cd 80`, still runs the original bytes and is
 * reflected. The only way this goes wrong is a b8 byte that is not an
 * instruction start (the tail of another instruction) whose four following
 * bytes equal eax at the trap and are a valid number, and from which the
 * decoding above lands exactly on the int $0x80: those bytes would then run
 * as code with eax a small number, and nearly every such encoding touches
 * (%eax) and faults below mmap_min_addr. Sites of any other shape (eax set
 * from a register, a branch in between) stay on reflection, counted in
 * --stats.
 *
 * --reflect=startup rewrites sites of these forms before they run, found by
 * scanning code for `cd 80` (persona_patch_ahead_all): the bytes have not
 * been seen to trap, so the one check left is that the decoding ties a mov
 * whose number is a row of the table to them.
 *
 * 64-bit code using the i386 ABI (int $0x80 from 64-bit code) has a red
 * zone below its stack pointer that a call would overwrite, and its sites
 * may lie anywhere in the 64-bit space. Its form is narrower: the five
 * bytes right before the site are `b8 imm32` (nothing is replayed), and the
 * mov becomes `jmp rel32` to a trampoline within 2 GiB of it:
 *
 *     b8 imm32          mov $imm32, %eax
 *     48 8d 64 24 80    lea -128(%rsp), %rsp   step over the red zone
 *     ff 15 rel32       call *gate(%rip)       persona_gate_int80_64
 *     48 8d a4 24 80 00 00 00   lea 128(%rsp), %rsp
 *     e9 rel32          jmp site+2
 *     gate: .quad       the entry's address
 *
 * --patch=page0 (zpoline): `cd 80` becomes `ff d0` (call *%eax), page 0
 * holds a nop sled into the gate: every site fits, but it needs page 0
 * mappable (vm.mmap_min_addr = 0).
 *
 * A site is rewritten by one store of 8 bytes that lies within one cache
 * line, which x86 makes atomic for code another thread might be running;
 * with a single thread any store will do, with several a site that no such
 * store covers stays on reflection. The page is made writable only for the
 * store.
 */
#include "core/persona.h"
#include "core/plock.h"
#include "signal/ksig.h"
#include "reflect/reflect.h"
#include "core/state.h"
#include "core/stubs.h"
#include "core/sysent_types.h"
#include "sysnr.h"

#define KPROT_READ       1
#define KPROT_WRITE      2
#define KPROT_EXEC       4
#define KMAP_PRIVATE     0x02
#define KMAP_FIXED       0x10
#define KMAP_ANONYMOUS   0x20
#define KMAP_32BIT       0x40
#define KMAP_FIXED_NOREPLACE 0x100000
#define PAGE_SIZE        4096u
#define CACHE_LINE       64u

#define OP_MOV_EAX_IMM   0xb8
#define OP_CALL_REL32    0xe8
#define OP_JMP_REL32     0xe9
#define MOV_LEN          5
#define INT80_LEN        2
#define TRAMP_SIZE       64u
#define REPLAY_MAX       35u            /* bytes between the mov and the int $0x80 */
#define POOL_SIZE        0x10000u
#define AHEAD_RANGES     128            /* code mappings scanned ahead (--reflect=startup) */

#define SITE_SLOTS       4096u          /* power of two */
enum { SITE_EMPTY, SITE_PATCHED, SITE_LEFT, SITE_GONE, SITE_GUARDED };

struct site {
	uint32_t addr;
	uint32_t state;
};
static struct site sites[SITE_SLOTS];
static uint32_t sites_used;

static uint32_t patch_form = PATCH_OFF;
static int ahead_on;                    /* --reflect=startup: scan code as it is mapped */
static uint32_t gate_entry;
static uint32_t pool_next, pool_end;
uint32_t persona_patch_pool_hint;        /* where the trampoline pool goes; 0: anywhere low */

static struct site *site_find(uint32_t addr, int insert)
{
	uint32_t h = (addr * 2654435761u) & (SITE_SLOTS - 1);
	struct site *gone = NULL;

	for (uint32_t i = 0; i < SITE_SLOTS; i++, h = (h + 1) & (SITE_SLOTS - 1)) {
		struct site *s = &sites[h];
		if (s->state == SITE_EMPTY) {
			if (!insert)
				return NULL;
			if (!gone && sites_used + 1 >= SITE_SLOTS * 3 / 4)
				return NULL;     /* full: the site stays on reflection */
			if (!gone)
				sites_used++;
			s = gone ? gone : s;
			s->addr = addr;
			return s;
		}
		if (s->state == SITE_GONE) {
			if (!gone)
				gone = s;
			continue;
		}
		if (s->addr == addr)
			return s;
	}
	if (gone && insert) {
		gone->addr = addr;
		return gone;
	}
	return NULL;
}

_Static_assert(SITE_GUARDED == PERSONA_SITE_GUARDED, "reflect.h names the guarded state");

int persona_patch_state(uint32_t site)
{
	plock_acquire(&persona_patch_lock);
	struct site *s = site_find(site, 0);
	int state = s && s->state != SITE_GONE ? (int)s->state : 0;
	plock_release(&persona_patch_lock);
	return state;
}

static long read_mmap_min_addr(void)
{
	char buf[32];
	long fd = nsys4(__NR_openat, -100, "/proc/sys/vm/mmap_min_addr", 0, 0);
	long n, v = 0;

	if (fd < 0)
		return fd;
	n = nsys3(__NR_read, fd, buf, sizeof(buf));
	nsys1(__NR_close, fd);
	for (long i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (buf[i] - '0');
	return n > 0 ? v : -EIO;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Page 0: call *%eax lands at eax = the number. Nops slide into a jmp to
 * the gate right after the highest number of the table (a short slide for
 * every real call); numbers above slide on to a second jmp at the end of
 * the page and get -ENOSYS from the dispatcher. A number inside the first
 * jmp's bytes, or at 4091 and above, is not a call any i386 program makes:
 * it would crash (zpoline's form has the same edge). */
#define PAGE0_SLED_END (I386_NR_PRIVATE_BASE + I386_NR_PRIVATE_COUNT)

static long page0_map(void)
{
	long min = read_mmap_min_addr(), p;
	uint8_t *z;

	if (min != 0) {
		pout("--patch=page0 needs vm.mmap_min_addr = 0 (it is %ld): sysctl -w vm.mmap_min_addr=0", min);
		return -EPERM;
	}
	p = nsys6(__NR_mmap, 0, PAGE_SIZE, KPROT_READ | KPROT_WRITE,
		  KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_FIXED_NOREPLACE, -1, 0);
	if (p != 0) {
		pout("--patch=page0: cannot map page 0 (%ld)", p);
		return p < 0 ? p : -EEXIST;
	}
	/* the compiler must not see a null pointer here (it would emit a trap) */
	__asm__("" : "=r"(z) : "0"((uint8_t *)(uintptr_t)p));
	memset(z, 0x90, PAGE_SIZE);
	z[PAGE0_SLED_END] = OP_JMP_REL32;
	put32(z + PAGE0_SLED_END + 1, gate_entry - (PAGE0_SLED_END + MOV_LEN));
	z[PAGE_SIZE - MOV_LEN] = OP_JMP_REL32;
	put32(z + PAGE_SIZE - 4, gate_entry - PAGE_SIZE);
	return nsys3(__NR_mprotect, 0, PAGE_SIZE, KPROT_READ | KPROT_EXEC);
}

long persona_patch_init(uint32_t form, uint32_t entry)
{
	gate_entry = entry;
	patch_form = persona_opts.no_patch ? PATCH_OFF : form;
	ahead_on = 0;
	if (patch_form == PATCH_PAGE0) {
		long r = page0_map();
		if (r < 0) {
			patch_form = PATCH_OFF;
			return r;
		}
	}
	return 0;
}

static uint32_t tramp_alloc(void)
{
	uint32_t t;

	if (pool_next + TRAMP_SIZE > pool_end) {
		long p = -1;
		if (persona_patch_pool_hint)
			p = nsys6(__NR_mmap, persona_patch_pool_hint, POOL_SIZE, KPROT_READ | KPROT_WRITE | KPROT_EXEC,
				  KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_FIXED_NOREPLACE, -1, 0);
		if (sysmsg_failed(p))
			p = nsys6(__NR_mmap, 0, POOL_SIZE, KPROT_READ | KPROT_WRITE | KPROT_EXEC,
				  KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_32BIT, -1, 0);
		if (sysmsg_failed(p) || (uint64_t)p >= (1ull << 32))
			return 0;
		if (persona_patch_pool_hint)
			persona_patch_pool_hint = (uint32_t)p + POOL_SIZE;
		pool_next = (uint32_t)p;
		pool_end = (uint32_t)p + POOL_SIZE;
	}
	t = pool_next;
	pool_next += TRAMP_SIZE;
	return t;
}

/* Stores n bytes of code at addr (foreign memory) so that a processor
 * running it sees the old or the new bytes, never a mix. 1 on success. */
static int code_store(uint32_t addr, const uint8_t *bytes, uint32_t n)
{
	uint32_t line = addr & ~(CACHE_LINE - 1), start;
	uint32_t first = addr & ~(PAGE_SIZE - 1), last = (addr + n - 1) & ~(PAGE_SIZE - 1);
	uint8_t win[8], probe;
	int made_writable = 0, ok = 1;

	if (copy_from_user(&probe, addr, 1) < 0)
		return 0;
	/* an 8-byte window around [addr, addr+n) inside one cache line */
	start = addr & ~7u;
	if (start + 8 < addr + n)
		start = addr + n - 8;
	int one_store = (start & ~(CACHE_LINE - 1)) == line && start + 8 <= line + CACHE_LINE &&
			((start + 7) & ~(CACHE_LINE - 1)) == line;
	if (!one_store && persona_multithreaded)
		return 0;
	/* writable already (its own byte written back succeeds)? */
	if (copy_to_user(addr, &probe, 1) < 0) {
		if (nsys3(__NR_mprotect, first, last - first + PAGE_SIZE, KPROT_READ | KPROT_WRITE | KPROT_EXEC) < 0)
			return 0;
		made_writable = 1;
	}
	if (one_store) {
		uint64_t v;
		if (copy_from_user(win, start, 8) < 0) {
			ok = 0;
		} else {
			memcpy(win + (addr - start), bytes, n);
			memcpy(&v, win, 8);
			__asm__ volatile("movq %1, (%0)" : : "r"((uintptr_t)start), "r"(v) : "memory");
		}
	} else {
		ok = copy_to_user(addr, bytes, n) == 0;
	}
	if (made_writable)
		nsys3(__NR_mprotect, first, last - first + PAGE_SIZE, KPROT_READ | KPROT_EXEC);
	return ok;
}

/* 32-bit ModRM operand length (ModRM, SIB, displacement), or 0 */
static uint32_t modrm_len(const uint8_t *p, uint32_t avail)
{
	uint32_t mod, rm, n = 1;

	if (avail < 1)
		return 0;
	mod = p[0] >> 6;
	rm = p[0] & 7;
	if (mod == 3)
		return 1;
	if (rm == 4) {
		if (avail < 2)
			return 0;
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4;
	} else if (mod == 0 && rm == 5) {
		n += 4;
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2)
		n += 4;
	return n <= avail ? n : 0;
}

/* The length of a simple instruction at p that neither writes eax nor
 * depends on eip (so it may run elsewhere, after the mov), or 0. */
static uint32_t simple_len(const uint8_t *p, uint32_t avail)
{
	uint32_t m, reg, rm_is_eax;
	uint8_t op;

	if (avail < 1)
		return 0;
	op = p[0];
	if (op == 0x90 || (op >= 0x50 && op <= 0x57))     /* nop, push reg */
		return 1;
	if (op >= 0x59 && op <= 0x5f)                      /* pop reg but eax */
		return 1;
	if (op >= 0xb9 && op <= 0xbf)                      /* mov $imm32, reg but eax */
		return avail >= 5 ? 5 : 0;
	if (op == 0x64 || op == 0x65) {                    /* %fs/%gs: a plain move */
		if (avail < 2 || (p[1] != 0x89 && p[1] != 0x8b))
			return 0;
		m = simple_len(p + 1, avail - 1);
		return m ? m + 1 : 0;
	}
	if (avail < 2)
		return 0;
	reg = (p[1] >> 3) & 7;
	rm_is_eax = (p[1] >> 6) == 3 && (p[1] & 7) == 0;
	m = modrm_len(p + 1, avail - 1);
	if (!m)
		return 0;
	switch (op) {
	/* op r/m32, r32: writes r/m (test and cmp write nothing) */
	case 0x01: case 0x09: case 0x21: case 0x29: case 0x31: case 0x89:
		return rm_is_eax ? 0 : 1 + m;
	case 0x85: case 0x39: case 0x3b:
		return 1 + m;
	/* op r32, r/m32: writes reg */
	case 0x03: case 0x0b: case 0x23: case 0x2b: case 0x33: case 0x8b:
		return reg == 0 ? 0 : 1 + m;
	case 0x8d:                                          /* lea */
		return reg == 0 || (p[1] >> 6) == 3 ? 0 : 1 + m;
	case 0xc7:                                          /* movl $imm32, r/m32 */
		return reg != 0 || rm_is_eax || 1 + m + 4 > avail ? 0 : 1 + m + 4;
	case 0x83:                                          /* ALU $imm8, r/m32 */
		return (rm_is_eax && reg != 7) || 1 + m + 1 > avail ? 0 : 1 + m + 1;
	case 0x81:                                          /* ALU $imm32, r/m32 */
		return (rm_is_eax && reg != 7) || 1 + m + 4 > avail ? 0 : 1 + m + 4;
	default:
		return 0;
	}
}

/* Whether a simple instruction (simple_len accepted it) writes register r
 * (0 eax .. 7 edi): the register form below must see r reach the final
 * `mov %r, %eax` unchanged. */
static int simple_writes(const uint8_t *p, uint32_t r)
{
	uint8_t op = p[0];
	uint32_t mod, reg, rm;

	if (op == 0x64 || op == 0x65)
		return simple_writes(p + 1, r);
	if (op == 0x90 || op == 0x85 || op == 0x39 || op == 0x3b)
		return 0;
	if (op >= 0x50 && op <= 0x57)                      /* push: esp only */
		return r == 4;
	if (op >= 0x58 && op <= 0x5f)                      /* pop reg: reg and esp */
		return r == 4 || r == (uint32_t)(op - 0x58);
	if (op >= 0xb8 && op <= 0xbf)
		return r == (uint32_t)(op - 0xb8);
	mod = p[1] >> 6;
	reg = (p[1] >> 3) & 7;
	rm = p[1] & 7;
	switch (op) {
	case 0x03: case 0x0b: case 0x23: case 0x2b: case 0x33: case 0x8b: case 0x8d:
		return r == reg;                            /* writes the reg field */
	case 0x83: case 0x81:
		return reg != 7 && mod == 3 && r == rm;     /* ALU on a register, not cmp */
	default:                                        /* 01 09 21 29 31 89 c7: writes r/m */
		return mod == 3 && r == rm;
	}
}

/* The head of a rewritable site `back` bytes before its int $0x80: either
 *   mov $nr, %eax; simple...; int $0x80
 * or, as static glibc writes its early and last calls,
 *   mov $nr, %r; simple... (none writes r); mov %r, %eax; int $0x80
 * (r not esp). The number, or -1 if the bytes there are neither. */
static int64_t head_number(const uint8_t *code, uint32_t site_off, uint32_t back)
{
	const uint8_t *m = code + site_off - back;
	uint32_t r, imm, at = MOV_LEN, len, end = back;

	if (m[0] < OP_MOV_EAX_IMM || m[0] > OP_MOV_EAX_IMM + 7 || m[0] == OP_MOV_EAX_IMM + 4)
		return -1;
	r = m[0] - OP_MOV_EAX_IMM;
	if (r != 0) {
		/* the last two bytes: 89 /r (mod 3, reg r, rm eax) or 8b /r */
		const uint8_t *mv = code + site_off - 2;
		if (back < MOV_LEN + 2 ||
		    !((mv[0] == 0x89 && mv[1] == (0xc0 | r << 3)) || (mv[0] == 0x8b && mv[1] == (0xc0 | r))))
			return -1;
		end = back - 2;
	}
	while (at < end && (len = simple_len(m + at, end - at)) != 0) {
		if (r != 0 && simple_writes(m + at, r))
			return -1;
		at += len;
	}
	if (at != end)
		return -1;
	memcpy(&imm, m + 1, 4);
	return imm;
}

/* The distance back from the site to the head of its rewritable form whose
 * number is nr, the nearest first, or 0. */
static uint32_t find_mov(const uint8_t *code, uint32_t site_off, uint32_t nr)
{
	for (uint32_t back = MOV_LEN; back <= MOV_LEN + REPLAY_MAX && back <= site_off; back++)
		if (head_number(code, site_off, back) == (int64_t)nr)
			return back;
	return 0;
}

static int patch_mov(uint32_t site, uint32_t nr)
{
	uint8_t code[MOV_LEN + REPLAY_MAX], call[MOV_LEN], *t;
	uint32_t span = sizeof(code), back, mov_at, tramp, n = 0;

	if (!gate_entry || !persona_lookup(nr))
		return 0;
	/* the bytes before the site, as many as are mapped */
	while (span && copy_from_user(code + sizeof(code) - span, site - span, span) < 0)
		span = span > 8 ? span - 8 : 0;
	back = span ? find_mov(code + sizeof(code) - span, span, nr) : 0;
	if (!back)
		return 0;
	mov_at = site - back;
	tramp = tramp_alloc();
	if (!tramp)
		return 0;
	t = (uint8_t *)(uintptr_t)tramp;
	memset(t, 0xcc, TRAMP_SIZE);                  /* int3 past the end */
	t[n++] = 0x8d; t[n++] = 0x64; t[n++] = 0x24; t[n++] = 0x04;   /* lea 4(%esp), %esp */
	/* the head (mov $nr, %eax or %r) and every instruction after it */
	memcpy(t + n, code + sizeof(code) - back, back);
	n += back;
	t[n++] = 0x68;                                 /* push $site+2 */
	put32(t + n, site + INT80_LEN);
	n += 4;
	t[n++] = OP_JMP_REL32;                         /* jmp gate */
	put32(t + n, gate_entry - (tramp + n + 4));
	call[0] = OP_CALL_REL32;                       /* call rel32: wraps mod 2^32 in 32-bit code */
	put32(call + 1, tramp - (mov_at + MOV_LEN));
	return code_store(mov_at, call, MOV_LEN);
}

/* ---- 64-bit sites ---------------------------------------------------- */

/* The protection of the mapping holding addr, from /proc/self/maps (there
 * is no system call that tells it), or -errno. Patching a 64-bit site puts
 * it back as it was: a program's code may be writable on purpose. */
struct prot_of { uint64_t addr; long prot; };

static int holds_addr(void *ctx, uint64_t start, uint64_t end, uint32_t prot)
{
	struct prot_of *q = ctx;

	if (q->addr < start || q->addr >= end)
		return 0;
	q->prot = prot;
	return 1;
}

static long page_prot(uint64_t addr)
{
	struct prot_of q = { .addr = addr, .prot = -ENOENT };
	long r = persona_maps_walk(holds_addr, &q);

	return r < 0 ? r : q.prot;
}

/* code_store for 64-bit code, the process's own memory at any address:
 * the same single 8-byte store within one cache line, or nothing (the site
 * stays on reflection). */
static int code_store64(uint64_t addr, const uint8_t *bytes, uint32_t n)
{
	uint64_t start = addr & ~7ull, page = addr & ~(uint64_t)(PAGE_SIZE - 1), v;
	int one_store;

	if (start + 8 < addr + n)
		start = addr + n - 8;
	if ((addr & ~(uint64_t)(PAGE_SIZE - 1)) != ((addr + n - 1) & ~(uint64_t)(PAGE_SIZE - 1)))
		return 0;
	one_store = (start & ~(uint64_t)(CACHE_LINE - 1)) == ((start + 7) & ~(uint64_t)(CACHE_LINE - 1)) &&
		    (start & ~(uint64_t)(PAGE_SIZE - 1)) == page && ((start + 7) & ~(uint64_t)(PAGE_SIZE - 1)) == page;
	/* as for 32-bit code: bytes stored one by one only while no other
	 * thread can be running them */
	if (!one_store && persona_multithreaded)
		return 0;
	long prot = page_prot(page);
	if (prot < 0 || !(prot & KPROT_EXEC))
		return 0;
	if (!(prot & KPROT_WRITE) &&
	    nsys3(__NR_mprotect, page, PAGE_SIZE, KPROT_READ | KPROT_WRITE | KPROT_EXEC) < 0)
		return 0;
	if (one_store) {
		memcpy(&v, (const void *)(uintptr_t)start, 8);
		memcpy((uint8_t *)&v + (addr - start), bytes, n);
		__asm__ volatile("movq %1, (%0)" : : "r"((uintptr_t)start), "r"(v) : "memory");
	} else {
		memcpy((void *)(uintptr_t)addr, bytes, n);
	}
	if (!(prot & KPROT_WRITE))
		nsys3(__NR_mprotect, page, PAGE_SIZE, prot);
	return 1;
}


#define SITE64_SLOTS 256u                       /* power of two */
#define TRAMP64_SIZE 48u
#define REL32_REACH  0x7fff0000ull              /* what rel32 spans, with room */

static struct site64 {
	uint64_t addr;
	uint32_t state;
} sites64[SITE64_SLOTS];
static uint64_t pool64_next, pool64_end;

static struct site64 *site64_find(uint64_t addr)
{
	uint32_t h = (uint32_t)((addr * 0x9e3779b97f4a7c15ull) >> 56) & (SITE64_SLOTS - 1);

	for (uint32_t i = 0; i < SITE64_SLOTS; i++, h = (h + 1) & (SITE64_SLOTS - 1)) {
		if (sites64[h].state == SITE_EMPTY) {
			sites64[h].addr = addr;
			return &sites64[h];
		}
		if (sites64[h].addr == addr)
			return &sites64[h];
	}
	return NULL;                            /* full: stays on reflection */
}

static uint64_t distance(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* A trampoline within rel32 reach of the site: from the current pool, or a
 * new pool mapped near the site (hints walking away from it), or 0. */
static uint64_t tramp64_alloc(uint64_t site)
{
	uint64_t t;

	if (pool64_next + TRAMP64_SIZE > pool64_end || distance(pool64_next, site) > REL32_REACH ||
	    distance(pool64_end, site) > REL32_REACH) {
		long p = -1;
		for (uint64_t step = 1; step <= 64 && sysmsg_failed(p); step++) {
			uint64_t off = step * 0x1000000ull;          /* 16 MiB apart */
			uint64_t hint = site > off + 0x10000 ? (site - off) & ~(uint64_t)(PAGE_SIZE - 1) :
					(site + off) & ~(uint64_t)(PAGE_SIZE - 1);
			p = nsys6(__NR_mmap, hint, POOL_SIZE, KPROT_READ | KPROT_WRITE | KPROT_EXEC,
				  KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_FIXED_NOREPLACE, -1, 0);
			if (!sysmsg_failed(p) && distance((uint64_t)p, site) > REL32_REACH) {
				nsys2(__NR_munmap, p, POOL_SIZE);
				p = -1;
			}
		}
		if (sysmsg_failed(p))
			return 0;
		pool64_next = (uint64_t)p;
		pool64_end = (uint64_t)p + POOL_SIZE;
	}
	t = pool64_next;
	pool64_next += TRAMP64_SIZE;
	return t;
}

static int patch_mov64(uint64_t site, uint32_t nr)
{
	const uint8_t *mov = (const uint8_t *)(uintptr_t)(site - MOV_LEN);
	uint8_t jmp[MOV_LEN], *t;
	uint64_t tramp, gate = (uint64_t)(uintptr_t)persona_gate_int80_64;
	uint32_t imm, n = 0;

	/* The site's page is mapped (it trapped there); the mov is read
	 * directly only when it lies in that page too. */
	if ((site & (PAGE_SIZE - 1)) < MOV_LEN || !persona_lookup(nr) || mov[0] != OP_MOV_EAX_IMM)
		return 0;
	memcpy(&imm, mov + 1, 4);
	if (imm != nr)
		return 0;
	tramp = tramp64_alloc(site);
	if (!tramp)
		return 0;
	t = (uint8_t *)(uintptr_t)tramp;
	memset(t, 0xcc, TRAMP64_SIZE);
	t[n++] = OP_MOV_EAX_IMM;                                 /* mov $nr, %eax */
	put32(t + n, nr);
	n += 4;
	static const uint8_t below[] = { 0x48, 0x8d, 0x64, 0x24, 0x80 };        /* lea -128(%rsp), %rsp */
	static const uint8_t above[] = { 0x48, 0x8d, 0xa4, 0x24, 0x80, 0, 0, 0 }; /* lea 128(%rsp), %rsp */
	memcpy(t + n, below, sizeof(below));
	n += sizeof(below);
	t[n++] = 0xff; t[n++] = 0x15;                            /* call *gate(%rip) */
	uint32_t call_end = n + 4;
	n += 4;
	memcpy(t + n, above, sizeof(above));
	n += sizeof(above);
	t[n++] = OP_JMP_REL32;                                   /* jmp site+2 */
	put32(t + n, (uint32_t)(site + INT80_LEN - (tramp + n + 4)));
	n += 4;
	n = (n + 7) & ~7u;
	memcpy(t + n, &gate, 8);                                 /* the gate's address */
	put32(t + call_end - 4, n - call_end);
	jmp[0] = OP_JMP_REL32;
	put32(jmp + 1, (uint32_t)(tramp - site));                /* from site - 5 + 5 */
	return code_store64(site - MOV_LEN, jmp, MOV_LEN);
}

static int patch_site64_locked(uint64_t site, uint32_t nr)
{
	struct site64 *s = site64_find(site);
	int done = 0;

	if (!s || s->state == SITE_PATCHED || s->state == SITE_LEFT)
		return 0;
	STAT_INC(persona_stats.sites_reflected);
	if (patch_form == PATCH_MOV && !persona_opts.no_patch)
		done = patch_mov64(site, nr);
	s->state = done ? SITE_PATCHED : SITE_LEFT;
	if (done)
		STAT_INC(persona_stats.sites_patched);
	return done;
}

/* x86-64 programs under --reflect=startup: no filter at all; before the
 * program runs, every `mov $nr, %eax; int $0x80` in its code (any address,
 * the image's own excepted) is rewritten, the form patch_mov64 takes. */
struct ranges64 {
	uint32_t n;
	uint64_t lo[AHEAD_RANGES], hi[AHEAD_RANGES];
};

static int collect_code64(void *ctx, uint64_t start, uint64_t end, uint32_t prot)
{
	struct ranges64 *r = ctx;

	if ((prot & (KPROT_READ | KPROT_EXEC | KPROT_WRITE)) == (KPROT_READ | KPROT_EXEC) && r->n < AHEAD_RANGES &&
	    (end <= PERSONA_IMAGE_BASE || start >= PERSONA_IMAGE_LIMIT)) {
		r->lo[r->n] = start;
		r->hi[r->n++] = end;
	}
	return 0;
}

uint32_t persona_patch_ahead64_range(uint64_t lo, uint64_t hi)
{
	uint32_t done = 0;

	if (patch_form != PATCH_MOV || persona_opts.no_patch)
		return 0;
	plock_acquire(&persona_patch_lock);
	for (uint64_t a = lo + MOV_LEN; a + INT80_LEN <= hi; a++) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)a;
		uint32_t nr;
		struct site64 *s;
		if (p[0] != 0xcd || p[1] != 0x80 || p[-MOV_LEN] != OP_MOV_EAX_IMM)
			continue;
		memcpy(&nr, p - MOV_LEN + 1, 4);
		if (!persona_lookup(nr) || !(s = site64_find(a)) || s->state != SITE_EMPTY)
			continue;
		if (patch_mov64(a, nr)) {
			s->state = SITE_PATCHED;
			STAT_INC(persona_stats.sites_ahead);
			done++;
		} else {
			s->state = SITE_LEFT;
		}
	}
	plock_release(&persona_patch_lock);
	return done;
}

uint32_t persona_patch_ahead64_all(void)
{
	struct ranges64 r = { 0 };
	uint32_t done = 0;

	persona_maps_walk(collect_code64, &r);
	for (uint32_t i = 0; i < r.n; i++)
		done += persona_patch_ahead64_range(r.lo[i], r.hi[i]);
	return done;
}

static int patch_page0(uint32_t site)
{
	static const uint8_t call_eax[INT80_LEN] = { 0xff, 0xd0 };   /* call *%eax */
	return code_store(site, call_eax, INT80_LEN);
}

static int patch_site_locked(uint32_t site, uint32_t nr)
{
	struct site *s;
	int done;

	s = site_find(site, 1);
	if (!s)
		return 0;
	if (s->state == SITE_PATCHED || s->state == SITE_LEFT)
		return 0;   /* --no-patch, a site of no safe form, or a jump straight to the int $0x80 */
	STAT_INC(persona_stats.sites_reflected);
	if (patch_form == PATCH_OFF || persona_opts.no_patch)
		done = 0;
	else
		done = patch_form == PATCH_PAGE0 ? patch_page0(site) : patch_mov(site, nr);
	s->state = done ? SITE_PATCHED : SITE_LEFT;
	if (done)
		STAT_INC(persona_stats.sites_patched);
	return done;
}

/* ---- rewriting ahead of the first call (--reflect=startup) ------------ */


/* The number of the nearest rewritable head (head_number) of the int $0x80
 * at code[site_off] when it is a row of the table, else -1: the head
 * find_mov then finds for that number, so patch_mov rewrites this one. */
static int64_t mov_number(const uint8_t *code, uint32_t site_off)
{
	for (uint32_t back = MOV_LEN; back <= MOV_LEN + REPLAY_MAX && back <= site_off; back++) {
		int64_t nr = head_number(code, site_off, back);
		if (nr >= 0 && persona_lookup((uint32_t)nr))
			return nr;
	}
	return -1;
}

/* Rewrites the mov-form sites in [lo, hi), read a page at a time with the
 * bytes before each page that a mov may lie in. A site once trapped keeps
 * its state; one that cannot be rewritten is left as it is (no trap will
 * show it again: that is --reflect=startup's stated risk). */
static uint32_t ahead_range_locked(uint32_t lo, uint32_t hi)
{
	uint8_t buf[MOV_LEN + REPLAY_MAX + PAGE_SIZE + 1];
	uint32_t done = 0;

	for (uint64_t page = lo; page < hi; page += PAGE_SIZE) {
		uint32_t from = page - lo >= MOV_LEN + REPLAY_MAX ? (uint32_t)page - (MOV_LEN + REPLAY_MAX) : lo;
		uint64_t to = page + PAGE_SIZE + 1 < hi ? page + PAGE_SIZE + 1 : hi;
		uint32_t n = (uint32_t)(to - from);

		if (n < INT80_LEN || copy_from_user(buf, from, n) < 0)
			continue;
		for (uint32_t off = (uint32_t)(page - from); off + 1 < n; off++) {
			if (buf[off] != 0xcd || buf[off + 1] != 0x80)
				continue;
			int64_t nr = mov_number(buf, off);
			uint32_t site = from + off;
			struct site *s;
			if (nr < 0 || !(s = site_find(site, 1)) || s->state == SITE_PATCHED || s->state == SITE_LEFT)
				continue;
			if (patch_mov(site, (uint32_t)nr)) {
				s->state = SITE_PATCHED;
				STAT_INC(persona_stats.sites_ahead);
				done++;
			} else if (s->state == SITE_EMPTY) {
				s->state = SITE_GONE;       /* the slot back; nothing was kept */
			}
		}
	}
	return done;
}

/* i386 code below 4 GiB: mapped, readable, executable, not writable (a
 * writable one may still be changing, and the trampoline pools are) */
struct ahead_ranges {
	uint32_t n, lo[AHEAD_RANGES], hi[AHEAD_RANGES];
};

static int collect_code(void *ctx, uint64_t start, uint64_t end, uint32_t prot)
{
	struct ahead_ranges *r = ctx;

	if (end > (1ull << 32))
		return 1;                       /* address order: nothing i386 beyond */
	if ((prot & (KPROT_READ | KPROT_EXEC | KPROT_WRITE)) == (KPROT_READ | KPROT_EXEC) && r->n < AHEAD_RANGES) {
		r->lo[r->n] = (uint32_t)start;
		r->hi[r->n++] = (uint32_t)end;
	}
	return 0;
}

/* A site that trapped but has no rewritable form is certainly an int $0x80
 * instruction: its second byte becomes 0x81. `int $0x81` has no gate a
 * user may enter, so it raises #GP (error code 0x40a) on every kernel, and
 * persona_reflect_fault reflects it as it reflects an int $0x80 where the
 * kernel has no ia32 gate: no armed SUD needed for it to stay off the
 * kernel's ia32 layer. One byte, so one store, even with threads running. */
static void guard_left_locked(void)
{
	static const uint8_t vector = PERSONA_GUARD_VECTOR;

	for (uint32_t i = 0; i < SITE_SLOTS; i++) {
		struct site *s = &sites[i];
		if (s->state == SITE_LEFT && code_store(s->addr + 1, &vector, 1)) {
			s->state = SITE_GUARDED;
			STAT_INC(persona_stats.sites_guarded);
		}
	}
}

uint32_t persona_patch_ahead_all(void)
{
	struct ahead_ranges r = { 0 };
	uint32_t done = 0;

	if (patch_form != PATCH_MOV || persona_opts.no_patch)
		return 0;
	/* collected first: rewriting splits mappings under the walk */
	persona_maps_walk(collect_code, &r);
	plock_acquire(&persona_patch_lock);
	ahead_on = 1;
	for (uint32_t i = 0; i < r.n; i++)
		done += ahead_range_locked(r.lo[i], r.hi[i]);
	guard_left_locked();
	plock_release(&persona_patch_lock);
	return done;
}

static void code_mapped_locked(uint32_t addr, uint32_t len)
{
	uint64_t end = (uint64_t)addr + len;

	for (uint32_t i = 0; i < SITE_SLOTS; i++) {
		struct site *s = &sites[i];
		/* the mov of a site lies up to MOV_LEN bytes before it */
		if ((s->state == SITE_PATCHED || s->state == SITE_LEFT || s->state == SITE_GUARDED) &&
		    s->addr + INT80_LEN > addr && (uint64_t)s->addr - MOV_LEN < end)
			s->state = SITE_GONE;
	}
	if (ahead_on && patch_form == PATCH_MOV && !persona_opts.no_patch)
		ahead_range_locked(addr, (uint32_t)(end < (1ull << 32) ? end : 1ull << 32));
}

/* Threads share the site tables, the trampoline pools and page_prot's
 * buffer: one patch at a time. (A site is only ever patched by a thread
 * that trapped on it, synchronously, so no handler waits for itself.) */

int persona_patch_site64(uint64_t site, uint32_t nr)
{
	plock_acquire(&persona_patch_lock);
	int done = patch_site64_locked(site, nr);
	plock_release(&persona_patch_lock);
	return done;
}

int persona_patch_site(uint32_t site, uint32_t nr)
{
	plock_acquire(&persona_patch_lock);
	int done = patch_site_locked(site, nr);
	plock_release(&persona_patch_lock);
	return done;
}

void persona_code_mapped(uint32_t addr, uint32_t len)
{
	plock_acquire(&persona_patch_lock);
	code_mapped_locked(addr, len);
	plock_release(&persona_patch_lock);
}
