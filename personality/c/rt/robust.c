/* personality/c/rt/robust.c — the i386 robust futex lists.
 *
 * set_robust_list and get_robust_list, and the walk the kernel makes when a
 * thread exits: here because the exit of a thread (rt/thread.c,
 * rt/process.c) needs it, and the table reaches the two calls.
 */
#include "core/persona.h"
#include "core/plock.h"
#include "core/sysent_types.h"
#include "rt/thread.h"

/* i386 struct robust_list_head */
struct i386_robust_list_head {
	uint32_t list_next;
	int32_t  futex_offset;
	uint32_t list_op_pending;
};
_Static_assert(sizeof(struct i386_robust_list_head) == 12, "i386 compat_robust_list_head");

/* ---- robust futex lists -----------------------------------------------------
 * The i386 head holds 32-bit pointers. The kernel walks a registered list
 * with the layout of the call that registered it, so a native registration
 * would be walked with 64-bit pointers and corrupt the program's memory.
 * The heads are kept here, one per thread (by tid), and
 * persona_robust_exit() walks the calling thread's list as the kernel's
 * exit_robust_list() does: the thread-exit path calls it. */

#define ROBUST_SLOTS 256
#define ROBUST_LIST_LIMIT 2048
#define FUTEX_WAITERS_    0x80000000u
#define FUTEX_OWNER_DIED_ 0x40000000u
#define FUTEX_TID_MASK_   0x3fffffffu
#define FUTEX_WAKE_       1

static struct { int32_t tid; uint32_t head; } robust[ROBUST_SLOTS];

/* threads register and leave at once: the table changes under a lock */

static int robust_slot(int32_t tid, int create)
{
	int free = -1, found = -1;

	plock_acquire(&persona_robust_lock);
	for (int i = 0; i < ROBUST_SLOTS; i++) {
		if (robust[i].tid == tid) {
			found = i;
			break;
		}
		if (free < 0 && robust[i].tid == 0)
			free = i;
	}
	if (found < 0 && create && free >= 0) {
		robust[free].tid = tid;
		found = free;
	}
	plock_release(&persona_robust_lock);
	return found;
}

XL(set_robust_list)
{
	int slot;

	if (ARG1(f) != sizeof(struct i386_robust_list_head))
		return -EINVAL;
	slot = robust_slot((int32_t)nsys0(__NR_gettid), 1);
	if (slot < 0)
		return persona_enosys(f->nr, "more threads than robust-list slots");
	robust[slot].head = ARG0(f);
	return 0;
}

XL(get_robust_list)
{
	uint32_t len = sizeof(struct i386_robust_list_head);
	int32_t tid = (int32_t)ARG0(f);
	int slot;

	if (tid == 0)
		tid = (int32_t)nsys0(__NR_gettid);
	else if (nsys2(__NR_kill, tid, 0) == -ESRCH)
		return -ESRCH;
	slot = robust_slot(tid, 0);
	if (copy_to_user(ARG2(f), &len, sizeof(len)))
		return -EFAULT;
	return copy_to_user(ARG1(f), slot < 0 ? &(uint32_t){ 0 } : &robust[slot].head, sizeof(uint32_t));
}

/* Marks one futex word owned by tid as OWNER_DIED and wakes a waiter. */
static void robust_release(uint32_t uaddr, int32_t tid, int pending)
{
	uint32_t v;

	for (;;) {
		if (copy_from_user(&v, uaddr, sizeof(v)))
			return;
		if ((v & FUTEX_TID_MASK_) != (uint32_t)tid) {
			/* a pending op that never took the lock: wake someone anyway */
			if (pending && v == 0)
				nsys3(__NR_futex, (uint64_t)uaddr, FUTEX_WAKE_, 1);
			return;
		}
		/* another thread may change the word meanwhile: retry with
		 * the value found */
		long r = cmpxchg_user_u32(uaddr, &v, (v & FUTEX_WAITERS_) | FUTEX_OWNER_DIED_);
		if (r < 0)
			return;
		if (r == 1) {
			if (v & FUTEX_WAITERS_)
				nsys3(__NR_futex, (uint64_t)uaddr, FUTEX_WAKE_, 1);
			return;
		}
	}
}

void persona_robust_exit(void)
{
	int32_t tid = (int32_t)nsys0(__NR_gettid);
	int slot = robust_slot(tid, 0);
	struct i386_robust_list_head h;
	uint32_t entry, pending;

	if (slot < 0)
		return;
	uint32_t head = robust[slot].head;
	/* the slot is another thread's to take from here on */
	__atomic_store_n(&robust[slot].tid, 0, __ATOMIC_RELEASE);
	if (copy_from_user(&h, head, sizeof(h)))
		return;
	/* bit 0 of an entry pointer marks a PI futex; the word is the same */
	pending = h.list_op_pending & ~1u;
	entry = h.list_next & ~1u;
	for (int n = 0; entry != head && entry && n < ROBUST_LIST_LIMIT; n++) {
		uint32_t next;

		if (copy_from_user(&next, entry, sizeof(next)))
			break;
		if (entry != pending)
			robust_release(entry + (uint32_t)h.futex_offset, tid, 0);
		entry = next & ~1u;
	}
	if (pending)
		robust_release(pending + (uint32_t)h.futex_offset, tid, 1);
}
