/* personality/c/signal/frame.c — the i386 signal frame: built on the
 * program's stack as the i386 kernel builds it, and taken apart again by
 * sigreturn/rt_sigreturn.
 *
 * Frame (rt, SA_SIGINFO), from the handler's esp up: return address (the
 * restorer), signo, &info, &uc, the i386 siginfo, the i386 ucontext (the
 * interrupted registers in sigcontext_32 layout), retcode; the FPU state
 * (struct _fpstate_32 with an fxsave image at byte 112) lies above it,
 * 64-byte aligned. Without SA_SIGINFO the older sigframe is used: signo,
 * sigcontext_32, then the high half of the mask. The handler is entered as
 * the i386 kernel enters it: eax = signo, edx = &info, ecx = &uc (0 and 0
 * for the old frame), cs 0x23, ds = es = ss = 0x2b, DF, TF and RF clear,
 * and a fresh FPU state.
 */
#include "core/persona.h"
#include "core/state.h"
#include "core/stubs.h"
#include "signal/ksig.h"

#define FX_FCW       0
#define FX_FSW       2
#define FX_FTW       4
#define FX_FIP       8
#define FX_FCS       12
#define FX_FDP       16
#define FX_FDS       20
#define FX_MXCSR     24
#define FX_MXCSR_MASK 28
#define FX_ST        32
#define XSTATE_BV_OFFSET 512
#define XFEATURE_FP_SSE  3ull
#define SW_RESERVED_OFFSET 464
#define MXCSR_DEFAULT 0x1f80u
#define FCW_DEFAULT   0x037fu

/* ---- siginfo: x86-64 <-> i386 ---------------------------------------- */

enum layout { SIL_KILL, SIL_TIMER, SIL_POLL, SIL_FAULT, SIL_CHLD, SIL_RT, SIL_SYS };

/* the kernel's siginfo_layout(): which union member a siginfo carries */
static enum layout siginfo_layout(int sig, int code)
{
	if (code > KSI_USER && code < KSI_KERNEL) {
		switch (sig) {
		case KSIGILL: case KSIGFPE: case KSIGSEGV: case KSIGBUS: case KSIGTRAP:
			return SIL_FAULT;
		case KSIGCHLD:
			return SIL_CHLD;
		case KSIGPOLL:
			return SIL_POLL;
		case KSIGSYS:
			return SIL_SYS;
		default:
			return code <= 6 ? SIL_POLL : SIL_KILL;
		}
	}
	if (code == KSI_TIMER)
		return SIL_TIMER;
	if (code == KSI_SIGIO)
		return SIL_POLL;
	return code < 0 ? SIL_RT : SIL_KILL;
}

void siginfo_to_i386(struct i386_siginfo *to, const struct ksiginfo *from)
{
	memset(to, 0, sizeof(*to));
	to->si_signo = from->si_signo;
	to->si_errno = from->si_errno;
	to->si_code = from->si_code;
	switch (siginfo_layout(from->si_signo, from->si_code)) {
	case SIL_KILL:
		to->u.kill.pid = from->u.kill.pid;
		to->u.kill.uid = from->u.kill.uid;
		break;
	case SIL_TIMER:   /* tid, overrun, value: the same three words */
	case SIL_RT:
		to->u.kill.pid = from->u.kill.pid;
		to->u.kill.uid = from->u.kill.uid;
		to->u.kill.value = (int32_t)from->u.kill.value;
		break;
	case SIL_CHLD:
		to->u.chld.pid = from->u.chld.pid;
		to->u.chld.uid = from->u.chld.uid;
		to->u.chld.status = from->u.chld.status;
		to->u.chld.utime = (int32_t)from->u.chld.utime;
		to->u.chld.stime = (int32_t)from->u.chld.stime;
		break;
	case SIL_FAULT:   /* addr, then lsb / bounds / pkey, each narrowed */
		to->u.fault.addr = (uint32_t)from->u.fault.addr;
		to->u.fault.lsb_etc[0] = (uint32_t)from->u.fault.lsb_etc[0];
		to->u.fault.lsb_etc[1] = (uint32_t)from->u.fault.lsb_etc[1];
		to->u.fault.lsb_etc[2] = (uint32_t)from->u.fault.lsb_etc[2];
		break;
	case SIL_POLL:
		to->u.poll.band = (int32_t)from->u.poll.band;
		to->u.poll.fd = from->u.poll.fd;
		break;
	case SIL_SYS:
		to->u.sys.call_addr = (uint32_t)from->u.sys.call_addr;
		to->u.sys.syscall = from->u.sys.syscall;
		to->u.sys.arch = from->u.sys.arch;
		break;
	}
}

void siginfo_from_i386(struct ksiginfo *to, const struct i386_siginfo *from)
{
	memset(to, 0, sizeof(*to));
	to->si_signo = from->si_signo;
	to->si_errno = from->si_errno;
	to->si_code = from->si_code;
	switch (siginfo_layout(from->si_signo, from->si_code)) {
	case SIL_KILL:
		to->u.kill.pid = from->u.kill.pid;
		to->u.kill.uid = from->u.kill.uid;
		break;
	case SIL_TIMER:
	case SIL_RT:
		to->u.kill.pid = from->u.kill.pid;
		to->u.kill.uid = from->u.kill.uid;
		to->u.kill.value = (uint32_t)from->u.kill.value;   /* the int, low half */
		break;
	case SIL_CHLD:
		to->u.chld.pid = from->u.chld.pid;
		to->u.chld.uid = from->u.chld.uid;
		to->u.chld.status = from->u.chld.status;
		to->u.chld.utime = from->u.chld.utime;
		to->u.chld.stime = from->u.chld.stime;
		break;
	case SIL_FAULT:
		to->u.fault.addr = from->u.fault.addr;
		to->u.fault.lsb_etc[0] = from->u.fault.lsb_etc[0];
		to->u.fault.lsb_etc[1] = from->u.fault.lsb_etc[1];
		to->u.fault.lsb_etc[2] = from->u.fault.lsb_etc[2];
		break;
	case SIL_POLL:
		to->u.poll.band = from->u.poll.band;
		to->u.poll.fd = from->u.poll.fd;
		break;
	case SIL_SYS:
		to->u.sys.call_addr = from->u.sys.call_addr;
		to->u.sys.syscall = from->u.sys.syscall;
		to->u.sys.arch = from->u.sys.arch;
		break;
	}
}

/* ---- FPU state --------------------------------------------------------- */

/* The interrupted code's x87/SSE state as an fxsave image: from the native
 * signal frame when there is one (the kernel restores it from there), else
 * live (the image's C never touches vector or x87 registers). */
static void *uc_fxsave(void *ucv)
{
	struct kucontext *uc = ucv;
	return uc ? (void *)uc->uc_mcontext.fpstate : NULL;
}

static void fpu_save(uint8_t fx[FXSAVE_SIZE], void *uc)
{
	uint8_t *src = uc_fxsave(uc);

	if (src) {
		memcpy(fx, src, FXSAVE_SIZE);
	} else {
		uint8_t buf[FXSAVE_SIZE + 16];
		uint8_t *a = (uint8_t *)(((uintptr_t)buf + 15) & ~(uintptr_t)15);
		__asm__ volatile("fxsave (%0)" : : "r"(a) : "memory");
		memcpy(fx, a, FXSAVE_SIZE);
	}
}

/* Makes fx the state rt_sigreturn (uc) or the gate's return (no uc) leaves. */
static void fpu_load(const uint8_t fx[FXSAVE_SIZE], void *uc)
{
	uint8_t *dst = uc_fxsave(uc);
	uint32_t mask, mxcsr;

	if (dst) {
		memcpy(&mask, dst + FX_MXCSR_MASK, 4);
		memcpy(dst, fx, FX_MXCSR_MASK);          /* keep the CPU's mxcsr_mask */
		memcpy(dst + FX_ST, fx + FX_ST, SW_RESERVED_OFFSET - FX_ST);
		memcpy(&mxcsr, dst + FX_MXCSR, 4);
		mxcsr &= mask ? mask : 0xffbf;           /* reserved bits would fail sigreturn */
		memcpy(dst + FX_MXCSR, &mxcsr, 4);
		uint32_t magic;
		memcpy(&magic, dst + SW_RESERVED_OFFSET, 4);
		if (magic == FP_XSTATE_MAGIC1) {
			/* the legacy area counts only if its xstate_bv bits are set */
			uint64_t bv;
			memcpy(&bv, dst + XSTATE_BV_OFFSET, 8);
			bv |= XFEATURE_FP_SSE;
			memcpy(dst + XSTATE_BV_OFFSET, &bv, 8);
		}
		return;
	}
	uint8_t buf[FXSAVE_SIZE + 16];
	uint8_t *a = (uint8_t *)(((uintptr_t)buf + 15) & ~(uintptr_t)15);
	__asm__ volatile("fxsave (%0)" : : "r"(a) : "memory");
	memcpy(&mask, a + FX_MXCSR_MASK, 4);
	memcpy(a, fx, FX_MXCSR_MASK);
	memcpy(a + FX_ST, fx + FX_ST, SW_RESERVED_OFFSET - FX_ST);
	memcpy(&mxcsr, a + FX_MXCSR, 4);
	mxcsr &= mask ? mask : 0xffbf;
	memcpy(a + FX_MXCSR, &mxcsr, 4);
	__asm__ volatile("fxrstor (%0)" : : "r"(a) : "memory");
}

/* A handler starts with the FPU in its initial state, as from the kernel. */
static void fpu_reset(void *uc)
{
	uint8_t fx[FXSAVE_SIZE];
	uint16_t fcw = FCW_DEFAULT;
	uint32_t mxcsr = MXCSR_DEFAULT;

	memset(fx, 0, sizeof(fx));
	memcpy(fx + FX_FCW, &fcw, 2);
	memcpy(fx + FX_MXCSR, &mxcsr, 4);
	fpu_load(fx, uc);
}

/* struct _fpstate_32 from an fxsave image: the legacy header the i386
 * kernel fills (convert_from_fxsr), then the image itself at byte 112. */
static void fpstate32_fill(struct _fpstate_32 *fp, const uint8_t fx[FXSAVE_SIZE])
{
	uint16_t fcw, fsw, fcs, fds;
	uint8_t ftw;

	memset(fp, 0, sizeof(*fp));
	memcpy(&fcw, fx + FX_FCW, 2);
	memcpy(&fsw, fx + FX_FSW, 2);
	ftw = fx[FX_FTW];
	memcpy(&fcs, fx + FX_FCS, 2);
	memcpy(&fds, fx + FX_FDS, 2);
	fp->cw = 0xffff0000u | fcw;
	fp->sw = 0xffff0000u | fsw;
	fp->tag = 0xffff0000u;
	for (int i = 0; i < 8; i++)   /* abridged tag: 1 = in use; full tag: 11 = empty */
		fp->tag |= (ftw & (1u << i)) ? 0 : 3u << (2 * i);
	memcpy(&fp->ipoff, fx + FX_FIP, 4);
	fp->cssel = fcs;
	memcpy(&fp->dataoff, fx + FX_FDP, 4);
	fp->datasel = fds;
	for (int i = 0; i < 8; i++)
		memcpy(&fp->_st[i], fx + FX_ST + 16 * i, 10);
	fp->status = fsw;
	fp->magic = 0;   /* X86_FXSR_MAGIC: the fxsave image follows */
	memcpy((uint8_t *)fp + I386_FXSR_OFFSET, fx, FXSAVE_SIZE);
}

/* ---- building the frame ---------------------------------------------- */

/* The vDSO's sigreturn trampolines (a handler without SA_RESTORER returns
 * there, as on the i386 kernel); absent in test programs, where the frame's
 * own retcode serves. */
/* (persona_vdso_sigreturn, persona_vdso_rt_sigreturn: rt/image.h) */

static int on_altstack(uint32_t sp)
{
	return !(sig_altstack.ss_flags & KSS_DISABLE) && sp - sig_altstack.ss_sp < sig_altstack.ss_size;
}

static void save_altstack(struct i386_stack *to, uint32_t sp)
{
	to->ss_sp = sig_altstack.ss_sp;
	to->ss_size = sig_altstack.ss_size;
	to->ss_flags = on_altstack(sp) ? KSS_ONSTACK : sig_altstack.ss_flags;
	if (sig_altstack.ss_flags & KSS_AUTODISARM) {
		sig_altstack.ss_sp = 0;
		sig_altstack.ss_size = 0;
		sig_altstack.ss_flags = KSS_DISABLE;
	}
}

static void sigcontext_fill(struct sigcontext_32 *sc, const struct i386_frame *f,
			    const struct sig_fault *fault, uint32_t fp, uint64_t mask)
{
	memset(sc, 0, sizeof(*sc));
	sc->gs = f->gs;
	sc->fs = f->fs;
	sc->es = f->es;
	sc->ds = f->ds;
	sc->di = f->edi;
	sc->si = f->esi;
	sc->bp = f->ebp;
	sc->sp = f->esp;
	sc->bx = f->ebx;
	sc->dx = f->edx;
	sc->cx = f->ecx;
	sc->ax = f->eax;
	if (fault) {
		sc->trapno = fault->trapno;
		sc->err = fault->err;
		sc->cr2 = fault->cr2;
	}
	sc->ip = f->eip;
	sc->cs = f->cs;
	sc->flags = f->eflags;
	sc->sp_at_signal = f->esp;
	sc->ss = f->ss;
	sc->fpstate = (uint32_t)fp;
	sc->oldmask = (uint32_t)mask;
}

int sigframe_setup(struct i386_frame *f, int sig, const struct ksiginfo *info,
		   const struct sig_fault *fault, const struct i386_act *act,
		   uint64_t saved_mask, void *uc)
{
	static const uint8_t rt_retcode[8] = { 0xb8, 0xad, 0, 0, 0, 0xcd, 0x80, 0 };    /* mov $173,%eax; int $0x80 */
	static const uint8_t retcode[8] = { 0x58, 0xb8, 0x77, 0, 0, 0, 0xcd, 0x80 };   /* pop %eax; mov $119,%eax; int $0x80 */
	uint8_t fx[FXSAVE_SIZE];
	struct _fpstate_32 fp32;
	uint32_t sp = f->esp, fp, frame;

	if ((act->flags & KSA_ONSTACK) && !(sig_altstack.ss_flags & KSS_DISABLE) && !on_altstack(sp))
		sp = sig_altstack.ss_sp + sig_altstack.ss_size;
	fpu_save(fx, uc);
	fpstate32_fill(&fp32, fx);
	fp = (sp - sizeof(fp32)) & ~63u;
	if (copy_to_user(fp, &fp32, sizeof(fp32)) < 0)
		return -EFAULT;

	if (act->flags & KSA_SIGINFO) {
		struct i386_rt_sigframe fr;

		memset(&fr, 0, sizeof(fr));
		frame = ((fp - sizeof(fr) + 4) & ~15u) - 4;   /* (esp + 4) % 16 == 0 at entry */
		fr.sig = sig;
		fr.pinfo = frame + offsetof(struct i386_rt_sigframe, info);
		fr.puc = frame + offsetof(struct i386_rt_sigframe, uc);
		siginfo_to_i386(&fr.info, info);
		save_altstack(&fr.uc.uc_stack, f->esp);
		sigcontext_fill(&fr.uc.uc_mcontext, f, fault, fp, saved_mask);
		fr.uc.uc_sigmask[0] = (uint32_t)saved_mask;
		fr.uc.uc_sigmask[1] = (uint32_t)(saved_mask >> 32);
		memcpy(fr.retcode, rt_retcode, sizeof(rt_retcode));
		fr.pretcode = (act->flags & KSA_RESTORER) ? act->restorer
			      : persona_vdso_rt_sigreturn ? (uint32_t)(uintptr_t)persona_vdso_rt_sigreturn
			      : frame + offsetof(struct i386_rt_sigframe, retcode);
		if (copy_to_user(frame, &fr, sizeof(fr)) < 0)
			return -EFAULT;
		f->edx = fr.pinfo;
		f->ecx = fr.puc;
	} else {
		struct i386_sigframe fr;

		memset(&fr, 0, sizeof(fr));
		frame = ((fp - sizeof(fr) + 4) & ~15u) - 4;
		fr.sig = sig;
		sigcontext_fill(&fr.sc, f, fault, fp, saved_mask);
		fr.extramask[0] = (uint32_t)(saved_mask >> 32);
		memcpy(fr.retcode, retcode, sizeof(retcode));
		fr.pretcode = (act->flags & KSA_RESTORER) ? act->restorer
			      : persona_vdso_sigreturn ? (uint32_t)(uintptr_t)persona_vdso_sigreturn
			      : frame + offsetof(struct i386_sigframe, retcode);
		if (copy_to_user(frame, &fr, sizeof(fr)) < 0)
			return -EFAULT;
		f->edx = 0;
		f->ecx = 0;
	}
	f->esp = frame;
	f->eip = act->handler;
	f->eax = (uint32_t)sig;
	f->cs = persona_user32_cs;
	f->ss = PERSONA_USER_DS;
	f->ds = PERSONA_USER_DS;
	f->es = PERSONA_USER_DS;
	f->eflags &= ~(EFLAGS_DF | EFLAGS_TF | EFLAGS_RF);
	fpu_reset(uc);
	return 0;
}

/* ---- sigreturn --------------------------------------------------------- */

static long restore_sigcontext(struct i386_frame *f, const struct sigcontext_32 *sc)
{
	uint8_t fx[FXSAVE_SIZE];

	f->gs = sc->gs;
	f->fs = sc->fs;
	f->es = sc->es | 3;
	f->ds = sc->ds | 3;
	f->edi = sc->di;
	f->esi = sc->si;
	f->ebp = sc->bp;
	f->esp = sc->sp;
	f->ebx = sc->bx;
	f->edx = sc->dx;
	f->ecx = sc->cx;
	f->eip = sc->ip;
	/* a 32-bit code selector: the kernel's, or one of the process's LDT */
	f->cs = (sc->cs & 4) ? (sc->cs | 3) : persona_user32_cs;
	f->ss = (sc->ss & 4) ? (sc->ss | 3) : PERSONA_USER_DS;
	f->eflags = (f->eflags & ~EFLAGS_FIX) | (sc->flags & EFLAGS_FIX);
	if (sc->fpstate && copy_from_user(fx, sc->fpstate + I386_FXSR_OFFSET, FXSAVE_SIZE) == 0)
		fpu_load(fx, persona_reflect_uc);
	return (int32_t)sc->ax;
}

/* The frame the handler returned from sits where its restorer left esp:
 * the handler's ret popped pretcode (4 bytes), the old restorer also popped
 * signo (8 bytes). Any bad frame is the kernel's SIGSEGV. */
static long bad_frame(const char *what)
{
	plog("%s: bad signal frame; SIGSEGV", what);
	sig_force_segv();
	return -EFAULT;
}

XL(rt_sigreturn)
{
	struct i386_rt_sigframe fr;
	uint32_t at = f->esp - 4;
	uint64_t mask;
	long eax;

	if (copy_from_user(&fr, at, sizeof(fr)) < 0)
		return bad_frame("rt_sigreturn");
	mask = fr.uc.uc_sigmask[0] | (uint64_t)fr.uc.uc_sigmask[1] << 32;
	sigmask_set_program(mask);
	eax = restore_sigcontext(f, &fr.uc.uc_mcontext);
	sig_restore_altstack(&fr.uc.uc_stack, f->esp);
	return eax;
}

XL(sigreturn)
{
	struct i386_sigframe fr;
	uint32_t at = f->esp - 8;
	uint64_t mask;

	if (copy_from_user(&fr, at, sizeof(fr)) < 0)
		return bad_frame("sigreturn");
	mask = fr.sc.oldmask | (uint64_t)fr.extramask[0] << 32;
	sigmask_set_program(mask);
	return restore_sigcontext(f, &fr.sc);
}
