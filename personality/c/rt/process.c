/* personality/c/rt/process.c — process life: exit, fork, vfork, clone.
 *
 * fork/clone: a new process is a copy of this one, personality included,
 * so a plain native fork is right; only the child's reflection must be
 * re-armed (the kernel does not carry Syscall User Dispatch across fork).
 * vfork and clone(CLONE_VM | CLONE_VFORK) (posix_spawn): the child shares
 * memory with its suspended parent, so it must not touch the parent's
 * personality stack, frame or signal stack: it starts on a stack of its own
 * (persona_clone_vfork), with its own sigaltstack, and while it runs the
 * gate uses that stack; the parent restores its own state when it resumes.
 * Threads (CLONE_THREAD) get personality state of their own (thread.c);
 * CLONE_VM without CLONE_THREAD or CLONE_VFORK is refused with -ENOSYS.
 *
 * These are the runtime's own calls (they create and end the threads and
 * processes it keeps state for): the table reaches them like any handler.
 */
#include <linux/sched.h>
#include <linux/fcntl.h>
#include "core/persona.h"
#include "rt/image.h"
#include "rt/thread.h"
#include "core/sysent_types.h"
#include "reflect/reflect.h"
#include "signal/ksig.h"
#include "sysnr.h"

/* where the vfork wait pipe's ends go: out of the way of the program's fds */
#define PRIVATE_FD_MIN  900

/* ---- exit ------------------------------------------------------------- */

/* set while a vfork child runs: only the child runs then, and it sees the
 * flag too (the memory is shared) */
static int vfork_active;

static void dump_stats_once(void)
{
	static int dumped;

	/* a vfork child's counts are its parent's: the parent reports them */
	if (!dumped && !vfork_active) {
		dumped = 1;
		persona_stats_dump();
	}
}

XL(exit)
{
	/* the thread's own state first (thread.c); the last thread's exit
	 * ends the process */
	if (persona_thread_exit_prepare())
		dump_stats_once();
	return nsys1(__NR_exit, wide_s32(ARG0(f)));
}

XL(exit_group)
{
	dump_stats_once();
	persona_robust_exit();
	return nsys1(__NR_exit_group, wide_s32(ARG0(f)));
}

/* ---- fork, vfork, clone ----------------------------------------------- */

static void child_after_fork(void)
{
	persona_thread_after_fork();
	persona_reflect_child();
}

/* A pipe whose write end the child holds (close-on-exec) until it execs or
 * exits: the parent's read returns then. */
static long vfork_pipe(int fds[2])
{
	int raw[2];
	long r = nsys2(__NR_pipe2, raw, O_CLOEXEC);

	if (r < 0)
		return r;
	for (int i = 0; i < 2; i++) {
		long hi = nsys3(__NR_fcntl, raw[i], F_DUPFD_CLOEXEC, PRIVATE_FD_MIN);
		if (hi >= 0) {
			nsys1(__NR_close, raw[i]);
			fds[i] = (int)hi;
		} else {
			fds[i] = raw[i];
		}
	}
	return 0;
}

static void vfork_wait(int rd)
{
	char c;
	long r;

	do
		r = nsys3(__NR_read, rd, &c, 1);
	while (r == -EINTR);
	nsys1(__NR_close, rd);
}

/* A new process that does not share memory with this one: the common part
 * of fork, vfork and clone. newsp, if not 0, is the child's i386 stack;
 * tls, if CLONE_SETTLS, an i386 struct user_desc for the child's TLS. */
static long fork_like(struct i386_frame *f, uint64_t flags, uint32_t newsp,
		      uint32_t ptid, uint32_t tls, uint32_t ctid)
{
	int wait_exec = (flags & CLONE_VFORK) != 0;
	int fds[2] = { -1, -1 };
	long r;

	if (wait_exec && vfork_pipe(fds) < 0)
		wait_exec = 0;      /* no pipe: the parent just does not wait */
	/* CLONE_SETTLS means an fs base natively: the child installs the i386
	 * descriptor itself */
	r = nsys5(__NR_clone, flags & ~(uint64_t)(CLONE_VM | CLONE_VFORK | CLONE_SETTLS),
		  0, wide_u32(ptid), wide_u32(ctid), 0);
	if (r == 0) {
		child_after_fork();
		if (wait_exec)
			nsys1(__NR_close, fds[0]);
		if (newsp)
			f->esp = newsp;
		if ((flags & CLONE_SETTLS) && persona_tls_install(tls, 0) < 0)
			nsys1(__NR_exit_group, 127);
		return 0;
	}
	if (wait_exec) {
		nsys1(__NR_close, fds[1]);
		if (r > 0)
			vfork_wait(fds[0]);
		else
			nsys1(__NR_close, fds[0]);
	}
	return r;
}

XL(fork)
{
	return fork_like(f, KSIGCHLD, 0, 0, 0, 0);
}

/* ---- vfork: a child sharing memory ------------------------------------ */

/* Only one vfork child runs at a time: its parent is suspended. */
static uint8_t vfork_kstack[PERSONA_KSTACK_SIZE] __attribute__((aligned(64)));
static uint8_t vfork_altstack[PERSONA_ALTSTACK_SIZE] __attribute__((aligned(64)));
static struct i386_frame vfork_child_frame;
static uint64_t vfork_child_mask;

/* The child, on vfork_kstack: a signal stack of its own (the parent may
 * be suspended inside a handler on the shared one), then i386 code. */
void persona_vfork_child(void)
{
	struct {
		uint64_t ss_sp;
		int32_t  ss_flags, pad;
		uint64_t ss_size;
	} ss = { .ss_sp = (uint64_t)(uintptr_t)vfork_altstack, .ss_size = sizeof(vfork_altstack) };

	nsys2(__NR_sigaltstack, &ss, 0);
	/* the mask i386 code runs with (not a signal handler's, if the call
	 * was reflected: the child skips the handler's sigreturn) */
	nsys4(__NR_rt_sigprocmask, KSIG_SETMASK, &vfork_child_mask, 0, KSIGSET_SIZE);
	/* memory is shared with the parent's other threads: their state stays
	 * as it is; only this thread's reflection is re-armed */
	persona_reflect_child();
	persona_gate_leave(&vfork_child_frame);
}

static long vfork_shared(struct i386_frame *f, uint64_t flags, uint32_t newsp,
			 uint32_t ptid, uint32_t ctid)
{
	struct i386_frame saved = *f;
	struct persona_thread *self = persona_self();
	uint64_t saved_top = self->kstack_top;
	uint8_t *top = vfork_kstack + sizeof(vfork_kstack);
	long r;

	if (__atomic_exchange_n(&vfork_active, 1, __ATOMIC_ACQUIRE)) {
		/* a vfork child's own vfork, or another thread's vfork child is
		 * running: the stack is taken; a copy will do */
		return fork_like(f, flags & ~(uint64_t)CLONE_VM, newsp, ptid, 0, ctid);
	}
	vfork_child_frame = *f;
	vfork_child_frame.eax = 0;
	if (persona_self()->reflect_uc)
		vfork_child_mask = ((struct kucontext *)persona_self()->reflect_uc)->uc_sigmask;
	else
		nsys4(__NR_rt_sigprocmask, KSIG_BLOCK, 0, &vfork_child_mask, KSIGSET_SIZE);
	if (newsp)
		vfork_child_frame.esp = newsp;
	/* the child's gate entries run on its stack, not on this one */
	self->kstack_top = (uint64_t)(uintptr_t)top;
	vfork_active = 1;
	r = persona_clone_vfork(flags, top - 256, (uint32_t *)(uintptr_t)ptid,
				(uint32_t *)(uintptr_t)ctid, 0);
	/* the child has exec'd or exited: this process's state is its own again */
	vfork_active = 0;
	self->kstack_top = saved_top;
	*f = saved;
	return r;
}

XL(vfork)
{
	return vfork_shared(f, CLONE_VM | CLONE_VFORK | KSIGCHLD, 0, 0, 0);
}

static long clone_common(struct i386_frame *f, uint64_t flags, uint32_t newsp,
			 uint32_t ptid, uint32_t tls, uint32_t ctid)
{
	if (flags & CLONE_THREAD)
		return persona_thread_clone(f, flags, newsp, ptid, tls, ctid);
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) {
		return persona_enosys(f->nr, "CLONE_VM without CLONE_VFORK needs a thread's personality state");
	}
	if ((flags & CLONE_VM) && (flags & CLONE_SETTLS)) {
		/* the LDT is per address space: a new TLS there is a thread's */
		return persona_enosys(f->nr, "CLONE_VM with CLONE_SETTLS needs a thread's personality state");
	}
	if (flags & CLONE_VM)
		return vfork_shared(f, flags, newsp, ptid, ctid);
	return fork_like(f, flags, newsp, ptid, tls, ctid);
}

/* i386 order: flags, newsp, parent_tid, tls, child_tid */
XL(clone)
{
	return clone_common(f, ARG0(f), ARG1(f), ARG2(f), ARG3(f), ARG4(f));
}

XL(clone3)
{
	struct clone_args ca;
	uint32_t size = ARG1(f);

	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (size > sizeof(ca))
		size = sizeof(ca);
	memset(&ca, 0, sizeof(ca));
	if (copy_from_user(&ca, ARG0(f), size) < 0)
		return -EFAULT;
	if (ca.flags & CLONE_THREAD) {
		/* pidfd is read only with CLONE_PIDFD, which a thread here cannot have */
		if (ca.set_tid || (ca.flags & CLONE_INTO_CGROUP) || (ca.exit_signal & ~0xffull)) {
			return persona_enosys(f->nr, "a thread with set_tid or a cgroup");
		}
		return persona_thread_clone(f, ca.flags | ca.exit_signal,
					    ca.stack ? (uint32_t)(ca.stack + ca.stack_size) : 0,
					    (uint32_t)ca.parent_tid, (uint32_t)ca.tls, (uint32_t)ca.child_tid);
	}
	if (ca.flags & CLONE_VM) {
		/* not refused but answered: glibc's posix_spawn tries clone3
		 * first and takes -ENOSYS as the cue to use clone, which serves
		 * it; a log line here would come with every posix_spawn */
		return -ENOSYS;
	}
	if (ca.flags & CLONE_SETTLS)
		return persona_enosys(f->nr, "CLONE_SETTLS without CLONE_VM");
	uint32_t newsp = ca.stack ? (uint32_t)(ca.stack + ca.stack_size) : 0;
	ca.stack = 0;
	ca.stack_size = 0;
	long r = nsys2(__NR_clone3, &ca, size);
	if (r == 0) {
		child_after_fork();
		if (newsp)
			f->esp = newsp;
	}
	return r;
}
