/* personality/c/rt/thread.c — i386 threads: clone(CLONE_THREAD) and thread exit.
 *
 * A thread of the program is a native thread of this process with its own
 * personality state (struct persona_thread): the frame the gate saves into,
 * a 64-bit stack for the translator's C code, a native sigaltstack for the
 * image's handlers, its signal state, its Syscall User Dispatch (which the
 * kernel keeps per thread and does not carry across clone), and its TLS
 * entry in an LDT slot of its own, through which the gate finds it
 * (persona_thread_by_slot, indexed by the slot of %gs).
 *
 * All of a thread's memory is one mapping, kept for the next thread once
 * the kernel is done with it: a thread runs on its personality stack until
 * its exit call has trapped, so the stack is free only when the kernel has
 * cleared the thread's native CLONE_CHILD_CLEARTID word (native_ctid). The
 * program's own CLONE_CHILD_CLEARTID word (pthread_join waits on it) is
 * cleared and woken by the exit path, right before the native exit, after
 * the robust list is released: the order the kernel keeps.
 */
#include <linux/sched.h>
#include <linux/futex.h>
#include "core/persona.h"
#include "rt/image.h"
#include "rt/thread.h"
#include "core/sysent_types.h"
#include "signal/ksig.h"
#include "core/plock.h"
#include "reflect/reflect.h"
#include "sysnr.h"

#define KPROT_READ     1
#define KPROT_WRITE    2
#define KMAP_PRIVATE   0x02
#define KMAP_ANONYMOUS 0x20

/* One thread's memory: its state, its signal state and its two stacks. */
struct thread_block {
	struct persona_thread t;
	struct persona_sigstate sig;
	struct persona_stats stats;
	uint8_t altstack[PERSONA_ALTSTACK_SIZE] __attribute__((aligned(64)));
	uint8_t kstack[PERSONA_KSTACK_SIZE] __attribute__((aligned(64)));
};

/* in_use values */
#define BLOCK_FREE     0
#define BLOCK_RUNNING  1
#define BLOCK_EXITED   2        /* free once native_ctid reads 0 */

static struct thread_block *blocks[PERSONA_THREADS_MAX];
static plock_t blocks_lock;
/* threads alive, the main one included: the last one's exit ends the
 * process (and prints --stats) */
static volatile int32_t threads_alive = 1;


/* The program's flags that the native clone takes as they are; the TLS and
 * the child's tid words are the image's business. */
#define CLONE_PASSED (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
		      CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_IO | CLONE_PTRACE | \
		      CLONE_UNTRACED | CLONE_PARENT | CLONE_DETACHED | 0xff /* exit signal */)

static uint16_t block_slot(uint32_t i)
{
	return (uint16_t)(PERSONA_TLS_SLOT_FIRST + i);
}

/* A free block (mapped on first use), marked running; or NULL. */
static struct thread_block *block_take(uint32_t *index)
{
	struct thread_block *b = NULL;

	plock_acquire(&blocks_lock);
	for (uint32_t i = 0; i < PERSONA_THREADS_MAX; i++) {
		struct thread_block *c = blocks[i];
		if (!c) {
			long p = nsys6(__NR_mmap, 0, sizeof(*c), KPROT_READ | KPROT_WRITE,
				       KMAP_PRIVATE | KMAP_ANONYMOUS, -1, 0);
			if (sysmsg_failed(p))
				break;
			c = blocks[i] = (struct thread_block *)p;
		} else if (c->t.in_use == BLOCK_EXITED && c->t.native_ctid == 0) {
			c->t.in_use = BLOCK_FREE;
		}
		if (c->t.in_use == BLOCK_FREE) {
			c->t.in_use = BLOCK_RUNNING;
			*index = i;
			b = c;
			break;
		}
	}
	plock_release(&blocks_lock);
	return b;
}

/* clone with CLONE_THREAD (glibc's pthread_create: CLONE_VM | CLONE_FS |
 * CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
 * CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID). newsp: the child's i386
 * stack; tls: its i386 struct user_desc; i386 tid words at ptid, ctid. */
long persona_thread_clone(struct i386_frame *f, uint64_t flags, uint32_t newsp,
			  uint32_t ptid, uint32_t tls, uint32_t ctid)
{
	struct persona_thread *parent = persona_self(), *t;
	struct thread_block *b;
	uint32_t i;
	long sel, r;

	if ((flags & (CLONE_VM | CLONE_SIGHAND)) != (CLONE_VM | CLONE_SIGHAND) ||
	    (flags & (CLONE_VFORK | CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)) ||
	    (flags & CLONE_PIDFD)) {
		return persona_enosys(f->nr, "thread flags %#llx", (unsigned long long)flags);
	}
	if (!(flags & CLONE_SETTLS)) {
		/* the gate tells threads apart by their TLS slot */
		return persona_enosys(f->nr, "a thread without CLONE_SETTLS");
	}
	if (f->way == WAY_INT80_64 || f->way == WAY_DIRECT) {
		return persona_enosys(f->nr, "threads of 64-bit code");
	}
	b = block_take(&i);
	if (!b)
		return -EAGAIN;     /* as the kernel says at its thread limit */
	t = &b->t;
	sel = persona_tls_for_thread(parent, t, tls, block_slot(i));
	if (sel < 0) {
		t->in_use = BLOCK_FREE;
		return sel;
	}
	memset(&b->sig, 0, sizeof(b->sig));
	b->sig.altstack.ss_flags = KSS_DISABLE;     /* none in a new thread */
	t->sig = &b->sig;
	memset(b->stats.calls, 0, sizeof(b->stats.calls));
	memset(b->stats.way, 0, sizeof(b->stats.way));
	t->stats = &b->stats;
	t->reflect_uc = 0;
	t->kstack_top = (uint64_t)(uintptr_t)(b->kstack + sizeof(b->kstack));
	t->tid = 0;
	t->prog_ctid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;
	t->settid_ctid = (flags & CLONE_CHILD_SETTID) ? ctid : 0;
	t->start_mask = sigmask_program();
	t->native_ctid = -1;
	/* the child resumes where the call returns, with eax 0, on its stack */
	t->frame = *f;
	t->frame.eax = 0;
	if (newsp)
		t->frame.esp = newsp;
	t->frame.gs = (uint16_t)sel;
	t->frame.host_rsp = 0;
	persona_thread_by_slot[block_slot(i)] = t;

	/* from now on another thread may run a site while it is patched */
	persona_multithreaded = 1;
	__atomic_add_fetch(&threads_alive, 1, __ATOMIC_SEQ_CST);
	r = persona_clone_thread((flags & CLONE_PASSED) | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID,
				 (void *)(uintptr_t)(t->kstack_top - 64),
				 (uint32_t *)(uintptr_t)ptid, &t->native_ctid, t);
	if (r < 0) {
		__atomic_sub_fetch(&threads_alive, 1, __ATOMIC_SEQ_CST);
		t->native_ctid = 0;
		t->in_use = BLOCK_FREE;
	}
	return r;
}

/* The child, on its personality stack: its own %gs first (persona_self()
 * and the gate find the thread by it), then the per-thread native state,
 * then i386 code. */
void persona_thread_start(struct persona_thread *t)
{
	struct {
		uint64_t ss_sp;
		int32_t  ss_flags, pad;
		uint64_t ss_size;
	} ss = { .ss_sp = (uint64_t)(uintptr_t)((struct thread_block *)t)->altstack,
		 .ss_size = PERSONA_ALTSTACK_SIZE };

	persona_load_gs(t->frame.gs);
	nsys2(__NR_sigaltstack, &ss, 0);
	/* Syscall User Dispatch is per thread and not inherited */
	persona_reflect_child();
	t->tid = (int32_t)nsys0(__NR_gettid);
	if (t->settid_ctid)
		copy_to_user(t->settid_ctid, &t->tid, sizeof(t->tid));
	/* the parent's mask as the program saw it (not a handler's, if the
	 * clone was reflected) */
	sigmask_set_program(t->start_mask);
	persona_gate_leave(&t->frame);
}

/* A leaving thread's counts go to the process's (other threads may be
 * adding theirs at the same moment). */
static void stats_fold(struct persona_stats *st)
{
	for (uint32_t k = 0; k < ARRAY_SIZE(st->calls); k++)
		if (st->calls[k])
			__atomic_add_fetch(&persona_stats.calls[k], st->calls[k], __ATOMIC_RELAXED);
	for (uint32_t k = 0; k < WAY_COUNT; k++)
		if (st->way[k])
			__atomic_add_fetch(&persona_stats.way[k], st->way[k], __ATOMIC_RELAXED);
	memset(st->calls, 0, sizeof(st->calls));
	memset(st->way, 0, sizeof(st->way));
}

/* exit (not exit_group): the calling thread ends. Returns 1 when it is
 * the last one, so the process ends with it. */
int persona_thread_exit_prepare(void)
{
	struct persona_thread *t = persona_self();
	int last = __atomic_sub_fetch(&threads_alive, 1, __ATOMIC_SEQ_CST) == 0;

	persona_robust_exit();      /* the kernel cannot walk an i386 robust list */
	if (t->prog_ctid) {
		/* what the kernel does for CLONE_CHILD_CLEARTID: pthread_join
		 * waits on this word */
		int32_t zero = 0;
		if (copy_to_user(t->prog_ctid, &zero, sizeof(zero)) == 0)
			nsys6(__NR_futex, t->prog_ctid, FUTEX_WAKE, 1, 0, 0, 0);
		t->prog_ctid = 0;
	}
	if (t != &persona_main_thread) {
		stats_fold(t->stats);
		t->in_use = BLOCK_EXITED;   /* reused once the kernel clears native_ctid */
	}
	return last;
}

/* --stats: the process's counts, the live threads' own added in. */
const struct persona_stats *persona_stats_total(void)
{
	static struct persona_stats sum;

	sum = persona_stats;
	for (uint32_t i = 0; i < PERSONA_THREADS_MAX; i++) {
		const struct thread_block *b = blocks[i];
		if (!b || b->t.in_use != BLOCK_RUNNING)
			continue;
		for (uint32_t k = 0; k < ARRAY_SIZE(sum.calls); k++)
			sum.calls[k] += b->stats.calls[k];
		for (uint32_t k = 0; k < WAY_COUNT; k++)
			sum.way[k] += b->stats.way[k];
	}
	return &sum;
}

/* The child of a fork: only the calling thread lives on; the others'
 * memory is a copy nobody uses. */
void persona_thread_after_fork(void)
{
	struct persona_thread *self = persona_self();

	self->tid = (int32_t)nsys0(__NR_gettid);
	threads_alive = 1;
	blocks_lock = 0;
	persona_patch_lock = 0;
	persona_robust_lock = 0;
	persona_hashdirs_lock = 0;
	persona_ring_lock = 0;
	for (uint32_t i = 0; i < PERSONA_THREADS_MAX; i++)
		if (blocks[i] && &blocks[i]->t != self) {
			blocks[i]->t.in_use = BLOCK_FREE;
			blocks[i]->t.native_ctid = 0;
		}
}

/* The running thread with this tid, or NULL (the %gs of a thread names it
 * except after the program loaded a selector of its own). */
struct persona_thread *persona_thread_by_tid(int32_t tid)
{
	for (uint32_t i = 0; i < PERSONA_THREADS_MAX; i++)
		if (blocks[i] && blocks[i]->t.in_use == BLOCK_RUNNING && blocks[i]->t.tid == tid)
			return &blocks[i]->t;
	return NULL;
}

int persona_threads_alive(void)
{
	return threads_alive;
}
