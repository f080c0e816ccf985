/* personality/c/rt/fault.c — the image's SIGSEGV/SIGBUS handler.
 *
 * Three kinds of fault come here, on the image's own sigaltstack:
 *  1. a uaccess routine touching a bad foreign pointer: resume at its fix-up
 *     (persona_fault_fixup), which returns -EFAULT;
 *  2. the i386 program loading glibc's TLS selector: glibc loads
 *     (entry << 3) | 3, a GDT selector, but on x86-64 the TLS descriptor is an
 *     LDT entry (xl_set_thread_area), so the load faults once; the handler
 *     loads the LDT selector of the same slot instead and skips the
 *     instruction (the kernel's 64-bit sigreturn leaves %fs/%gs as the
 *     handler set them);
 *  3. anything else: reflection first (int $0x80 on a kernel without an ia32
 *     gate: persona_reflect_fault), then the program's own handler
 *     (persona_signal_forward); failing both, the native default action.
 */
#include "core/persona.h"
#include "core/stubs.h"
#include "rt/image.h"
#include "rt/thread.h"
#include "signal/ksig.h"
#include "reflect/reflect.h"


static uint8_t altstack[PERSONA_ALTSTACK_SIZE] __attribute__((aligned(64)));

static __u64 *gpr(struct sigcontext *sc, unsigned n)
{
	/* in ModRM order: ax, cx, dx, bx, sp, bp, si, di, r8..r15 */
	switch (n) {
	case 0: return &sc->rax;
	case 1: return &sc->rcx;
	case 2: return &sc->rdx;
	case 3: return &sc->rbx;
	case 4: return &sc->rsp;
	case 5: return &sc->rbp;
	case 6: return &sc->rsi;
	case 7: return &sc->rdi;
	case 8: return &sc->r8;
	case 9: return &sc->r9;
	case 10: return &sc->r10;
	case 11: return &sc->r11;
	case 12: return &sc->r12;
	case 13: return &sc->r13;
	case 14: return &sc->r14;
	default: return &sc->r15;
	}
}

/* Decodes the segment load at the faulting rip: `mov Sreg, r/m16` (8e /r)
 * in 32- or 64-bit code, or `pop %fs/%gs` in 32-bit code. Returns the
 * instruction's length and sets *sreg (4 = fs, 5 = gs) and *value, or 0
 * when it is anything else. */
static unsigned decode_seg_load(struct sigcontext *sc, int bits64, unsigned *sreg, uint16_t *value)
{
	uint8_t insn[16];
	unsigned i = 0, rex = 0;
	uint64_t rip = sc->rip;

	/* the instruction lies in foreign memory (32-bit code) or in the image */
	if (bits64) {
		if (rip < PERSONA_IMAGE_BASE || rip + sizeof(insn) > PERSONA_IMAGE_LIMIT)
			return 0;
		memcpy(insn, (const void *)(uintptr_t)rip, sizeof(insn));
	} else if (copy_from_user(insn, (uint32_t)rip, sizeof(insn)) < 0) {
		return 0;
	}
	while (i < 4 && (insn[i] == 0x66 || insn[i] == 0x26 || insn[i] == 0x2e ||
			 insn[i] == 0x36 || insn[i] == 0x3e))
		i++;
	if (bits64 && (insn[i] & 0xf0) == 0x40)
		rex = insn[i++];
	if (!bits64 && insn[i] == 0x0f && (insn[i + 1] == 0xa1 || insn[i + 1] == 0xa9)) {
		uint16_t v;
		if (copy_from_user(&v, (uint32_t)sc->rsp, sizeof(v)) < 0)
			return 0;
		*sreg = insn[i + 1] == 0xa1 ? 4 : 5;
		*value = v;
		sc->rsp = (uint32_t)(sc->rsp + 4);   /* the pop completes */
		return i + 2;
	}
	if (insn[i] != 0x8e)
		return 0;
	uint8_t modrm = insn[i + 1];
	unsigned mod = modrm >> 6, rm = (modrm & 7) | ((rex & 1) << 3);
	*sreg = (modrm >> 3) & 7;
	i += 2;
	if (mod == 3) {
		*value = (uint16_t)*gpr(sc, rm);
		return i;
	}
	/* a memory operand: compute its address */
	uint64_t ea = 0;
	if ((modrm & 7) == 4) {                 /* SIB */
		uint8_t sib = insn[i++];
		unsigned base = (sib & 7) | ((rex & 1) << 3);
		unsigned index = ((sib >> 3) & 7) | ((rex & 2) << 2);
		if (index != 4)
			ea += *gpr(sc, index) << (sib >> 6);
		if ((sib & 7) == 5 && mod == 0) {
			ea += (uint64_t)(int64_t)(int32_t)(insn[i] | insn[i + 1] << 8 | insn[i + 2] << 16 | (uint32_t)insn[i + 3] << 24);
			i += 4;
		} else {
			ea += *gpr(sc, base);
		}
	} else if ((modrm & 7) == 5 && mod == 0) {
		ea = (uint64_t)(int64_t)(int32_t)(insn[i] | insn[i + 1] << 8 | insn[i + 2] << 16 | (uint32_t)insn[i + 3] << 24);
		i += 4;
		if (bits64)
			ea += rip + i;          /* rip-relative: from the next instruction */
	} else {
		ea = *gpr(sc, rm);
	}
	if (mod == 1) {
		ea += (uint64_t)(int64_t)(int8_t)insn[i];
		i += 1;
	} else if (mod == 2) {
		ea += (uint64_t)(int64_t)(int32_t)(insn[i] | insn[i + 1] << 8 | insn[i + 2] << 16 | (uint32_t)insn[i + 3] << 24);
		i += 4;
	}
	if (!bits64)
		ea = (uint32_t)ea;
	if (bits64 && ea >= 0x100000000ull) {
		memcpy(value, (const void *)(uintptr_t)ea, sizeof(*value));
		return i;
	}
	if (copy_from_user(value, (uint32_t)ea, sizeof(*value)) < 0)
		return 0;
	return i;
}

/* The TLS fix-up: a GDT TLS selector (entry << 3 | 3) is loaded as the LDT
 * selector that stands in for that entry instead. */
static int tls_fixup(struct sigcontext *sc)
{
	unsigned sreg, len;
	uint16_t sel;
	int bits64 = sc->cs == PERSONA_USER64_CS;

	if (sc->cs != persona_user32_cs && !bits64)
		return 0;
	len = decode_seg_load(sc, bits64, &sreg, &sel);
	if (!len || (sreg != 4 && sreg != 5))
		return 0;
	sel = persona_tls_ldt_selector(sel);
	if (!sel)
		return 0;
	if (sreg == 4)
		persona_load_fs(sel);
	else
		persona_load_gs(sel);
	sc->rip += len;
	if (!bits64)
		sc->rip = (uint32_t)sc->rip;
	return 1;
}

static void set_default(int sig)
{
	struct ksigaction sa = { .handler = KSIG_DFL };

	nsys4(__NR_rt_sigaction, sig, &sa, 0, KSIGSET_SIZE);
}

void persona_fault_handler(int sig, void *siv, void *ucv)
{
	struct ksiginfo *si = siv;
	struct kucontext *uc = ucv;
	struct sigcontext *sc = &uc->uc_mcontext;
	int from_kernel = si->si_code > 0;

	if (from_kernel && sc->cs == PERSONA_USER64_CS) {
		uint64_t fix = persona_fault_fixup(sc->rip);
		if (fix) {
			sc->rip = fix;
			return;
		}
	}
	if (from_kernel && sig == KSIGSEGV && tls_fixup(sc))
		return;
	if (persona_reflect_fault(sig, si, uc))
		return;
	if (sc->cs == PERSONA_USER64_CS && sc->rip >= PERSONA_IMAGE_BASE && sc->rip < PERSONA_IMAGE_LIMIT) {
		/* a bug of the personality itself: say where, then die of it */
		pout("fault in the personality: signal %d at rip %p, address %p",
		     sig, (void *)sc->rip, (void *)si->u.fault.addr);
	} else if (persona_signal_forward(sig, si, uc)) {
		return;
	}
	/* The native default action: re-executing the instruction faults again
	 * with the default action in place; a signal sent by kill() is sent
	 * again (it is blocked until this handler returns). */
	set_default(sig);
	if (!from_kernel)
		nsys3(__NR_tgkill, nsys0(__NR_getpid), nsys0(__NR_gettid), sig);
}

long persona_fault_init(void)
{
	struct {
		uint64_t ss_sp;
		int32_t  ss_flags;
		int32_t  pad;
		uint64_t ss_size;
	} ss = { .ss_sp = (uint64_t)(uintptr_t)altstack, .ss_size = sizeof(altstack) };
	struct ksigaction sa = {
		.handler = (uint64_t)(uintptr_t)persona_fault_entry,
		.flags = KSA_SIGINFO | KSA_ONSTACK | KSA_RESTORER,
		.restorer = (uint64_t)(uintptr_t)persona_sigreturn_restorer,
	};
	long r;

	/* signal frames exceed 3 KiB on AVX-512 machines: never on the i386 stack */
	r = nsys2(__NR_sigaltstack, &ss, 0);
	if (r < 0)
		return r;
	r = nsys4(__NR_rt_sigaction, KSIGSEGV, &sa, 0, KSIGSET_SIZE);
	if (r < 0)
		return r;
	return nsys4(__NR_rt_sigaction, KSIGBUS, &sa, 0, KSIGSET_SIZE);
}
