/* tests/unit/test_reflect.c — reflection, site patching and i386 signal
 * delivery, driven from a 64-bit test program.
 *
 * Syscall User Dispatch is armed with this program's text as the allowed
 * region, so the int $0x80 sites under test live in pages mapped outside
 * it: 64-bit stubs (an i386-ABI int $0x80 from 64-bit code, WAY_INT80_64)
 * and 32-bit code entered by a far return to selector 0x23 in a MAP_32BIT
 * page (cs 0x23, WAY_REFLECTED), which comes back by a far jump to 0x33.
 * Results are compared with the translator's own (p32): no call here goes
 * to the kernel's ia32 layer, so the program also passes under a seccomp
 * filter that kills on AUDIT_ARCH_I386 (tests/e2e/seccomp_reflect.sh).
 *
 * The code under test is emitted byte by byte below: the patcher's forms
 * are byte patterns, and each emitter names the instruction it encodes.
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
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "personality/c/core/persona.h"
#include "personality/c/reflect/reflect.h"
#include "personality/c/rt/image.h"
#include "sysnr.h"
#include "support/i386call.h"

extern char __executable_start[], etext[];

/* ---- a tiny x86 emitter ----------------------------------------------- */
enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };

struct code {
	uint8_t *start, *p;
};

static uint32_t here(const struct code *c) { return (uint32_t)(uintptr_t)c->p; }
static void b(struct code *c, uint8_t v) { *c->p++ = v; }
static void d(struct code *c, uint32_t v) { memcpy(c->p, &v, 4); c->p += 4; }
static void q(struct code *c, uint64_t v) { memcpy(c->p, &v, 8); c->p += 8; }
static void mov_imm(struct code *c, int r, uint32_t v) { b(c, 0xb8 + r); d(c, v); }        /* mov $v, %r */
static void int80(struct code *c) { b(c, 0xcd); b(c, 0x80); }                             /* int $0x80 */
static void store(struct code *c, int r, uint32_t at) { b(c, 0x89); b(c, (uint8_t)(r << 3 | 5)); d(c, at); } /* mov %r, at */
static void pushfd(struct code *c) { b(c, 0x9c); }
static void popfd(struct code *c) { b(c, 0x9d); }
static void push_imm(struct code *c, uint32_t v) { b(c, 0x68); d(c, v); }                 /* push $v */
static void pop(struct code *c, int r) { b(c, 0x58 + r); }
static void ret(struct code *c) { b(c, 0xc3); }
static void inc_mem(struct code *c, uint32_t at) { b(c, 0xff); b(c, 0x05); d(c, at); }    /* incl at */
static void jmp_far_mem(struct code *c, uint32_t at) { b(c, 0xff); b(c, 0x2d); d(c, at); } /* ljmp *at */

/* ---- the 64/32-bit harness --------------------------------------------- */
/* One RWX page below 4 GiB: the 64-bit enter/exit stubs, their data, then
 * room for the 32-bit code of a test. A separate page is the i386 stack,
 * another the results. */
static uint8_t *page;          /* code */
static uint32_t *res;          /* results written by 32-bit code */
static uint8_t *stack32;       /* 64 KiB */
static uint32_t (*enter32)(uint32_t code, uint32_t esp);
static uint32_t exit_ptr;      /* m16:32 of the 64-bit exit stub */
static uint8_t *user_code;     /* where a test's 32-bit code goes */
static long (*int80_64)(long nr, long a, long b, long c);

static void harness_build(void)
{
	struct code c;
	uint32_t saved_rsp, exit64, jmp_saved, jmp_saved2;

	page = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	assert_true(page != MAP_FAILED);
	res = (uint32_t *)(page + 3 * 4096);
	stack32 = lowmem(65536);
	c.start = c.p = page;

	/* enter32(edi = 32-bit code, esi = 32-bit esp), 64-bit code */
	b(&c, 0x53); b(&c, 0x55);                               /* push rbx; push rbp */
	b(&c, 0x41); b(&c, 0x54); b(&c, 0x41); b(&c, 0x55);     /* push r12; push r13 */
	b(&c, 0x41); b(&c, 0x56); b(&c, 0x41); b(&c, 0x57);     /* push r14; push r15 */
	b(&c, 0x48); b(&c, 0x89); b(&c, 0x25); jmp_saved = here(&c); d(&c, 0); /* mov [rip+x], rsp */
	mov_imm(&c, EAX, 0x2b);                                  /* mov $0x2b, eax */
	b(&c, 0x8e); b(&c, 0xd8); b(&c, 0x8e); b(&c, 0xc0);     /* mov eax, ds; mov eax, es */
	b(&c, 0x89); b(&c, 0xf4);                               /* mov esi, esp (zero-extends) */
	b(&c, 0x6a); b(&c, 0x23);                               /* push $0x23 */
	b(&c, 0x57);                                            /* push rdi */
	b(&c, 0x48); b(&c, 0xcb);                               /* lretq: to 0x23:code */
	exit64 = here(&c);
	b(&c, 0x48); b(&c, 0x8b); b(&c, 0x25); jmp_saved2 = here(&c); d(&c, 0); /* mov rsp, [rip+x] */
	b(&c, 0x41); b(&c, 0x5f); b(&c, 0x41); b(&c, 0x5e);     /* pop r15; pop r14 */
	b(&c, 0x41); b(&c, 0x5d); b(&c, 0x41); b(&c, 0x5c);     /* pop r13; pop r12 */
	b(&c, 0x5d); b(&c, 0x5b);                               /* pop rbp; pop rbx */
	ret(&c);
	/* int80_64(nr, a, b, c): an i386-ABI call from 64-bit code */
	int80_64 = (void *)c.p;
	b(&c, 0x53);                                            /* push rbx */
	b(&c, 0x48); b(&c, 0x89); b(&c, 0xf8);                  /* mov rax, rdi */
	b(&c, 0x48); b(&c, 0x89); b(&c, 0xf3);                  /* mov rbx, rsi */
	b(&c, 0x48); b(&c, 0x87); b(&c, 0xca);                  /* xchg rdx, rcx */
	int80(&c);
	b(&c, 0x5b);                                            /* pop rbx */
	ret(&c);
	while ((uintptr_t)c.p & 7)
		b(&c, 0xcc);
	saved_rsp = here(&c);
	q(&c, 0);
	exit_ptr = here(&c);
	d(&c, exit64);
	d(&c, 0x33);
	/* rip-relative displacements, from the end of each instruction */
	*(int32_t *)(uintptr_t)jmp_saved = (int32_t)(saved_rsp - (jmp_saved + 4));
	*(int32_t *)(uintptr_t)jmp_saved2 = (int32_t)(saved_rsp - (jmp_saved2 + 4));
	enter32 = (void *)page;
	user_code = page + 1024;
}

/* an i386 call by int $0x80 from 64-bit code, with SUD blocking */
static long r80_64(long nr, long ebx, long ecx, long edx)
{
	long r;

	persona_sud_selector = 1;   /* SYSCALL_DISPATCH_FILTER_BLOCK */
	r = int80_64(nr, ebx, ecx, edx);
	persona_sud_selector = 0;
	return r;
}

static uint32_t run32(void)
{
	uint32_t r;

	/* a host that runs no 32-bit code (persona doctor's cs32-gdt) */
	if (!cs32_available())
		skip();
	persona_sud_selector = 1;
	r = enter32((uint32_t)(uintptr_t)user_code, (uint32_t)(uintptr_t)(stack32 + 65536 - 64));
	persona_sud_selector = 0;
	return r;
}

/* cmocka installs its own SIGSYS handler around every test: put the
 * reflection handler back inside each test body. */
static void arm(void)
{
	long mode = persona_reflect_start((uint64_t)(uintptr_t)__executable_start,
					  (uint64_t)(etext - __executable_start), REFLECT_SUD);
	assert_true(mode == REFLECT_SUD || mode == REFLECT_SEGV);
	/* A kernel without an int $0x80 gate: the #GP (SIGSEGV) is the trap,
	 * and the image's fault handler hands it to reflection, as in a
	 * process under persona run; cmocka's own handler would take it for
	 * a crash. */
	if (mode == REFLECT_SEGV)
		assert_int_equal(persona_fault_init(), 0);
	persona_opts.no_patch = 0;
}

static int setup(void **state)
{
	(void)state;
	persona_opts.no_patch = 0;
	return 0;
}

/* ---- reflection from 64-bit code ---------------------------------------- */

static void int80_from_64bit_code_is_reflected(void **state)
{
	uint64_t before = persona_stats.way[WAY_INT80_64];
	int p[2];
	char *buf = lowmem(16);
	(void)state;
	arm();

	assert_int_equal(r80_64(I386_NR_getpid, 0, 0, 0), p32(I386_NR_getpid, 0, 0, 0, 0, 0, 0));
	assert_int_equal(r80_64(I386_NR_getppid, 0, 0, 0), p32(I386_NR_getppid, 0, 0, 0, 0, 0, 0));
	assert_int_equal(r80_64(I386_NR_getuid32, 0, 0, 0), p32(I386_NR_getuid32, 0, 0, 0, 0, 0, 0));
	assert_int_equal(pipe(p), 0);
	assert_int_equal(r80_64(I386_NR_write, p[1], LOW(buf), 0), 0);
	memcpy(buf, "hello", 5);
	assert_int_equal(r80_64(I386_NR_write, p[1], LOW(buf), 5), 5);
	memset(buf, 0, 16);
	assert_int_equal(r80_64(I386_NR_read, p[0], LOW(buf), 16), 5);
	assert_memory_equal(buf, "hello", 5);
	/* errors come back as -errno, sign-extended like the kernel's */
	assert_int_equal(r80_64(I386_NR_close, -1, 0, 0), -EBADF);
	assert_int_equal(r80_64(I386_NR_write, p[1], unmapped_low(), 1), -EFAULT);
	assert_int_equal(r80_64(77777, 0, 0, 0), -ENOSYS);
	close(p[0]), close(p[1]);
	assert_int_equal(persona_stats.way[WAY_INT80_64] - before, 9);
}

/* A 64-bit site of the patchable shape (`mov $nr,%eax; int $0x80`) in a
 * page above 4 GiB: reflected once, then rewritten to a jmp into its
 * trampoline and the 64-bit gate; the page keeps its protection. */
static void patched_64bit_site_is_reflected_once(void **state)
{
	static const uint8_t body[] = { 0x53, 0xb8, 0, 0, 0, 0, 0xcd, 0x80, 0x5b, 0xc3 };
	uint8_t *fn = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t reflected = persona_stats.sites_reflected, patched = persona_stats.sites_patched;
	uint64_t way = persona_stats.way[WAY_INT80_64];
	uint32_t nr = I386_NR_getppid;
	long (*call)(void) = (long (*)(void))(uintptr_t)fn;
	(void)state;

	assert_true(fn != MAP_FAILED);
	memcpy(fn, body, sizeof(body));
	memcpy(fn + 2, &nr, 4);
	arm();
	/* the 64-bit form does not use the 32-bit gate entry; any will do */
	assert_int_equal(persona_patch_init(PATCH_MOV, 0x1000), 0);
	for (int i = 0; i < 3; i++) {
		persona_sud_selector = 1;
		long r = call();
		persona_sud_selector = 0;
		assert_int_equal(r, getppid());
	}
	assert_int_equal(persona_stats.sites_reflected - reflected, 1);
	assert_int_equal(persona_stats.sites_patched - patched, 1);
	assert_int_equal(persona_stats.way[WAY_INT80_64] - way, 3);
	assert_int_equal(fn[1], 0xe9);          /* the mov became jmp rel32 */
	fn[sizeof(body)] = 0x90;                /* still writable: protection kept */
	munmap(fn, 4096);
	persona_patch_init(PATCH_OFF, 0);
}

/* --reflect=startup for an x86-64 program: its mov-form sites are rewritten
 * before it runs, so the first call already goes through the trampoline,
 * never reflected; the page keeps its protection (read and execute). */
static void x86_64_sites_are_rewritten_ahead(void **state)
{
	static const uint8_t body[] = { 0x53, 0xb8, 0, 0, 0, 0, 0xcd, 0x80, 0x5b, 0xc3 };
	uint8_t *page64 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *fn = page64 + 256;     /* not where the test before had its site */
	uint64_t reflected = persona_stats.sites_reflected, ahead = persona_stats.sites_ahead;
	uint64_t way = persona_stats.way[WAY_INT80_64];
	uint32_t nr = I386_NR_getppid;
	long (*call)(void) = (long (*)(void))(uintptr_t)fn;
	(void)state;

	assert_true(page64 != MAP_FAILED);
	memcpy(fn, body, sizeof(body));
	memcpy(fn + 2, &nr, 4);
	assert_int_equal(mprotect(page64, 4096, PROT_READ | PROT_EXEC), 0);
	assert_int_equal(persona_patch_init(PATCH_MOV, 0x1000), 0);
	/* one page: the scan of every mapping would rewrite the test's own
	 * probes too (persona doctor's int $0x80 probe is linked in) */
	assert_int_equal(persona_patch_ahead64_range((uint64_t)(uintptr_t)page64,
						     (uint64_t)(uintptr_t)page64 + 4096), 1);
	assert_int_equal(fn[1], 0xe9);          /* the mov became jmp rel32 */
	assert_int_equal(call(), getppid());
	assert_int_equal(persona_stats.sites_ahead - ahead, 1);
	assert_int_equal(persona_stats.sites_reflected - reflected, 0);
	assert_int_equal(persona_stats.way[WAY_INT80_64] - way, 1);
	munmap(page64, 4096);
	persona_patch_init(PATCH_OFF, 0);
}

/* ---- reflection and patching of 32-bit code --------------------------- */

#define PAT_EBX 0x11111111u
#define PAT_ECX 0x22222222u
#define PAT_EDX 0x33333333u
#define PAT_ESI 0x44444444u
#define PAT_EDI 0x55555555u
#define PAT_EBP 0x66666666u
#define PAT_FLAGS 0x000008d7u   /* OF SF ZF AF PF CF and the always-one bit */
enum { R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI, R_EBP, R_ESP, R_FLAGS, R_ESP0, R_COUNT, R_SIG, R_INFO, R_UC, R_HESP };

static uint32_t res_at(int i) { return (uint32_t)(uintptr_t)&res[i]; }

/* Sets every register, runs `mov $nr, %eax; int $0x80` (the site), stores
 * every register and eflags. Returns the address of the int $0x80. */
static uint32_t site_esi = PAT_ESI;   /* the fourth argument of the next site */

static uint32_t emit_call_site(struct code *c, uint32_t nr, uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	uint32_t site;

	store(c, ESP, res_at(R_ESP0));
	push_imm(c, PAT_FLAGS);
	popfd(c);
	mov_imm(c, EBX, ebx);
	mov_imm(c, ECX, ecx);
	mov_imm(c, EDX, edx);
	mov_imm(c, ESI, site_esi);
	mov_imm(c, EDI, PAT_EDI);
	mov_imm(c, EBP, PAT_EBP);
	mov_imm(c, EAX, nr);
	site = here(c);
	int80(c);
	store(c, EAX, res_at(R_EAX));
	pushfd(c);
	store(c, EBX, res_at(R_EBX));
	pop(c, EBX);
	store(c, EBX, res_at(R_FLAGS));
	store(c, ECX, res_at(R_ECX));
	store(c, EDX, res_at(R_EDX));
	store(c, ESI, res_at(R_ESI));
	store(c, EDI, res_at(R_EDI));
	store(c, EBP, res_at(R_EBP));
	store(c, ESP, res_at(R_ESP));
	jmp_far_mem(c, exit_ptr);
	return site;
}

static void assert_regs_kept(uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	assert_int_equal(res[R_EBX], ebx);
	assert_int_equal(res[R_ECX], ecx);
	assert_int_equal(res[R_EDX], edx);
	assert_int_equal(res[R_ESI], site_esi);
	assert_int_equal(res[R_EDI], PAT_EDI);
	assert_int_equal(res[R_EBP], PAT_EBP);
	assert_int_equal(res[R_ESP], res[R_ESP0]);
	assert_int_equal(res[R_FLAGS] & 0x8d5, PAT_FLAGS & 0x8d5);
}

/* A fake gate for the trampolines: `int $0x80; ret` (reflected each time,
 * since no mov precedes it), standing in for the image's 32-bit gate. */
static uint32_t emit_fake_gate(struct code *c)
{
	uint32_t g = here(c);
	int80(c);
	ret(c);
	return g;
}

static void reflected_32bit_call_keeps_registers(void **state)
{
	struct code c = { user_code, user_code };
	uint64_t before = persona_stats.way[WAY_REFLECTED];
	(void)state;
	arm();

	persona_opts.no_patch = 1;
	emit_call_site(&c, I386_NR_getpid, PAT_EBX, PAT_ECX, PAT_EDX);
	assert_int_equal(run32(), (uint32_t)getpid());
	assert_int_equal(res[R_EAX], (uint32_t)getpid());
	assert_regs_kept(PAT_EBX, PAT_ECX, PAT_EDX);
	assert_int_equal(persona_stats.way[WAY_REFLECTED] - before, 1);
}

static void no_patch_keeps_reflecting(void **state)
{
	struct code c = { user_code + 512, user_code + 512 };
	uint64_t before = persona_stats.way[WAY_REFLECTED];
	uint32_t site, gate;
	uint8_t orig[7];
	(void)state;
	arm();

	persona_opts.no_patch = 1;
	gate = emit_fake_gate(&c);
	assert_int_equal(persona_patch_init(PATCH_MOV, gate), 0);
	c.start = c.p = user_code;
	site = emit_call_site(&c, I386_NR_getppid, PAT_EBX, PAT_ECX, PAT_EDX);
	memcpy(orig, (void *)(uintptr_t)(site - 5), 7);
	for (int i = 0; i < 3; i++) {
		run32();
		assert_int_equal(res[R_EAX], (uint32_t)getppid());
		assert_regs_kept(PAT_EBX, PAT_ECX, PAT_EDX);
	}
	assert_memory_equal(orig, (void *)(uintptr_t)(site - 5), 7);
	assert_int_equal(persona_stats.way[WAY_REFLECTED] - before, 3);
	assert_int_equal(persona_patch_state(site), 2);
	persona_code_mapped((uint32_t)(uintptr_t)user_code, 1024);
}

static void patched_site_is_reflected_once(void **state)
{
	struct code c = { user_code + 512, user_code + 512 };
	uint64_t refl = persona_stats.way[WAY_REFLECTED];
	uint64_t sites = persona_stats.sites_reflected, patched = persona_stats.sites_patched;
	uint32_t site, gate;
	uint8_t *mov;
	(void)state;
	arm();

	persona_opts.no_patch = 0;
	gate = emit_fake_gate(&c);
	assert_int_equal(persona_patch_init(PATCH_MOV, gate), 0);
	c.start = c.p = user_code;
	site = emit_call_site(&c, I386_NR_getppid, PAT_EBX, PAT_ECX, PAT_EDX);
	mov = (uint8_t *)(uintptr_t)(site - 5);
	for (int i = 0; i < 4; i++) {
		memset(res, 0, 64);
		run32();
		assert_int_equal(res[R_EAX], (uint32_t)getppid());
		assert_regs_kept(PAT_EBX, PAT_ECX, PAT_EDX);
		/* after the first call the mov is a call into a trampoline */
		assert_int_equal(mov[0], 0xe8);
		assert_int_equal(persona_patch_state(site), 1);
	}
	/* the site trapped once; the fake gate's own int $0x80 every time */
	assert_int_equal(persona_stats.sites_patched - patched, 1);
	assert_int_equal(persona_stats.sites_reflected - sites, 2);
	assert_int_equal(persona_stats.way[WAY_REFLECTED] - refl, 1 + 3);
	/* the int $0x80 itself is intact: a jump straight to it still works */
	assert_int_equal(mov[5], 0xcd);
	assert_int_equal(mov[6], 0x80);
	persona_code_mapped((uint32_t)(uintptr_t)user_code, 1024);
	assert_int_equal(persona_patch_state(site), 0);
	persona_patch_init(PATCH_OFF, 0);
}

/* mov $nr, %eax; then argument set-up that the trampoline replays; then
 * int $0x80: push $0x12345678; mov $getppid, %eax; mov %esi, %ebx;
 * mov (%esp), %ecx; int $0x80; pop %edx */
static void patched_site_replays_the_setup(void **state)
{
	struct code c = { user_code + 512, user_code + 512 };
	uint64_t patched = persona_stats.sites_patched;
	uint32_t site, gate;
	uint8_t *mov;
	(void)state;
	arm();

	gate = emit_fake_gate(&c);
	assert_int_equal(persona_patch_init(PATCH_MOV, gate), 0);
	c.start = c.p = user_code;
	store(&c, ESP, res_at(R_ESP0));
	mov_imm(&c, ESI, PAT_ESI);
	push_imm(&c, 0x12345678);
	mov = c.p;
	mov_imm(&c, EAX, I386_NR_getppid);
	b(&c, 0x89); b(&c, 0xf3);                     /* mov %esi, %ebx */
	b(&c, 0x8b); b(&c, 0x0c); b(&c, 0x24);        /* mov (%esp), %ecx */
	site = here(&c);
	int80(&c);
	pop(&c, EDX);
	store(&c, EAX, res_at(R_EAX));
	store(&c, EBX, res_at(R_EBX));
	store(&c, ECX, res_at(R_ECX));
	store(&c, EDX, res_at(R_EDX));
	store(&c, ESP, res_at(R_ESP));
	jmp_far_mem(&c, exit_ptr);
	for (int i = 0; i < 3; i++) {
		memset(res, 0, 64);
		run32();
		assert_int_equal(res[R_EAX], (uint32_t)getppid());
		assert_int_equal(res[R_EBX], PAT_ESI);
		assert_int_equal(res[R_ECX], 0x12345678);
		assert_int_equal(res[R_EDX], 0x12345678);
		assert_int_equal(res[R_ESP], res[R_ESP0]);
		assert_int_equal(mov[0], 0xe8);
	}
	assert_int_equal(persona_patch_state(site), 1);
	assert_int_equal(persona_stats.sites_patched - patched, 1);
	persona_code_mapped((uint32_t)(uintptr_t)user_code, 1024);
	persona_patch_init(PATCH_OFF, 0);
}

/* The register form static glibc uses for its first and last calls:
 * mov $nr, %ecx; xor %ebx, %ebx; mov %ecx, %eax; int $0x80 — the head
 * mov becomes the call, the trampoline replays all three. A sequence in
 * which the register changes before it reaches eax stays on reflection. */
static void register_form_site_is_patched(void **state)
{
	struct code c = { user_code + 512, user_code + 512 };
	uint64_t patched = persona_stats.sites_patched;
	uint32_t site, gate;
	uint8_t *head;
	(void)state;
	arm();

	gate = emit_fake_gate(&c);
	assert_int_equal(persona_patch_init(PATCH_MOV, gate), 0);
	c.start = c.p = user_code;
	store(&c, ESP, res_at(R_ESP0));
	head = c.p;
	mov_imm(&c, ECX, I386_NR_getppid);
	b(&c, 0x31); b(&c, 0xdb);                     /* xor %ebx, %ebx */
	b(&c, 0x89); b(&c, 0xc8);                     /* mov %ecx, %eax */
	site = here(&c);
	int80(&c);
	store(&c, EAX, res_at(R_EAX));
	store(&c, EBX, res_at(R_EBX));
	store(&c, ECX, res_at(R_ECX));
	store(&c, ESP, res_at(R_ESP));
	jmp_far_mem(&c, exit_ptr);
	for (int i = 0; i < 3; i++) {
		memset(res, 0, 64);
		run32();
		assert_int_equal(res[R_EAX], (uint32_t)getppid());
		assert_int_equal(res[R_EBX], 0);
		assert_int_equal(res[R_ECX], I386_NR_getppid);
		assert_int_equal(res[R_ESP], res[R_ESP0]);
		assert_int_equal(head[0], 0xe8);
	}
	assert_int_equal(persona_patch_state(site), 1);
	assert_int_equal(persona_stats.sites_patched - patched, 1);
	persona_code_mapped((uint32_t)(uintptr_t)user_code, 1024);

	/* the register is written again before it reaches eax: reflected */
	c.start = c.p = user_code;
	mov_imm(&c, EDX, I386_NR_getpid);
	mov_imm(&c, ECX, I386_NR_getppid);
	b(&c, 0x89); b(&c, 0xd1);                     /* mov %edx, %ecx */
	b(&c, 0x89); b(&c, 0xc8);                     /* mov %ecx, %eax */
	site = here(&c);
	int80(&c);
	jmp_far_mem(&c, exit_ptr);
	assert_int_equal(run32(), (uint32_t)getpid());
	assert_int_equal(persona_patch_state(site), 2);
	persona_code_mapped((uint32_t)(uintptr_t)user_code, 1024);
	persona_patch_init(PATCH_OFF, 0);
}

static void site_without_mov_stays_reflected(void **state)
{
	struct code c = { user_code, user_code };
	uint64_t left = persona_stats.sites_reflected - persona_stats.sites_patched;
	uint32_t site;
	(void)state;
	arm();

	persona_opts.no_patch = 0;
	assert_int_equal(persona_patch_init(PATCH_MOV, (uint32_t)(uintptr_t)(user_code + 600)), 0);
	/* eax loaded by something other than a mov $imm32 (here pop): no
	 * safe form */
	mov_imm(&c, EBX, I386_NR_getpid);
	b(&c, 0x53);                                  /* push %ebx */
	b(&c, 0x58);                                  /* pop %eax */
	site = here(&c);
	int80(&c);
	jmp_far_mem(&c, exit_ptr);
	assert_int_equal(run32(), (uint32_t)getpid());
	assert_int_equal(run32(), (uint32_t)getpid());
	assert_int_equal(persona_patch_state(site), 2);
	assert_int_equal(persona_stats.sites_reflected - persona_stats.sites_patched - left, 1);
	persona_code_mapped((uint32_t)(uintptr_t)user_code, 1024);
	persona_patch_init(PATCH_OFF, 0);
}

/* --reflect=startup's end of start-up: a mov-form site that never ran is
 * rewritten ahead; a site that trapped but has no rewritable form is
 * guarded (its int $0x80 becomes int $0x81, whose #GP is reflected); SUD is
 * disarmed. Run last: it leaves SUD off until the next arm(). */
static void startup_over_rewrites_ahead_and_guards(void **state)
{
	struct code c = { user_code + 512, user_code + 512 };
	uint64_t ahead = persona_stats.sites_ahead, guarded = persona_stats.sites_guarded;
	uint32_t left, never_ran, gate;
	uint8_t *mov;
	siginfo_t si;
	ucontext_t uc;
	(void)state;
	arm();
	if (persona_reflect_mode() != REFLECT_SUD)
		skip();                 /* no ia32 gate: nothing is armed to disarm */

	/* only this test's code in the pages the scan reads: int3 elsewhere */
	memset(user_code, 0xcc, 3 * 4096 - 1024);
	persona_code_mapped((uint32_t)(uintptr_t)user_code, 3 * 4096 - 1024);
	gate = emit_fake_gate(&c);
	assert_int_equal(persona_patch_init(PATCH_MOV, gate), 0);
	/* a site of no rewritable form, run once: left on reflection */
	c.start = c.p = user_code;
	mov_imm(&c, EBX, I386_NR_getpid);
	b(&c, 0x53);                                  /* push %ebx */
	b(&c, 0x58);                                  /* pop %eax */
	left = here(&c);
	int80(&c);
	jmp_far_mem(&c, exit_ptr);
	assert_int_equal(run32(), (uint32_t)getpid());
	assert_int_equal(persona_patch_state(left), 2);
	/* a mov-form site that has not run */
	c.start = c.p = user_code + 256;
	never_ran = emit_call_site(&c, I386_NR_getppid, PAT_EBX, PAT_ECX, PAT_EDX);
	mov = (uint8_t *)(uintptr_t)(never_ran - 5);
	assert_int_equal(mov[0], 0xb8);

	/* the scan reads code that is not writable, as a program's is (and
	 * the patcher's probe of writability faults: the fix-up catches it) */
	persona_test_init();
	assert_int_equal(mprotect(page, 3 * 4096, PROT_READ | PROT_EXEC), 0);
	persona_reflect_startup_pending = 1;
	persona_reflect_startup_over();
	assert_int_equal(mprotect(page, 3 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC), 0);
	assert_int_equal(persona_reflect_startup_pending, 0);
	assert_int_equal(persona_reflect_mode(), REFLECT_NONE);
	assert_int_equal(persona_reflect_startup_ended(), 1);

	assert_int_equal(mov[0], 0xe8);                 /* rewritten ahead */
	assert_int_equal(persona_patch_state(never_ran), 1);
	assert_int_equal(persona_stats.sites_ahead - ahead, 1);
	assert_int_equal(((uint8_t *)(uintptr_t)left)[0], 0xcd);
	assert_int_equal(((uint8_t *)(uintptr_t)left)[1], PERSONA_GUARD_VECTOR);
	assert_int_equal(persona_patch_state(left), PERSONA_SITE_GUARDED);
	assert_int_equal(persona_stats.sites_guarded - guarded, 1);

	/* the guarded site's #GP is reflected: the call runs, eip moves past */
	memset(&si, 0, sizeof(si));
	memset(&uc, 0, sizeof(uc));
	si.si_signo = SIGSEGV;
	si.si_code = SI_KERNEL;
	uc.uc_mcontext.gregs[REG_TRAPNO] = 13;
	uc.uc_mcontext.gregs[REG_ERR] = (PERSONA_GUARD_VECTOR << 3) | 2;
	uc.uc_mcontext.gregs[REG_RIP] = left;
	uc.uc_mcontext.gregs[REG_CSGSFS] = 0x23;
	uc.uc_mcontext.gregs[REG_RAX] = I386_NR_getpid;
	assert_int_equal(persona_reflect_fault(SIGSEGV, &si, &uc), 1);
	assert_int_equal(uc.uc_mcontext.gregs[REG_RAX], getpid());
	assert_int_equal(uc.uc_mcontext.gregs[REG_RIP], left + 2);
	/* QEMU's emulated CPU in long mode names the gate as vector * 16 + 2 */
	uc.uc_mcontext.gregs[REG_ERR] = (PERSONA_GUARD_VECTOR << 4) | 2;
	uc.uc_mcontext.gregs[REG_RIP] = left;
	uc.uc_mcontext.gregs[REG_RAX] = I386_NR_getpid;
	assert_int_equal(persona_reflect_fault(SIGSEGV, &si, &uc), 1);
	assert_int_equal(uc.uc_mcontext.gregs[REG_RAX], getpid());
	assert_int_equal(uc.uc_mcontext.gregs[REG_RIP], left + 2);
	/* another vector's #GP at the site is not the guard's */
	uc.uc_mcontext.gregs[REG_ERR] = (0x82 << 3) | 2;
	uc.uc_mcontext.gregs[REG_RIP] = left;
	assert_int_equal(persona_reflect_fault(SIGSEGV, &si, &uc), 0);
	/* the same fault anywhere else is the program's */
	uc.uc_mcontext.gregs[REG_ERR] = (PERSONA_GUARD_VECTOR << 3) | 2;
	uc.uc_mcontext.gregs[REG_RIP] = never_ran;
	assert_int_equal(persona_reflect_fault(SIGSEGV, &si, &uc), 0);

	persona_code_mapped((uint32_t)(uintptr_t)user_code, 1024);
	persona_patch_init(PATCH_OFF, 0);
}

static void page0_form_needs_mmap_min_addr_zero(void **state)
{
	char v[32] = "";
	FILE *f = fopen("/proc/sys/vm/mmap_min_addr", "r");
	(void)state;
	arm();

	if (!f || !fgets(v, sizeof(v), f))
		skip();
	fclose(f);
	if (atoi(v) == 0)
		skip();         /* page 0 is mappable here: nothing to refuse */
	assert_int_equal(persona_patch_init(PATCH_PAGE0, 0x1000), -EPERM);
	persona_patch_init(PATCH_OFF, 0);
}

/* A kernel without an ia32 gate raises #GP (SIGSEGV, error code 0x402) for
 * int $0x80 instead of running it; the image's fault handler passes it to
 * persona_reflect_fault. This kernel may have the gate, so the fault is
 * built here as the kernel would deliver it. */
static void int80_general_protection_is_reflected(void **state)
{
	struct code c = { user_code, user_code };
	uint32_t site;
	siginfo_t si;
	ucontext_t uc;
	uint64_t before = persona_stats.way[WAY_REFLECTED];
	(void)state;
	arm();

	persona_opts.no_patch = 1;
	site = here(&c);
	int80(&c);
	memset(&si, 0, sizeof(si));
	memset(&uc, 0, sizeof(uc));
	si.si_signo = SIGSEGV;
	si.si_code = SI_KERNEL;
	uc.uc_mcontext.gregs[REG_TRAPNO] = 13;
	uc.uc_mcontext.gregs[REG_ERR] = 0x402;
	uc.uc_mcontext.gregs[REG_RIP] = site;
	uc.uc_mcontext.gregs[REG_CSGSFS] = 0x23;      /* cs in the low 16 bits: 32-bit code */
	uc.uc_mcontext.gregs[REG_RAX] = I386_NR_getppid;
	uc.uc_mcontext.gregs[REG_RBX] = PAT_EBX;
	assert_int_equal(persona_reflect_fault(SIGSEGV, &si, &uc), 1);
	assert_int_equal(uc.uc_mcontext.gregs[REG_RAX], getppid());
	assert_int_equal(uc.uc_mcontext.gregs[REG_RIP], site + 2);
	assert_int_equal(uc.uc_mcontext.gregs[REG_RBX], PAT_EBX);
	assert_int_equal(persona_stats.way[WAY_REFLECTED] - before, 1);
	/* QEMU's emulated CPU in long mode reports vector * 16 + 2 (0x802) */
	uc.uc_mcontext.gregs[REG_ERR] = 0x802;
	uc.uc_mcontext.gregs[REG_RIP] = site;
	uc.uc_mcontext.gregs[REG_RAX] = I386_NR_getppid;
	assert_int_equal(persona_reflect_fault(SIGSEGV, &si, &uc), 1);
	assert_int_equal(uc.uc_mcontext.gregs[REG_RAX], getppid());
	assert_int_equal(uc.uc_mcontext.gregs[REG_RIP], site + 2);
	assert_int_equal(persona_stats.way[WAY_REFLECTED] - before, 2);
	/* any other fault is not reflection's */
	uc.uc_mcontext.gregs[REG_RIP] = site;
	uc.uc_mcontext.gregs[REG_ERR] = 0;
	assert_int_equal(persona_reflect_fault(SIGSEGV, &si, &uc), 0);
}

/* ---- i386 signals ------------------------------------------------------- */

#define I386_SA_SIGINFO  4u
#define I386_SA_RESTORER 0x04000000u
#define I386_SA_RESTART  0x10000000u

struct i386_sigaction_mem {
	uint32_t handler, flags, restorer;
	uint32_t mask[2];
};

static uint32_t sig_handler, sig_restorer_rt, sig_restorer_old;

/* The handler records eax (signo), edx (&info), ecx (&uc) and esp, counts
 * itself, and returns into the restorer. */
static void emit_signal_code(struct code *c)
{
	sig_handler = here(c);
	inc_mem(c, res_at(R_COUNT));
	store(c, EAX, res_at(R_SIG));
	store(c, EDX, res_at(R_INFO));
	store(c, ECX, res_at(R_UC));
	store(c, ESP, res_at(R_HESP));
	mov_imm(c, EBX, 0xdeadbeef);                  /* clobbered: sigreturn restores it */
	mov_imm(c, ESI, 0xdeadbeef);
	ret(c);
	sig_restorer_rt = here(c);
	mov_imm(c, EAX, I386_NR_rt_sigreturn);
	int80(c);
	sig_restorer_old = here(c);
	pop(c, EAX);
	mov_imm(c, EAX, I386_NR_sigreturn);
	int80(c);
}

static void set_i386_action(int sig, uint32_t handler, uint32_t flags, uint32_t restorer)
{
	struct i386_sigaction_mem *a = lowmem(sizeof(*a));

	a->handler = handler;
	a->flags = flags;
	a->restorer = restorer;
	assert_int_equal(p32(I386_NR_rt_sigaction, sig, LOW(a), 0, 8, 0, 0), 0);
}

static void signal_handler_sees_i386_frame(void **state)
{
	struct code c = { user_code + 512, user_code + 512 };
	(void)state;
	arm();

	persona_opts.no_patch = 1;
	emit_signal_code(&c);
	set_i386_action(SIGUSR1, sig_handler, I386_SA_SIGINFO | I386_SA_RESTORER, sig_restorer_rt);
	c.start = c.p = user_code;
	/* kill(getpid(), SIGUSR1): the signal arrives while the personality
	 * runs, is deferred, and is delivered before the call returns */
	emit_call_site(&c, I386_NR_kill, (uint32_t)getpid(), SIGUSR1, PAT_EDX);
	memset(res, 0, 64 * 4);
	run32();
	assert_int_equal(res[R_COUNT], 1);
	assert_int_equal(res[R_SIG], SIGUSR1);
	assert_int_equal(res[R_EAX], 0);
	assert_regs_kept((uint32_t)getpid(), SIGUSR1, PAT_EDX);
	/* the frame: pretcode, signo, &info, &uc, as the i386 kernel lays it */
	uint32_t *frame = (uint32_t *)(uintptr_t)res[R_HESP];
	assert_int_equal(frame[0], sig_restorer_rt);
	assert_int_equal(frame[1], SIGUSR1);
	assert_int_equal(frame[2], res[R_INFO]);
	assert_int_equal(frame[3], res[R_UC]);
	assert_int_equal((res[R_HESP] + 4) % 16, 0);
	int32_t *info = (int32_t *)(uintptr_t)res[R_INFO];
	assert_int_equal(info[0], SIGUSR1);            /* si_signo */
	assert_int_equal(info[2], SI_USER);            /* si_code */
	assert_int_equal(info[3], getpid());           /* si_pid */
	assert_int_equal((uint32_t)info[4], getuid()); /* si_uid */
	/* ucontext: uc_flags, uc_link, uc_stack (12), then sigcontext_32 */
	uint32_t *sc = (uint32_t *)(uintptr_t)(res[R_UC] + 20);
	assert_int_equal(sc[8], (uint32_t)getpid());   /* ebx */
	assert_int_equal(sc[10], SIGUSR1);             /* ecx */
	assert_int_equal(sc[9], PAT_EDX);              /* edx */
	assert_int_equal(sc[5], PAT_ESI);              /* esi */
	assert_int_equal(sc[4], PAT_EDI);              /* edi */
	assert_int_equal(sc[6], PAT_EBP);              /* ebp */
	assert_int_equal(sc[11], 0);                   /* eax: kill's result */
	assert_int_equal(sc[15] & 0xffff, 0x23);       /* cs */
	set_i386_action(SIGUSR1, 0, 0, 0);
}

static void old_style_handler_and_sigreturn(void **state)
{
	struct code c = { user_code + 512, user_code + 512 };
	(void)state;
	arm();

	persona_opts.no_patch = 1;
	emit_signal_code(&c);
	set_i386_action(SIGUSR2, sig_handler, I386_SA_RESTORER, sig_restorer_old);
	c.start = c.p = user_code;
	emit_call_site(&c, I386_NR_kill, (uint32_t)getpid(), SIGUSR2, PAT_EDX);
	memset(res, 0, 64 * 4);
	run32();
	assert_int_equal(res[R_COUNT], 1);
	assert_int_equal(res[R_SIG], SIGUSR2);
	assert_int_equal(res[R_INFO], 0);
	assert_int_equal(res[R_UC], 0);
	assert_int_equal(res[R_EAX], 0);
	assert_regs_kept((uint32_t)getpid(), SIGUSR2, PAT_EDX);
	set_i386_action(SIGUSR2, 0, 0, 0);
}

static void pipe_read_interrupted(int restart, long *result, uint32_t *count)
{
	struct code c = { user_code + 512, user_code + 512 };
	struct itimerval it = { .it_value = { .tv_usec = 50000 } };
	char *buf = lowmem(16);
	int p[2];
	pid_t writer;

	persona_opts.no_patch = 1;
	emit_signal_code(&c);
	set_i386_action(SIGALRM, sig_handler, I386_SA_SIGINFO | I386_SA_RESTORER | (restart ? I386_SA_RESTART : 0),
			sig_restorer_rt);
	assert_int_equal(pipe(p), 0);
	writer = fork();
	if (writer == 0) {
		usleep(300000);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	c.start = c.p = user_code;
	emit_call_site(&c, I386_NR_read, p[0], LOW(buf), 1);
	memset(res, 0, 64 * 4);
	setitimer(ITIMER_REAL, &it, NULL);
	run32();
	*result = (int32_t)res[R_EAX];
	*count = res[R_COUNT];
	waitpid(writer, NULL, 0);
	close(p[0]), close(p[1]);
	set_i386_action(SIGALRM, 0, 0, 0);
}

static void eintr_without_sa_restart(void **state)
{
	long r;
	uint32_t n;
	(void)state;
	arm();

	pipe_read_interrupted(0, &r, &n);
	assert_int_equal(r, -EINTR);
	assert_int_equal(n, 1);
}

static void sa_restart_restarts_the_read(void **state)
{
	long r;
	uint32_t n;
	(void)state;
	arm();

	pipe_read_interrupted(1, &r, &n);
	assert_int_equal(r, 1);
	assert_int_equal(n, 1);
}

static void sig_dfl_sigterm_gives_native_status(void **state)
{
	struct code c = { user_code, user_code };
	pid_t pid;
	int st;
	(void)state;
	arm();
	if (!cs32_available())
		skip();         /* here, not in the child: the child's skip is no test's */

	pid = fork();
	if (pid == 0) {
		persona_reflect_child();
		set_i386_action(SIGTERM, 0x1000, I386_SA_SIGINFO, 0);   /* a handler, then back to SIG_DFL */
		set_i386_action(SIGTERM, 0, 0, 0);
		emit_call_site(&c, I386_NR_kill, (uint32_t)getpid(), SIGTERM, 0);
		run32();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
}

static void sigprocmask_blocks_until_unblocked(void **state)
{
	struct code c = { user_code + 512, user_code + 512 };
	uint64_t *set = lowmem(16), *old = set + 1;
	(void)state;
	arm();

	persona_opts.no_patch = 1;
	emit_signal_code(&c);
	set_i386_action(SIGUSR1, sig_handler, I386_SA_SIGINFO | I386_SA_RESTORER, sig_restorer_rt);
	*set = 1ull << (SIGUSR1 - 1);
	assert_int_equal(p32(I386_NR_rt_sigprocmask, SIG_BLOCK, LOW(set), 0, 8, 0, 0), 0);
	c.start = c.p = user_code;
	emit_call_site(&c, I386_NR_kill, (uint32_t)getpid(), SIGUSR1, 0);
	memset(res, 0, 64 * 4);
	run32();
	assert_int_equal(res[R_COUNT], 0);              /* blocked: pending */
	assert_int_equal(p32(I386_NR_rt_sigpending, LOW(old), 8, 0, 0, 0, 0), 0);
	assert_true(*old & (1ull << (SIGUSR1 - 1)));
	/* unblock from 32-bit code: delivered on the way out of that call */
	c.start = c.p = user_code;
	site_esi = 8;          /* rt_sigprocmask's sigsetsize */
	emit_call_site(&c, I386_NR_rt_sigprocmask, SIG_UNBLOCK, LOW(set), 0);
	site_esi = PAT_ESI;
	run32();
	assert_int_equal(res[R_EAX], 0);
	assert_int_equal(res[R_COUNT], 1);
	assert_int_equal(res[R_SIG], SIGUSR1);
	set_i386_action(SIGUSR1, 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(int80_from_64bit_code_is_reflected, setup),
		cmocka_unit_test_setup(patched_64bit_site_is_reflected_once, setup),
		cmocka_unit_test_setup(x86_64_sites_are_rewritten_ahead, setup),
		cmocka_unit_test_setup(reflected_32bit_call_keeps_registers, setup),
		cmocka_unit_test_setup(no_patch_keeps_reflecting, setup),
		cmocka_unit_test_setup(patched_site_is_reflected_once, setup),
		cmocka_unit_test_setup(patched_site_replays_the_setup, setup),
		cmocka_unit_test_setup(register_form_site_is_patched, setup),
		cmocka_unit_test_setup(site_without_mov_stays_reflected, setup),
		cmocka_unit_test_setup(page0_form_needs_mmap_min_addr_zero, setup),
		cmocka_unit_test_setup(int80_general_protection_is_reflected, setup),
		cmocka_unit_test_setup(signal_handler_sees_i386_frame, setup),
		cmocka_unit_test_setup(old_style_handler_and_sigreturn, setup),
		cmocka_unit_test_setup(eintr_without_sa_restart, setup),
		cmocka_unit_test_setup(sa_restart_restarts_the_read, setup),
		cmocka_unit_test_setup(sig_dfl_sigterm_gives_native_status, setup),
		cmocka_unit_test_setup(sigprocmask_blocks_until_unblocked, setup),
		cmocka_unit_test_setup(startup_over_rewrites_ahead_and_guards, setup),
	};
	long mode;

	harness_build();
	mode = persona_reflect_start((uint64_t)(uintptr_t)__executable_start,
				     (uint64_t)(etext - __executable_start), REFLECT_SUD);
	if (mode != REFLECT_SUD && mode != REFLECT_SEGV) {
		printf("1..0 # SKIP no syscall user dispatch here (%ld)\n", mode);
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
