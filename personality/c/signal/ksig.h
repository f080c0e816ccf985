/* personality/c/signal/ksig.h — the kernel's signal shapes, native and i386.
 *
 * The image has no libc, so the x86-64 ucontext/sigaction the kernel uses
 * and the i386 (compat) layouts the program sees are spelled out here once,
 * with their sizes asserted; then what the signal layer offers the others:
 * the program's signal state and masks, the frame builder, the ucontext <->
 * frame conversion, delivery. The image's own signal handlers (rt/fault.c,
 * reflect/reflect.c) and the calls that wait or mask (rt/, xl/poll.c)
 * include it.
 */
#ifndef PERSONA_KSIG_H
#define PERSONA_KSIG_H

#include <stdint.h>
#include <asm/sigcontext.h>     /* struct sigcontext (x86-64), struct _fpstate_32 */

/* offset of the fxsave image inside struct _fpstate_32 */
#define I386_FXSR_OFFSET 112
#define FXSAVE_SIZE      512

#define KSIG_MAX        64      /* signals 1..64 */
#define KSIGSET_SIZE    8       /* the kernel's sigset_t, native and i386 */
#define SIGBIT(s)       (1ull << ((s) - 1))

/* numbers and flags shared by both ABIs on x86 */
#define KSIGHUP   1
#define KSIGINT   2
#define KSIGQUIT  3
#define KSIGILL   4
#define KSIGTRAP  5
#define KSIGABRT  6
#define KSIGBUS   7
#define KSIGFPE   8
#define KSIGKILL  9
#define KSIGUSR1  10
#define KSIGSEGV  11
#define KSIGUSR2  12
#define KSIGPIPE  13
#define KSIGALRM  14
#define KSIGTERM  15
#define KSIGCHLD  17
#define KSIGSTOP  19
#define KSIGPOLL  29
#define KSIGSYS   31

#define KSIG_DFL  0u
#define KSIG_IGN  1u

#define KSA_NOCLDSTOP  0x00000001u
#define KSA_NOCLDWAIT  0x00000002u
#define KSA_SIGINFO    0x00000004u
#define KSA_RESTORER   0x04000000u
#define KSA_ONSTACK    0x08000000u
#define KSA_RESTART    0x10000000u
#define KSA_NODEFER    0x40000000u
#define KSA_RESETHAND  0x80000000u

#define KSIG_BLOCK     0
#define KSIG_UNBLOCK   1
#define KSIG_SETMASK   2

#define KSS_ONSTACK    1
#define KSS_DISABLE    2
#define KSS_AUTODISARM (1u << 31)
#define I386_MINSIGSTKSZ 2048

/* si_code values this code tests */
#define KSI_USER       0
#define KSI_KERNEL     0x80
#define KSI_QUEUE      (-1)
#define KSI_TIMER      (-2)
#define KSI_SIGIO      (-5)
#define KSI_TKILL      (-6)
#define KSYS_SECCOMP   1
#define KSYS_USER_DISPATCH 2

/* x86-64 struct sigaction as rt_sigaction takes it */
struct ksigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/* x86-64 ucontext as a signal handler receives it */
struct kucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct {
		uint64_t ss_sp;
		int32_t  ss_flags;
		int32_t  pad;
		uint64_t ss_size;
	} uc_stack;
	struct sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

/* x86-64 siginfo: the union starts at 16 */
struct ksiginfo {
	int32_t si_signo, si_errno, si_code, pad;
	union {
		struct { int32_t pid; uint32_t uid; uint64_t value; } kill;        /* kill, rt, timer (tid, overrun, value) */
		struct { int32_t pid; uint32_t uid; int32_t status; int32_t pad; int64_t utime, stime; } chld;
		struct { uint64_t addr; uint64_t lsb_etc[3]; } fault;            /* addr, lsb, lower/upper or pkey */
		struct { int64_t band; int32_t fd; } poll;
		struct { uint64_t call_addr; int32_t syscall; uint32_t arch; } sys;
		uint8_t raw[112];
	} u;
};
_Static_assert(sizeof(struct ksiginfo) == 128, "native siginfo");

/* i386 siginfo (compat_siginfo_t): the union starts at 12 */
struct i386_siginfo {
	int32_t si_signo, si_errno, si_code;
	union {
		struct { int32_t pid; uint32_t uid; int32_t value; } kill;       /* kill, rt, timer (tid, overrun, value) */
		struct { int32_t pid; uint32_t uid; int32_t status, utime, stime; } chld;
		struct { uint32_t addr; uint32_t lsb_etc[3]; } fault;
		struct { int32_t band; int32_t fd; } poll;
		struct { uint32_t call_addr; int32_t syscall; uint32_t arch; } sys;
		uint8_t raw[116];
	} u;
};
_Static_assert(sizeof(struct i386_siginfo) == 128, "i386 siginfo");

/* i386 struct sigaction for rt_sigaction */
struct i386_rt_sigaction {
	uint32_t handler, flags, restorer;
	uint32_t mask[2];
};
/* i386 struct old_sigaction for sigaction (67): note the order */
struct i386_old_sigaction {
	uint32_t handler, mask, flags, restorer;
};

struct i386_stack {
	uint32_t ss_sp;
	int32_t  ss_flags;
	uint32_t ss_size;
};

struct i386_ucontext {
	uint32_t uc_flags;
	uint32_t uc_link;
	struct i386_stack uc_stack;
	struct sigcontext_32 uc_mcontext;
	uint32_t uc_sigmask[2];
};

/* the frames the i386 kernel builds (arch/x86/include/asm/sigframe.h) */
struct i386_rt_sigframe {
	uint32_t pretcode;
	int32_t  sig;
	uint32_t pinfo;
	uint32_t puc;
	struct i386_siginfo info;
	struct i386_ucontext uc;
	uint8_t  retcode[8];
};
struct i386_sigframe {
	uint32_t pretcode;
	int32_t  sig;
	struct sigcontext_32 sc;
	struct _fpstate_32 fpstate_unused;
	uint32_t extramask[1];
	uint8_t  retcode[8];
};
_Static_assert(I386_FXSR_OFFSET + FXSAVE_SIZE == sizeof(struct _fpstate_32), "fxsave image ends the fpstate");
_Static_assert(sizeof(struct sigcontext_32) == 88, "i386 sigcontext");
_Static_assert(sizeof(struct i386_ucontext) == 116, "i386 ucontext");
_Static_assert(sizeof(struct i386_rt_sigframe) == 268, "i386 rt_sigframe");
_Static_assert(sizeof(struct _fpstate_32) == 624, "i386 fpstate");


/* eflags bits sigreturn may restore (the kernel's FIX_EFLAGS) */
#define EFLAGS_FIX       0x00050dd5u
#define EFLAGS_DF        0x00000400u
#define EFLAGS_TF        0x00000100u
#define EFLAGS_RF        0x00010000u

/* siginfo conversion (signal/frame.c) */
void siginfo_to_i386(struct i386_siginfo *to, const struct ksiginfo *from);
void siginfo_from_i386(struct ksiginfo *to, const struct i386_siginfo *from);

/* ---- the program's signal state (signal/signal.c) ---- */
/* what the program asked for, per signal */
struct i386_act {
	uint32_t handler, flags, restorer, pad;
	uint64_t mask;
};
extern struct i386_act sig_acts[KSIG_MAX + 1];
/* the fault details of a synchronous signal, for sigcontext_32 */
struct sig_fault {
	uint32_t trapno, err, cr2;
};
/* Per thread, as in the kernel: what arrived while the image ran and is
 * not yet delivered, the mask bits the image added or emulates, and the
 * program's alternate signal stack (emulated: the image keeps its own
 * native one for its handlers). Actions are per process (sig_acts). */
struct persona_sigstate {
	uint64_t deferred;          /* arrived, not yet delivered to the program */
	uint64_t defer_blocked;     /* bits deferral added to the native mask */
	uint64_t emu_blocked;       /* the program's mask bits of the reserved signals */
	uint64_t suspend_mask;      /* sigsuspend's mask for the next delivery */
	int32_t  suspend_active;
	int32_t  restart_pending;   /* a native call's restart became -EINTR */
	uint8_t  deferred_has_fault[KSIG_MAX + 1];
	struct i386_stack altstack;
	struct sig_fault deferred_fault[KSIG_MAX + 1];
	/* the thread's last CPU fault: the kernel keeps it per thread and
	 * shows it in the sigcontext of every later signal too */
	struct sig_fault last_fault;
	struct ksiginfo deferred_info[KSIG_MAX + 1];
};
/* the main thread's (its struct persona_thread has sig == NULL) */
extern struct persona_sigstate persona_main_sigstate;
#include "core/state.h"
static inline struct persona_sigstate *persona_sig_self(void)
{
	struct persona_sigstate *s = persona_self()->sig;

	return s ? s : &persona_main_sigstate;
}
#define sig_altstack (persona_sig_self()->altstack)
/* the program's view of its signal mask, and setting it (the native mask,
 * or the one the reflected call's rt_sigreturn restores) */
uint64_t sigmask_program(void);
void sigmask_set_program(uint64_t mask);
/* The native mask for a call that waits with the program's temporary mask m
 * (pselect6, ppoll, epoll_pwait, io_pgetevents): the image's own signals
 * stay open and deferred ones blocked. *pending: a deferred signal is open
 * under m, so the wait must not block (the program has a signal already). */
uint64_t sigmask_for_wait(uint64_t m, int *pending);
void sig_restore_altstack(const struct i386_stack *ss, uint32_t sp);
/* the kernel's answer to a frame it cannot build or read: SIGSEGV, default action */
void sig_force_segv(void);

/* signal/frame.c: build the frame for sig on f's stack and point f at the
 * handler; 0 or -EFAULT. uc: the native ucontext whose FPU state is the
 * interrupted code's, or NULL (the live state is). */
struct i386_frame;
int sigframe_setup(struct i386_frame *f, int sig, const struct ksiginfo *info,
		   const struct sig_fault *fault, const struct i386_act *act,
		   uint64_t saved_mask, void *uc);

/* ucontext <-> frame (signal/ucontext.c) */
struct i386_frame;
int  persona_uc_is_64bit(uint16_t cs);
void persona_frame_from_uc(struct i386_frame *f, const void *uc);
void persona_frame_to_uc(const struct i386_frame *f, const struct i386_frame *was, void *uc, int wide);

/* ---- delivery and the signal calls' state (signal/signal.c) ------------ */
/* The image's 64-bit handler for every signal that has an i386 handler
 * is persona_signal_entry (core/stubs.h: sigentry.asm, then
 * persona_signal_handler). */
/* A signal the image's own fault or SIGSYS handler does not consume (a
 * program fault, a kill): deliver it to the program. 1 if delivered,
 * ignored or deferred; 0 if it must take its native default action (the
 * caller restores SIG_DFL and lets it happen). */
int  persona_signal_forward(int sig, void *siginfo, void *ucontext);
/* Before i386 code resumes from frame f: deliver deferred signals by
 * rewriting f. uc is the reflected call's ucontext (its mask and FPU state
 * are what rt_sigreturn restores), or NULL on the gate's way out. */
void persona_signal_exit(struct i386_frame *f, void *uc);
/* Records the actions inherited across exec (ignored signals) at start. */
void persona_signal_init(void);
/* The gate's way out, after every call, before i386 code resumes:
 * delivers deferred signals (rewriting f) and makes a restart a handler
 * asked for. */
void persona_signal_gate_exit(struct i386_frame *f);
/* The ucontext of the reflected call in progress, or NULL: calls that
 * change the signal mask must change the mask rt_sigreturn restores. */
#define persona_reflect_uc (persona_self()->reflect_uc)


#endif
