/* personality/c/reflect/reflect.c — trapped calls handed back to ring 3.
 *
 * Three ways the kernel hands an i386 call back instead of running it in its
 * ia32 layer (see reflect.h): Syscall User Dispatch, a seccomp RET_TRAP
 * filter, and the #GP of int $0x80 on a kernel without an ia32 gate. All end
 * in reflect_call(): the ucontext becomes a struct i386_frame, the site is
 * patched so it traps at most once, persona_syscall() runs it, deferred
 * signals are delivered, and the frame goes back into the ucontext for
 * rt_sigreturn.
 *
 * Cost of an armed SUD: every system call of the thread takes the kernel's
 * slow entry path, the image's own included. Measured here (6.18 kernel,
 * getppid through the vDSO gate, lat_null, min of 21 repetitions, six runs
 * each, interleaved): 441-449 TSC ticks with SUD disarmed, 458-493 armed,
 * so about 20-30 ticks (5%). It stays armed by default all the same: an
 * int $0x80 site that was never rewritten must not reach the kernel's ia32
 * layer, and only SUD sees it before it runs. On a kernel without an
 * int $0x80 gate the #GP catches every such site for free, so nothing is
 * armed there. A reflected call costs about 21,600 ticks (seccomp about
 * 22,300; the kernel's own int $0x80 about 18,200), which is why each site
 * is rewritten after its first trap (patch.c: a rewritten site costs what
 * the gate costs; through page 0, 546 ticks in the same benchmark).
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/prctl.h>
#include <linux/seccomp.h>

#include "core/persona.h"
#include "core/state.h"
#include "core/stubs.h"
#include "signal/ksig.h"
#include "reflect/reflect.h"
#include "sysnr.h"

#define GUARD_VECTOR   PERSONA_GUARD_VECTOR   /* a guarded site's int (patch.c) */
#define TRAP_GP        13
#define INT80_LEN      2

/* native constants the uapi headers of a freestanding build lack */
#define KPROT_READ     1
#define KPROT_WRITE    2
#define KPROT_EXEC     4
#define KMAP_PRIVATE   0x02
#define KMAP_ANONYMOUS 0x20
#define PAGE_SIZE      4096

volatile uint8_t persona_sud_selector = SYSCALL_DISPATCH_FILTER_ALLOW;

static uint32_t mode_armed = REFLECT_NONE;
volatile uint32_t persona_reflect_startup_pending;
static int startup_ended;
static uint64_t region_start, region_len;
static int ia32_gate = -1;

/* the probe: one int $0x80 from a page outside the image */
static volatile uint64_t probe_page;
static volatile int probe_seen;      /* 1: SIGSYS (a gate exists), 2: #GP (none) */



/* Reads the two bytes at an instruction address of the interrupted code:
 * foreign i386 memory through copy_from_user, 64-bit code (a test) directly. */
static int read_insn(uint64_t addr, uint8_t op[INT80_LEN])
{
	if (addr < (1ull << 32))
		return copy_from_user(op, (uint32_t)addr, INT80_LEN) == 0;
	memcpy(op, (const void *)(uintptr_t)addr, INT80_LEN);
	return 1;
}

static int is_int80(uint64_t addr)
{
	uint8_t op[INT80_LEN];

	return read_insn(addr, op) && op[0] == 0xcd && op[1] == 0x80;
}

/* One reflected i386 call; the ucontext's rip is already past the int $0x80. */
static void reflect_call(struct kucontext *uc)
{
	struct i386_frame f, was;
	void *outer = persona_reflect_uc;
	int wide = persona_uc_is_64bit(uc->uc_mcontext.cs);

	persona_frame_from_uc(&f, uc);
	f.way = wide ? WAY_INT80_64 : WAY_REFLECTED;
	was = f;
	/* patch before running: the call may be exit, execve or sigreturn */
	if (is_int80(uc->uc_mcontext.rip - INT80_LEN)) {
		if (wide)
			persona_patch_site64(uc->uc_mcontext.rip - INT80_LEN, f.eax);
		else
			persona_patch_site(f.eip - INT80_LEN, f.eax);
	}
	persona_reflect_uc = uc;
	persona_syscall(&f);
	persona_signal_exit(&f, uc);
	persona_reflect_uc = outer;
	persona_frame_to_uc(&f, &was, uc, wide && f.cs == was.cs);
}

/* A native call from 64-bit code outside the image (SUD dispatches those
 * too): run it as it is. Calls that cannot run from inside a handler fail. */
static void run_native(struct kucontext *uc)
{
	struct sigcontext *sc = &uc->uc_mcontext;
	long nr = (long)sc->rax;

	switch (nr) {
	case __NR_rt_sigreturn:
	case __NR_clone:
	case __NR_clone3:
	case __NR_fork:
	case __NR_vfork:
		plog("reflect: native call %ld from foreign 64-bit code at %#lx cannot run from a handler",
		     nr, (unsigned long)sc->rip);
		sc->rax = (uint64_t)-ENOSYS;
		return;
	}
	sc->rax = (uint64_t)nsys6(nr, sc->rdi, sc->rsi, sc->rdx, sc->r10, sc->r8, sc->r9);
	sc->rcx = sc->rip;          /* as the syscall instruction leaves them */
	sc->r11 = sc->eflags;
}

static int in_probe_page(uint64_t rip)
{
	return probe_page && rip - probe_page < PAGE_SIZE;
}

void persona_reflect_sigsys(int sig, void *siv, void *ucv)
{
	struct ksiginfo *si = siv;
	struct kucontext *uc = ucv;

	if (si->si_code != KSYS_USER_DISPATCH && si->si_code != KSYS_SECCOMP) {
		persona_signal_forward(sig, si, uc);   /* a kill(SIGSYS): the program's */
		return;
	}
	if (in_probe_page(uc->uc_mcontext.rip)) {
		probe_seen = 1;
		uc->uc_mcontext.rax = 0;
		return;
	}
	if (si->u.sys.arch != AUDIT_ARCH_I386) {
		run_native(uc);
		return;
	}
	reflect_call(uc);
}

/* Was this #GP raised by `int $vector` through an IDT gate user code may
 * not use? The error code names the gate: the IDT bit set and, on real
 * CPUs, the vector in bits 3 and up (vector * 8 + 2); QEMU's emulated CPU
 * in long mode reports vector * 16 + 2 (its 16-byte gate's offset). The
 * callers also check the instruction or site at rip. */
static int gp_from_int(const struct sigcontext *sc, uint32_t vector)
{
	return sc->trapno == TRAP_GP && (sc->err == ((vector << 3) | 2) || sc->err == ((vector << 4) | 2));
}

int persona_reflect_fault(int sig, void *siv, void *ucv)
{
	struct ksiginfo *si = siv;
	struct kucontext *uc = ucv;
	struct sigcontext *sc = &uc->uc_mcontext;

	if (sig == KSIGSEGV && si->si_code == KSI_KERNEL && gp_from_int(sc, 0x80) && is_int80(sc->rip)) {
		sc->rip += INT80_LEN;          /* #GP leaves rip on the instruction */
		if (in_probe_page(sc->rip - INT80_LEN)) {
			probe_seen = 2;
			sc->rax = 0;
			return 1;
		}
		reflect_call(uc);
		return 1;
	}
	if (sig == KSIGSEGV && si->si_code == KSI_KERNEL && gp_from_int(sc, GUARD_VECTOR) &&
	    sc->rip < (1ull << 32) &&
	    persona_patch_state((uint32_t)sc->rip) == PERSONA_SITE_GUARDED) {
		sc->rip += INT80_LEN;
		reflect_call(uc);
		return 1;
	}
	return 0;   /* not ours: the fault handler forwards it to the program */
}

static long set_handler(int sig, void (*fn)(int, void *, void *), uint64_t mask, struct ksigaction *old)
{
	struct ksigaction sa = {
		.handler = (uint64_t)(uintptr_t)fn,
		.flags = KSA_SIGINFO | KSA_ONSTACK | KSA_RESTORER,
		.restorer = (uint64_t)(uintptr_t)persona_sigreturn_restorer,
		.mask = mask,
	};
	return nsys4(__NR_rt_sigaction, sig, &sa, old, KSIGSET_SIZE);
}

/* The image's handlers run on a sigaltstack: the kernel's x86-64 frame is
 * over 3 KB, and the foreign stack is the program's. */
static long ensure_altstack(void)
{
	struct { uint64_t sp; int32_t flags; int32_t pad; uint64_t size; } ss;
	long r = nsys2(__NR_sigaltstack, 0, &ss);
	long p;

	if (r < 0)
		return r;
	if (!(ss.flags & KSS_DISABLE))
		return 0;
	p = nsys6(__NR_mmap, 0, PERSONA_ALTSTACK_SIZE, KPROT_READ | KPROT_WRITE,
		  KMAP_PRIVATE | KMAP_ANONYMOUS, -1, 0);
	if (sysmsg_failed(p))
		return p;
	ss.sp = (uint64_t)p;
	ss.flags = 0;
	ss.size = PERSONA_ALTSTACK_SIZE;
	return nsys2(__NR_sigaltstack, &ss, 0);
}

static long sud_arm(uint64_t start, uint64_t len)
{
	return nsys5(__NR_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, start, len,
		     (uintptr_t)&persona_sud_selector);
}

static long sud_disarm(void)
{
	return nsys5(__NR_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0);
}

static void probe_segv(int sig, void *si, void *uc)
{
	if (!persona_reflect_fault(sig, si, uc)) {
		/* not the probe: let the fault kill as it would have */
		struct ksigaction dfl = { .handler = KSIG_DFL };
		nsys4(__NR_rt_sigaction, KSIGSEGV, &dfl, 0, KSIGSET_SIZE);
	}
}

/* Runs one i386 getpid by int $0x80 from a page outside the image with SUD
 * armed: a kernel with an ia32 gate dispatches it (SIGSYS) before the gate
 * runs; one without faults (#GP). Either way the gate never runs it. */
int persona_ia32_gate_present(void)
{
	static const uint8_t probe_code[] = { 0xcd, 0x80, 0xc3 };   /* int $0x80; ret */
	struct ksigaction old_segv;
	uint8_t old_selector = persona_sud_selector;
	long p;

	if (ia32_gate >= 0)
		return ia32_gate;
	p = nsys6(__NR_mmap, 0, PAGE_SIZE, KPROT_READ | KPROT_WRITE, KMAP_PRIVATE | KMAP_ANONYMOUS, -1, 0);
	if (sysmsg_failed(p))
		return 1;       /* assume the worse case: arm */
	memcpy((void *)p, probe_code, sizeof(probe_code));
	nsys3(__NR_mprotect, p, PAGE_SIZE, KPROT_READ | KPROT_EXEC);
	set_handler(KSIGSEGV, probe_segv, 0, &old_segv);
	probe_page = (uint64_t)p;
	probe_seen = 0;
	if (mode_armed != REFLECT_SUD && sud_arm(region_start, region_len) < 0) {
		ia32_gate = 1;      /* no SUD to probe with; the caller fails to arm too */
	} else {
		persona_sud_selector = SYSCALL_DISPATCH_FILTER_BLOCK;
		reflect_probe_call((uint64_t)p, I386_NR_getpid);
		persona_sud_selector = old_selector;
		if (mode_armed != REFLECT_SUD)
			sud_disarm();
		ia32_gate = probe_seen != 2;
	}
	probe_page = 0;
	nsys4(__NR_rt_sigaction, KSIGSEGV, &old_segv, 0, KSIGSET_SIZE);
	nsys2(__NR_munmap, p, PAGE_SIZE);
	return ia32_gate;
}

/* SECCOMP_RET_TRAP for i386-ABI calls from outside the image; native calls
 * pass. With the image above 4 GiB (a test) every i386 call traps. */
static long seccomp_arm(uint64_t start, uint64_t len)
{
	uint64_t end = start + len;
	uint32_t lo = (uint32_t)start, hi = (uint32_t)end;
	struct sock_filter trap_i386[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, hi, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(trap_i386), .filter = trap_i386 };
	long r;

	if (end > (1ull << 32) || end <= start) {
		/* no i386 call comes from the image: trap them all */
		trap_i386[3] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP);
		prog.len = 4;
	}
	r = nsys3(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
	if (r == -EACCES) {
		/* without CAP_SYS_ADMIN a filter needs no_new_privs */
		nsys5(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		r = nsys3(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
	}
	return r;
}

long persona_reflect_start(uint64_t start, uint64_t len, uint32_t mode)
{
	long r;

	region_start = start;
	region_len = len;
	r = ensure_altstack();
	if (r < 0)
		return r;
	/* no sa_mask: a signal must still interrupt a blocking reflected call */
	r = set_handler(KSIGSYS, persona_sigsys_entry, 0, 0);
	if (r < 0)
		return r;
	if (mode == REFLECT_NONE || mode == REFLECT_SEGV) {
		mode_armed = mode;
		return mode;
	}
	if (!persona_ia32_gate_present()) {
		mode_armed = REFLECT_SEGV;
		return REFLECT_SEGV;
	}
	if (mode == mode_armed)
		return mode;      /* armed already: the handler was put back */
	if (mode == REFLECT_SECCOMP)
		r = seccomp_arm(start, len);
	else
		r = sud_arm(start, len);
	if (r < 0) {
		pout("reflect: cannot arm %s: error %ld", mode == REFLECT_SECCOMP ? "seccomp" : "syscall user dispatch", -r);
		return r;
	}
	mode_armed = mode;
	return mode;
}

/* The end of start-up under --reflect=startup (see reflect.h): first every
 * site that can be rewritten is, then the guard goes, in this thread only
 * (a thread made before this point keeps its SUD: safe, only slower). */
void persona_reflect_startup_over(void)
{
	persona_reflect_startup_pending = 0;
	if (mode_armed != REFLECT_SUD)
		return;
	persona_patch_ahead_all();
	persona_reflect_stop();
	startup_ended = 1;
}

int persona_reflect_startup_ended(void)
{
	return startup_ended;
}

void persona_reflect_stop(void)
{
	if (mode_armed == REFLECT_SUD) {
		sud_disarm();
		mode_armed = REFLECT_NONE;
	}
}

uint32_t persona_reflect_mode(void)
{
	return mode_armed;
}

void persona_reflect_child(void)
{
	if (mode_armed == REFLECT_SUD)
		sud_arm(region_start, region_len);
}

/* The image's init calls this once its own handlers are in place. */
long persona_reflect_init(const struct persona_init_args *a)
{
	const struct persona_image_header *h = (const void *)(uintptr_t)PERSONA_IMAGE_BASE;
	uint32_t mode = REFLECT_SUD, form;
	long r;

	/* x86-64 programs make native calls of their own: SUD would trap
	 * every one of them, the filter only their i386-ABI ones; with
	 * --reflect=startup none at all (their sites are rewritten below) */
	if (a->seccomp || a->mode == PERSONA_MODE_X86_64)
		mode = REFLECT_SECCOMP;
	if (a->mode == PERSONA_MODE_X86_64 && persona_opts.reflect_startup)
		mode = REFLECT_NONE;
	persona_signal_init();
	r = persona_reflect_start(h->base, h->end - h->base, mode);
	if (r < 0)
		return r;
	/* trampolines go right above the image, where no i386 mapping goes */
	persona_patch_pool_hint = (uint32_t)((h->end + 0xfff) & ~0xfffull);
	form = a->no_patch == 1 ? PATCH_OFF : a->no_patch == 2 ? PATCH_PAGE0 : PATCH_MOV;
	persona_opts.no_patch = form == PATCH_OFF;
	r = persona_patch_init(form, PERSONA_GATE32_PATCHED);
	if (r < 0)
		return r;
	/* nothing to disarm where SUD is not armed (seccomp, no ia32 gate) */
	persona_reflect_startup_pending = persona_opts.reflect_startup && mode_armed == REFLECT_SUD &&
					  form == PATCH_MOV;
	if (a->mode == PERSONA_MODE_X86_64 && persona_opts.reflect_startup && form == PATCH_MOV) {
		persona_patch_ahead64_all();
		startup_ended = 1;
	}
	persona_sud_selector = SYSCALL_DISPATCH_FILTER_BLOCK;
	return 0;
}
