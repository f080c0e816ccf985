/* personality/c/patch.c — rewriting reflected int $0x80 sites.
 *
 * A site that trapped is certainly an instruction; the bytes around it are
 * not known to be. The 2-byte `cd 80` cannot hold a 5-byte call, so the
 * default form rewrites the instruction before it instead, when that is
 *
 *     b8 imm32        mov $imm32, %eax     with imm32 == eax at the trap
 *     cd 80           int $0x80            and imm32 a number of the table
 *
 * The mov becomes `call rel32` to a per-site trampoline (32-bit code, in a
 * pool next to the image):
 *
 *     c7 04 24 ret32  movl $site+2, (%esp)  return past the int $0x80
 *     b8 imm32        mov $imm32, %eax      what the mov did
 *     e9 rel32        jmp __kernel_vsyscall the gate, entered as by call *%gs:0x10
 *
 * No flags change on the way; `cd 80` stays, so a jump straight to it is
 * still reflected. The only way this goes wrong is a b8 byte that is not an
 * instruction start (the tail of another instruction) followed by four bytes
 * that are, equal to eax, and a valid number: those bytes would have to run
 * as code with eax a small number; nearly every such encoding touches
 * (%eax) and faults below mmap_min_addr. Sites of any other shape stay on
 * reflection (counted in --stats).
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
#include "persona.h"
#include "ksig.h"
#include "reflect.h"
#include "sysent_types.h"

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
#define TRAMP_SIZE       32u
#define POOL_SIZE        0x10000u

#define SITE_SLOTS       4096u          /* power of two */
enum { SITE_EMPTY, SITE_PATCHED, SITE_LEFT, SITE_GONE };

struct site {
	uint32_t addr;
	uint32_t state;
};
static struct site sites[SITE_SLOTS];
static uint32_t sites_used;

static uint32_t patch_form = PATCH_OFF;
static uint32_t gate_entry;
static uint32_t pool_next, pool_end;
uint32_t persona_patch_pool_hint;        /* where the trampoline pool goes; 0: anywhere low */
volatile uint32_t persona_patch_threaded;

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

int persona_patch_state(uint32_t site)
{
	struct site *s = site_find(site, 0);
	return s && s->state != SITE_GONE ? (int)s->state : 0;
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

/* page 0: nops down to a jmp into the gate; call *%eax lands at eax = nr */
static long page0_map(void)
{
	long min = read_mmap_min_addr(), p;
	uint8_t *z;

	if (min != 0) {
		plog("--patch=page0 needs vm.mmap_min_addr = 0 (it is %ld): sysctl -w vm.mmap_min_addr=0", min);
		return -EPERM;
	}
	p = nsys6(__NR_mmap, 0, PAGE_SIZE, KPROT_READ | KPROT_WRITE,
		  KMAP_PRIVATE | KMAP_ANONYMOUS | KMAP_FIXED_NOREPLACE, -1, 0);
	if (p != 0) {
		plog("--patch=page0: cannot map page 0 (%ld)", p);
		return p < 0 ? p : -EEXIST;
	}
	z = (uint8_t *)(uintptr_t)p;
	memset(z, 0x90, PAGE_SIZE);
	z[PAGE_SIZE - MOV_LEN] = OP_JMP_REL32;
	put32(z + PAGE_SIZE - 4, gate_entry - PAGE_SIZE);
	return nsys3(__NR_mprotect, 0, PAGE_SIZE, KPROT_READ | KPROT_EXEC);
}

long persona_patch_init(uint32_t form, uint32_t entry)
{
	gate_entry = entry;
	patch_form = persona_opts.no_patch ? PATCH_OFF : form;
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
	if (!one_store && persona_patch_threaded)
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

static int patch_mov(uint32_t site, uint32_t nr)
{
	uint8_t mov[MOV_LEN], call[MOV_LEN], *t;
	uint32_t imm, mov_at = site - MOV_LEN, tramp;

	if (!gate_entry || copy_from_user(mov, mov_at, MOV_LEN) < 0)
		return 0;
	memcpy(&imm, mov + 1, 4);
	if (mov[0] != OP_MOV_EAX_IMM || imm != nr || !persona_lookup(nr))
		return 0;
	tramp = tramp_alloc();
	if (!tramp)
		return 0;
	t = (uint8_t *)(uintptr_t)tramp;
	memset(t, 0xcc, TRAMP_SIZE);                /* int3 past the end */
	t[0] = 0xc7; t[1] = 0x04; t[2] = 0x24;       /* movl $imm32, (%esp) */
	put32(t + 3, site + INT80_LEN);
	t[7] = OP_MOV_EAX_IMM;                       /* mov $imm32, %eax */
	put32(t + 8, nr);
	t[12] = OP_JMP_REL32;                        /* jmp rel32 */
	put32(t + 13, gate_entry - (tramp + 17));
	call[0] = OP_CALL_REL32;                     /* call rel32: wraps mod 2^32 in 32-bit code */
	put32(call + 1, tramp - (mov_at + MOV_LEN));
	return code_store(mov_at, call, MOV_LEN);
}

static int patch_page0(uint32_t site)
{
	static const uint8_t call_eax[INT80_LEN] = { 0xff, 0xd0 };   /* call *%eax */
	return code_store(site, call_eax, INT80_LEN);
}

int persona_patch_site(uint32_t site, uint32_t nr)
{
	struct site *s;
	int done;

	s = site_find(site, 1);
	if (!s)
		return 0;
	if (s->state == SITE_PATCHED || s->state == SITE_LEFT)
		return 0;   /* --no-patch, a site of no safe form, or a jump straight to the int $0x80 */
	persona_stats.sites_reflected++;
	if (patch_form == PATCH_OFF || persona_opts.no_patch)
		done = 0;
	else
		done = patch_form == PATCH_PAGE0 ? patch_page0(site) : patch_mov(site, nr);
	s->state = done ? SITE_PATCHED : SITE_LEFT;
	if (done)
		persona_stats.sites_patched++;
	return done;
}

void persona_code_mapped(uint32_t addr, uint32_t len)
{
	uint64_t end = (uint64_t)addr + len;

	for (uint32_t i = 0; i < SITE_SLOTS; i++) {
		struct site *s = &sites[i];
		/* the mov of a site lies up to MOV_LEN bytes before it */
		if ((s->state == SITE_PATCHED || s->state == SITE_LEFT) &&
		    s->addr + INT80_LEN > addr && (uint64_t)s->addr - MOV_LEN < end)
			s->state = SITE_GONE;
	}
}
