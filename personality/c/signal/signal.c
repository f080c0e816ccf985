/* personality/c/signal/signal.c — i386 signal calls and signal delivery.
 *
 * The program's handlers are i386 code, so the kernel cannot run them: for
 * every signal with an i386 handler the image installs persona_signal_entry
 * natively, with the program's SA_RESTART (so EINTR and restarts are the
 * kernel's own decision) and every asynchronous signal blocked while it runs.
 * SIG_DFL and SIG_IGN go to the kernel as they are, so default actions give
 * native exit statuses.
 *
 * Delivery: a signal that interrupts i386 code is delivered at once (the
 * native handler builds the i386 frame and rewrites its ucontext so that
 * rt_sigreturn lands in the i386 handler). One that interrupts the image's
 * own 64-bit code is deferred: remembered, blocked in the interrupted
 * context's mask, and delivered by persona_signal_exit() before i386 code
 * resumes (the gate's exit hook, or the end of a reflected call).
 *
 * SIGSEGV, SIGBUS and SIGSYS belong to the image natively (uaccess fix-ups,
 * reflection) and are never blocked in the native mask: the kernel kills a
 * thread whose forced signal is blocked. The program's view of those three
 * mask bits is kept here.
 *
 * A signal that arrives while a call blocks in the kernel is deferred, and
 * a restart the kernel would make (SA_RESTART) is made by the image instead,
 * after the handler (unrestart, restart_frame): the call must not block on
 * with the program's handler waiting, which would hang pthread_cancel.
 *
 * Signal state is per thread (struct persona_sigstate), actions per process.
 *
 * Known differences from the i386 kernel: a handler delivered after
 * sigsuspend runs with the suspend mask's bits as the kernel does, but
 * nested deliveries after it see the handler's mask; the fxsave image
 * covers x87 and SSE state, not AVX.
 * A signal that lands in the few instructions between the gate's exit hook
 * and its return to i386 code stays deferred until the next call returns
 * or the next signal arrives in i386 code (a restartable way out of the
 * gate would close that window).
 */
#include "core/persona.h"
#include "core/state.h"
#include "core/stubs.h"
#include "signal/ksig.h"

#define RESERVED     (SIGBIT(KSIGSEGV) | SIGBIT(KSIGBUS) | SIGBIT(KSIGSYS))
#define UNBLOCKABLE  (SIGBIT(KSIGKILL) | SIGBIT(KSIGSTOP))
#define SYNCHRONOUS  (SIGBIT(KSIGSEGV) | SIGBIT(KSIGBUS) | SIGBIT(KSIGILL) | SIGBIT(KSIGFPE) | \
		      SIGBIT(KSIGTRAP) | SIGBIT(KSIGSYS))
/* signals whose default action is to do nothing */
#define DEFAULT_IGNORED (SIGBIT(KSIGCHLD) | SIGBIT(23) /* SIGURG */ | SIGBIT(28) /* SIGWINCH */ | \
			 SIGBIT(18) /* SIGCONT */)

struct i386_act sig_acts[KSIG_MAX + 1];
struct persona_sigstate persona_main_sigstate = { .altstack = { .ss_flags = KSS_DISABLE } };

/* Nothing to deliver and no call to restart: the way out of every call.
 * (Before the names below, which stand for the same fields.) */
static inline int sigstate_idle(struct persona_sigstate *ss)
{
	if (ss->deferred || ss->restart_pending)
		return 0;
	ss->suspend_active = 0;
	return 1;
}

/* The calling thread's delivery state (struct persona_sigstate, ksig.h):
 * the kernel keeps pending signals and masks per thread, and so must the
 * image. */
#define deferred            (persona_sig_self()->deferred)
#define defer_blocked       (persona_sig_self()->defer_blocked)
#define emu_blocked         (persona_sig_self()->emu_blocked)
#define suspend_mask        (persona_sig_self()->suspend_mask)
#define suspend_active      (persona_sig_self()->suspend_active)
#define deferred_info       (persona_sig_self()->deferred_info)
#define deferred_fault      (persona_sig_self()->deferred_fault)
#define deferred_has_fault  (persona_sig_self()->deferred_has_fault)
#define last_fault          (persona_sig_self()->last_fault)
#define restart_pending     (persona_sig_self()->restart_pending)

/* ---- masks -------------------------------------------------------------- */

static uint64_t native_mask_get(void)
{
	uint64_t m = 0;

	if (persona_reflect_uc)
		return ((struct kucontext *)persona_reflect_uc)->uc_sigmask;
	nsys4(__NR_rt_sigprocmask, KSIG_BLOCK, 0, &m, KSIGSET_SIZE);
	return m;
}

static void native_mask_set(uint64_t m)
{
	m &= ~(RESERVED | UNBLOCKABLE);
	if (persona_reflect_uc)
		((struct kucontext *)persona_reflect_uc)->uc_sigmask = m;
	else
		nsys4(__NR_rt_sigprocmask, KSIG_SETMASK, &m, 0, KSIGSET_SIZE);
}

uint64_t sigmask_program(void)
{
	return (native_mask_get() & ~(defer_blocked | RESERVED)) | emu_blocked;
}

void sigmask_set_program(uint64_t m)
{
	m &= ~UNBLOCKABLE;
	emu_blocked = m & RESERVED;
	native_mask_set((m & ~RESERVED) | defer_blocked);
}

uint64_t sigmask_for_wait(uint64_t m, int *pending)
{
	m &= ~UNBLOCKABLE;
	*pending = (deferred & ~m) != 0;
	/* what arrives during the wait is delivered with m in force, as after
	 * sigsuspend (a signal blocked by the program's own mask can only have
	 * been taken because m let it through) */
	suspend_mask = m;
	suspend_active = 1;
	return (m & ~RESERVED) | defer_blocked;
}

/* ---- native actions ------------------------------------------------------ */

static void native_install(int sig)
{
	const struct i386_act *a = &sig_acts[sig];
	struct ksigaction sa = {
		.flags = KSA_RESTORER | (a->flags & (KSA_RESTART | KSA_NOCLDSTOP | KSA_NOCLDWAIT)),
		.restorer = (uint64_t)(uintptr_t)persona_sigreturn_restorer,
	};

	if (SIGBIT(sig) & RESERVED)
		return;         /* the image's own handler stays; it forwards */
	if (a->handler == KSIG_DFL || a->handler == KSIG_IGN) {
		sa.handler = a->handler;
	} else {
		sa.handler = (uint64_t)(uintptr_t)persona_signal_entry;
		sa.flags |= KSA_SIGINFO | KSA_ONSTACK;
		sa.mask = ~SYNCHRONOUS;
	}
	nsys4(__NR_rt_sigaction, sig, &sa, 0, KSIGSET_SIZE);
}

/* The default action, natively: SIG_DFL, unblocked, raised again. */
static void die_default(int sig)
{
	struct ksigaction dfl = { .handler = KSIG_DFL };
	uint64_t m = native_mask_get() & ~SIGBIT(sig);

	nsys4(__NR_rt_sigaction, sig, &dfl, 0, KSIGSET_SIZE);
	native_mask_set(m);
	if (!persona_reflect_uc)
		nsys4(__NR_rt_sigprocmask, KSIG_UNBLOCK, &(uint64_t){ SIGBIT(sig) }, 0, KSIGSET_SIZE);
	nsys3(__NR_tgkill, nsys0(__NR_getpid), nsys0(__NR_gettid), sig);
}

void sig_force_segv(void)
{
	sig_acts[KSIGSEGV].handler = KSIG_DFL;
	die_default(KSIGSEGV);
}

void persona_signal_init(void)
{
	for (int sig = 1; sig <= KSIG_MAX; sig++) {
		struct ksigaction old;
		if (sig == KSIGKILL || sig == KSIGSTOP)
			continue;
		if (nsys4(__NR_rt_sigaction, sig, 0, &old, KSIGSET_SIZE) == 0 && old.handler == KSIG_IGN)
			sig_acts[sig].handler = KSIG_IGN;   /* inherited across exec */
	}
}

/* ---- delivery ----------------------------------------------------------- */

/* A signal deferred while the image sits at a native trap: the kernel
 * rewound a call it is about to restart (the program's SA_RESTART is on the
 * native action), or the call has not run yet. Either way the call must
 * not block with a signal waiting for the program: it returns -EINTR now,
 * and persona_signal_exit() restarts the i386 call after the handler, as
 * the kernel would (restart_frame). */
static void unrestart(struct kucontext *uc)
{
	struct sigcontext *sc = &uc->uc_mcontext;

	/* the restart re-enters the gate at its fixed address: only an image
	 * mapped there (not a test program linking the translator) has it */
	if (!persona_vdso_sysinfo || persona_process.mode != PERSONA_MODE_I386)
		return;
	if (sc->rip == (uint64_t)(uintptr_t)persona_submit_syscall ||
	    sc->rip == (uint64_t)(uintptr_t)persona_trap6_syscall) {
		sc->rax = (uint64_t)-EINTR;
		sc->rip += 2;           /* past the syscall instruction */
		restart_pending = 1;
	}
}

/* The i386 call of frame f runs again when i386 code resumes: the saved
 * return address goes onto the i386 stack and the call enters the gate as
 * a rewritten int $0x80 site does, with its number and arguments intact. */
static void restart_frame(struct i386_frame *f)
{
	uint32_t sp = f->esp - 4;

	if (f->way == WAY_INT80_64 || f->way == WAY_DIRECT)
		return;
	if (copy_to_user(sp, &f->eip, sizeof(f->eip)) < 0)
		return;
	f->esp = sp;
	f->eip = PERSONA_GATE32_PATCHED;
	f->eax = f->nr;
}

static void defer(int sig, const struct ksiginfo *si, struct kucontext *uc)
{
	unrestart(uc);
	deferred |= SIGBIT(sig);
	deferred_info[sig] = *si;
	deferred_has_fault[sig] = 0;
	/* blocked until delivered; a bit the program blocks itself (the mask
	 * sigsuspend restores) stays the program's */
	if (!(SIGBIT(sig) & RESERVED) && !(uc->uc_sigmask & SIGBIT(sig))) {
		uc->uc_sigmask |= SIGBIT(sig);
		defer_blocked |= SIGBIT(sig);
	}
}

static int lowest(uint64_t set)
{
	uint64_t sync = set & SYNCHRONOUS;   /* the kernel takes synchronous signals first */
	return __builtin_ctzll(sync ? sync : set) + 1;
}

/* Signals the program blocked after they were deferred go back to the
 * kernel, pending and blocked, as they would have stayed. */
static void requeue_blocked(uint64_t blocked)
{
	uint64_t back = deferred & blocked & ~RESERVED;

	while (back) {
		int sig = lowest(back);
		back &= ~SIGBIT(sig);
		deferred &= ~SIGBIT(sig);
		defer_blocked &= ~SIGBIT(sig);
		nsys4(__NR_rt_tgsigqueueinfo, nsys0(__NR_getpid), nsys0(__NR_gettid), sig, &deferred_info[sig]);
	}
}

static void signal_exit_slow(struct i386_frame *f, void *uc);

void persona_signal_exit(struct i386_frame *f, void *uc)
{
	/* every call's way out: one look-up of the thread's state */
	if (likely(sigstate_idle(persona_sig_self())))
		return;
	signal_exit_slow(f, uc);
}

static void signal_exit_slow(struct i386_frame *f, void *uc)
{
	if (!deferred) {
		suspend_active = 0;
		/* what was deferred went away (ignored meanwhile) */
		restart_pending = 0;
		if ((int32_t)f->eax == -EINTR)
			restart_frame(f);
		return;
	}
	for (;;) {
		uint64_t prog = sigmask_program();
		uint64_t now = suspend_active ? suspend_mask : prog;
		uint64_t ready = deferred & ~now;
		struct i386_act *a;
		int sig;

		if (!ready) {
			suspend_active = 0;
			if (restart_pending) {
				/* no handler ran: the kernel would have restarted */
				restart_pending = 0;
				if ((int32_t)f->eax == -EINTR)
					restart_frame(f);
			}
			requeue_blocked(now);
			native_mask_set((prog & ~RESERVED) | defer_blocked);
			return;
		}
		sig = lowest(ready);
		deferred &= ~SIGBIT(sig);
		defer_blocked &= ~SIGBIT(sig);
		a = &sig_acts[sig];
		if (a->handler == KSIG_IGN || (a->handler == KSIG_DFL && (SIGBIT(sig) & DEFAULT_IGNORED))) {
			native_mask_set((prog & ~RESERVED) | defer_blocked);
			continue;
		}
		if (a->handler == KSIG_DFL) {
			native_mask_set((prog & ~RESERVED) | defer_blocked);
			die_default(sig);
			continue;
		}
		if (restart_pending) {
			restart_pending = 0;
			if ((int32_t)f->eax == -EINTR && (a->flags & KSA_RESTART))
				restart_frame(f);
		}
		if (sigframe_setup(f, sig, &deferred_info[sig], deferred_has_fault[sig] ? &deferred_fault[sig] : &last_fault,
				   a, prog, uc) < 0) {
			plog("signal %d: cannot build the i386 frame at esp %#x; SIGSEGV", sig, f->esp);
			sig_force_segv();
			return;
		}
		uint64_t mask = now | a->mask | ((a->flags & KSA_NODEFER) ? 0 : SIGBIT(sig));
		suspend_active = 0;
		if (a->flags & KSA_RESETHAND) {
			a->handler = KSIG_DFL;
			a->flags &= ~KSA_SIGINFO;
			native_install(sig);
		}
		sigmask_set_program(mask);
	}
}

/* Did the CPU raise this signal in the program's code? A synchronous
 * signal the kernel sent: with the fault's own code (SEGV_MAPERR,
 * ILL_ILLOPN, FPE_INTDIV, ...) or with SI_KERNEL, which is what #GP and
 * int3 send. Its sigcontext then carries the trap number, error code and
 * faulting address from the 64-bit frame, as the kernel fills them. */
static int cpu_fault(int sig, const struct ksiginfo *si)
{
	return si->si_code > KSI_USER && (SIGBIT(sig) & SYNCHRONOUS);
}

/* A signal at 32-bit code: deliver it now through this ucontext. */
static void deliver_now(int sig, const struct ksiginfo *si, struct kucontext *uc, int sync)
{
	struct i386_frame f, was;
	void *outer = persona_reflect_uc;

	deferred |= SIGBIT(sig);
	deferred_info[sig] = *si;
	deferred_has_fault[sig] = (uint8_t)sync;
	if (sync) {
		deferred_fault[sig].trapno = (uint32_t)uc->uc_mcontext.trapno;
		deferred_fault[sig].err = (uint32_t)uc->uc_mcontext.err;
		deferred_fault[sig].cr2 = (uint32_t)uc->uc_mcontext.cr2;
		last_fault = deferred_fault[sig];
	}
	persona_frame_from_uc(&f, uc);
	was = f;
	persona_reflect_uc = uc;
	persona_signal_exit(&f, uc);
	persona_reflect_uc = outer;
	persona_frame_to_uc(&f, &was, uc, 0);
}

void persona_signal_handler(int sig, void *siv, void *ucv)
{
	struct kucontext *uc = ucv;

	if (persona_uc_is_64bit(uc->uc_mcontext.cs)) {
		defer(sig, siv, uc);
		return;
	}
	deliver_now(sig, siv, uc, cpu_fault(sig, siv));
}

int persona_signal_forward(int sig, void *siv, void *ucv)
{
	struct ksiginfo *si = siv;
	struct kucontext *uc = ucv;
	struct i386_act *a;
	int sync = cpu_fault(sig, si);

	if (sig < 1 || sig > KSIG_MAX)
		return 0;
	a = &sig_acts[sig];
	if (persona_uc_is_64bit(uc->uc_mcontext.cs)) {
		if (sync)
			return 0;       /* a fault in 64-bit code is no program's */
		defer(sig, si, uc);
		return 1;
	}
	if (a->handler == KSIG_IGN || a->handler == KSIG_DFL || (emu_blocked & SIGBIT(sig))) {
		if (sync)
			return 0;       /* the kernel kills for a blocked or ignored fault too */
		if (a->handler == KSIG_IGN || (a->handler == KSIG_DFL && (SIGBIT(sig) & DEFAULT_IGNORED)))
			return 1;
		if (a->handler == KSIG_DFL) {
			die_default(sig);
			return 1;
		}
		deferred |= SIGBIT(sig);      /* blocked: pending until unblocked */
		deferred_info[sig] = *si;
		deferred_has_fault[sig] = 0;
		return 1;
	}
	deliver_now(sig, si, uc, sync);
	return 1;
}

/* the gate's way out */
void persona_signal_gate_exit(struct i386_frame *f)
{
	struct persona_sigstate *ss = persona_gate_thread(f)->sig;

	if (likely(sigstate_idle(ss ? ss : &persona_main_sigstate)))
		return;
	signal_exit_slow(f, NULL);
}

/* ---- actions -------------------------------------------------------------- */

static long set_action(int sig, const struct i386_act *na, struct i386_act *oa)
{
	if (sig < 1 || sig > KSIG_MAX)
		return -EINVAL;
	if (oa)
		*oa = sig_acts[sig];
	if (!na)
		return 0;
	if (sig == KSIGKILL || sig == KSIGSTOP)
		return -EINVAL;
	sig_acts[sig] = *na;
	sig_acts[sig].pad = 0;
	native_install(sig);
	/* setting SIG_IGN (or a default that ignores) discards what is pending */
	if (na->handler == KSIG_IGN || (na->handler == KSIG_DFL && (SIGBIT(sig) & DEFAULT_IGNORED))) {
		deferred &= ~SIGBIT(sig);
		if (defer_blocked & SIGBIT(sig)) {
			defer_blocked &= ~SIGBIT(sig);
			sigmask_set_program(sigmask_program());
		}
	}
	return 0;
}

XL(rt_sigaction)
{
	struct i386_rt_sigaction ua;
	struct i386_act na, oa;
	long r;

	if (ARG3(f) != KSIGSET_SIZE)
		return -EINVAL;
	if (ARG1(f)) {
		if (copy_from_user(&ua, ARG1(f), sizeof(ua)) < 0)
			return -EFAULT;
		na = (struct i386_act){ .handler = ua.handler, .flags = ua.flags, .restorer = ua.restorer,
					.mask = ua.mask[0] | (uint64_t)ua.mask[1] << 32 };
	}
	r = set_action((int32_t)ARG0(f), ARG1(f) ? &na : NULL, &oa);
	if (r < 0)
		return r;
	if (ARG2(f)) {
		ua = (struct i386_rt_sigaction){ .handler = oa.handler, .flags = oa.flags, .restorer = oa.restorer,
						 .mask = { (uint32_t)oa.mask, (uint32_t)(oa.mask >> 32) } };
		if (copy_to_user(ARG2(f), &ua, sizeof(ua)) < 0)
			return -EFAULT;
	}
	return 0;
}

XL(sigaction)
{
	struct i386_old_sigaction ua;
	struct i386_act na, oa;
	long r;

	if (ARG1(f)) {
		if (copy_from_user(&ua, ARG1(f), sizeof(ua)) < 0)
			return -EFAULT;
		na = (struct i386_act){ .handler = ua.handler, .flags = ua.flags, .restorer = ua.restorer,
					.mask = ua.mask };
	}
	r = set_action((int32_t)ARG0(f), ARG1(f) ? &na : NULL, &oa);
	if (r < 0)
		return r;
	if (ARG2(f)) {
		ua = (struct i386_old_sigaction){ .handler = oa.handler, .mask = (uint32_t)oa.mask,
						  .flags = oa.flags, .restorer = oa.restorer };
		if (copy_to_user(ARG2(f), &ua, sizeof(ua)) < 0)
			return -EFAULT;
	}
	return 0;
}

/* signal(2): SA_ONESHOT | SA_NOMASK, the old handler back */
XL(signal)
{
	struct i386_act na = { .handler = ARG1(f), .flags = KSA_RESETHAND | KSA_NODEFER }, oa;
	long r = set_action((int32_t)ARG0(f), &na, &oa);

	return r < 0 ? r : (long)oa.handler;
}

/* ---- masks ----------------------------------------------------------------- */

static long change_mask(int how, uint64_t set, uint64_t keep_high)
{
	uint64_t old = sigmask_program(), m;

	switch (how) {
	case KSIG_BLOCK:
		m = old | set;
		break;
	case KSIG_UNBLOCK:
		m = old & ~set;
		break;
	case KSIG_SETMASK:
		m = keep_high ? (old & ~0xffffffffull) | (uint32_t)set : set;
		break;
	default:
		return -EINVAL;
	}
	sigmask_set_program(m);
	return 0;
}

XL(rt_sigprocmask)
{
	uint64_t set, old = sigmask_program();
	long r;

	if (ARG3(f) != KSIGSET_SIZE)
		return -EINVAL;
	if (ARG1(f)) {
		if (copy_from_user(&set, ARG1(f), sizeof(set)) < 0)
			return -EFAULT;
		r = change_mask((int32_t)ARG0(f), set, 0);
		if (r < 0)
			return r;
	}
	if (ARG2(f) && copy_to_user(ARG2(f), &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

XL(sigprocmask)
{
	uint32_t set, old = (uint32_t)sigmask_program();
	long r;

	if (ARG1(f)) {
		if (copy_from_user(&set, ARG1(f), sizeof(set)) < 0)
			return -EFAULT;
		r = change_mask((int32_t)ARG0(f), set, 1);
		if (r < 0)
			return r;
	}
	if (ARG2(f) && copy_to_user(ARG2(f), &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

XL(sgetmask)
{
	(void)f;
	return (int32_t)(uint32_t)sigmask_program();
}

XL(ssetmask)
{
	uint32_t old = (uint32_t)sigmask_program();

	change_mask(KSIG_SETMASK, ARG0(f), 1);
	return (int32_t)old;
}

/* ---- waiting ---------------------------------------------------------------- */

static long suspend(uint64_t m)
{
	uint64_t native, saved_emu = emu_blocked;
	long r;

	m &= ~UNBLOCKABLE;
	if (deferred & ~m) {
		r = -EINTR;          /* one is already here */
	} else {
		native = (m & ~RESERVED) | defer_blocked;
		emu_blocked = m & RESERVED;
		r = nsys2(__NR_rt_sigsuspend, &native, KSIGSET_SIZE);
		emu_blocked = saved_emu;
	}
	/* what arrived is delivered with the suspend mask in force */
	suspend_mask = m;
	suspend_active = 1;
	return r;
}

XL(rt_sigsuspend)
{
	uint64_t m;

	if (ARG1(f) != KSIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&m, ARG0(f), sizeof(m)) < 0)
		return -EFAULT;
	return suspend(m);
}

/* i386 sigsuspend(int, int, old_sigset_t): the mask is the third argument */
XL(sigsuspend)
{
	return suspend(ARG2(f));
}

XL(pause)
{
	(void)f;
	if (deferred & ~sigmask_program())
		return -EINTR;
	return nsys0(__NR_pause);
}

static uint64_t pending_now(void)
{
	uint64_t p = 0;

	nsys2(__NR_rt_sigpending, &p, KSIGSET_SIZE);
	return (p | deferred) & sigmask_program();
}

XL(rt_sigpending)
{
	uint64_t p;

	if (ARG1(f) > KSIGSET_SIZE)
		return -EINVAL;
	p = pending_now();
	return copy_to_user(ARG0(f), &p, ARG1(f)) < 0 ? -EFAULT : 0;
}

XL(sigpending)
{
	uint32_t p = (uint32_t)pending_now();

	return copy_to_user(ARG0(f), &p, sizeof(p)) < 0 ? -EFAULT : 0;
}

static long timedwait(struct i386_frame *f, const int64_t *ts)
{
	struct ksiginfo ki;
	struct i386_siginfo ui;
	uint64_t set, these;
	long r;

	if (ARG3(f) != KSIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, ARG0(f), sizeof(set)) < 0)
		return -EFAULT;
	these = set & ~UNBLOCKABLE;
	if (deferred & these) {
		int sig = lowest(deferred & these);
		ki = deferred_info[sig];
		deferred &= ~SIGBIT(sig);
		if (defer_blocked & SIGBIT(sig)) {
			defer_blocked &= ~SIGBIT(sig);
			sigmask_set_program(sigmask_program());
		}
		r = sig;
	} else {
		r = nsys4(__NR_rt_sigtimedwait, &these, &ki, ts, KSIGSET_SIZE);
	}
	if (r > 0 && ARG1(f)) {
		siginfo_to_i386(&ui, &ki);
		if (copy_to_user(ARG1(f), &ui, sizeof(ui)) < 0)
			return -EFAULT;
	}
	return r;
}

XL(rt_sigtimedwait)
{
	int32_t t32[2];
	int64_t ts[2];

	if (ARG2(f)) {
		if (copy_from_user(t32, ARG2(f), sizeof(t32)) < 0)
			return -EFAULT;
		ts[0] = t32[0];
		ts[1] = t32[1];
	}
	return timedwait(f, ARG2(f) ? ts : NULL);
}

XL(rt_sigtimedwait_time64)
{
	int64_t ts[2];

	if (ARG2(f) && copy_from_user(ts, ARG2(f), sizeof(ts)) < 0)
		return -EFAULT;
	return timedwait(f, ARG2(f) ? ts : NULL);
}

/* ---- sending with siginfo ------------------------------------------------------ */

static long read_info(uint32_t uinfo, struct ksiginfo *ki)
{
	struct i386_siginfo ui;

	if (copy_from_user(&ui, uinfo, sizeof(ui)) < 0)
		return -EFAULT;
	siginfo_from_i386(ki, &ui);
	return 0;
}

XL(rt_sigqueueinfo)
{
	struct ksiginfo ki;

	if (read_info(ARG2(f), &ki) < 0)
		return -EFAULT;
	return nsys3(__NR_rt_sigqueueinfo, wide_s32(ARG0(f)), wide_s32(ARG1(f)), &ki);
}

XL(rt_tgsigqueueinfo)
{
	struct ksiginfo ki;

	if (read_info(ARG3(f), &ki) < 0)
		return -EFAULT;
	return nsys4(__NR_rt_tgsigqueueinfo, wide_s32(ARG0(f)), wide_s32(ARG1(f)), wide_s32(ARG2(f)), &ki);
}

/* ---- the alternate stack ----------------------------------------------------- */

static long altstack_set(const struct i386_stack *ss, uint32_t sp)
{
	uint32_t mode = (uint32_t)ss->ss_flags & ~KSS_AUTODISARM;

	if (!(sig_altstack.ss_flags & KSS_DISABLE) && sp - sig_altstack.ss_sp < sig_altstack.ss_size)
		return -EPERM;
	if (mode != KSS_DISABLE && mode != KSS_ONSTACK && mode != 0)
		return -EINVAL;
	if (mode == KSS_DISABLE) {
		sig_altstack = (struct i386_stack){ .ss_flags = KSS_DISABLE };
		return 0;
	}
	if (ss->ss_size < I386_MINSIGSTKSZ)
		return -ENOMEM;
	sig_altstack = (struct i386_stack){ .ss_sp = ss->ss_sp, .ss_size = ss->ss_size,
					    .ss_flags = (int32_t)((uint32_t)ss->ss_flags & KSS_AUTODISARM) };
	return 0;
}

void sig_restore_altstack(const struct i386_stack *ss, uint32_t sp)
{
	altstack_set(ss, sp);   /* errors are ignored, as by the kernel */
}

XL(sigaltstack)
{
	struct i386_stack ss, old = sig_altstack;
	uint32_t sp = f->esp;
	long r;

	if (!(old.ss_flags & KSS_DISABLE) && sp - old.ss_sp < old.ss_size)
		old.ss_flags = KSS_ONSTACK | (old.ss_flags & (int32_t)KSS_AUTODISARM);
	if (ARG0(f)) {
		if (copy_from_user(&ss, ARG0(f), sizeof(ss)) < 0)
			return -EFAULT;
		r = altstack_set(&ss, sp);
		if (r < 0)
			return r;
	}
	if (ARG1(f) && copy_to_user(ARG1(f), &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

/* ---- signalfd --------------------------------------------------------------- */
/* struct signalfd_siginfo is the same 128 bytes on both ABIs: reads need no
 * conversion, only the mask's size is checked. */

XL(signalfd4)
{
	uint64_t m;

	if (ARG2(f) != KSIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&m, ARG1(f), sizeof(m)) < 0)
		return -EFAULT;
	return nsys4(__NR_signalfd4, wide_s32(ARG0(f)), &m, KSIGSET_SIZE, ARG3(f));
}

XL(signalfd)
{
	uint64_t m;

	if (ARG2(f) != KSIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&m, ARG1(f), sizeof(m)) < 0)
		return -EFAULT;
	return nsys4(__NR_signalfd4, wide_s32(ARG0(f)), &m, KSIGSET_SIZE, 0);
}
