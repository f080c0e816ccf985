/* personality/c/core/ring.c — the io_uring route of the executor.
 *
 * A batch whose operations io_uring can do is written into the submission
 * ring and handed to the kernel as ONE message (io_uring_enter) through the
 * submit stub, like every other native call (the ring adds no trap of its
 * own; personality/asm/submit.asm lists the few stubs that trap elsewhere). Set up lazily on
 * first use with raw messages (the image has no libc, so liburing's library
 * calls are out; the uapi structures are all we need). A linked message maps
 * to IOSQE_IO_LINK on its predecessor, which io_uring cancels with
 * -ECANCELED, the same contract as the direct route — except that io_uring
 * also breaks a link on a short read or write.
 */
#include "core/persona.h"
#include "core/plock.h"
#include "core/sysent_types.h"
#include "core/lfs.h"
#include <linux/io_uring.h>
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

#define RING_ENTRIES 256
/* The ring's fd is moved up here so the program's lowest free fd stays free. */
#define RING_FD_FLOOR 900
#define F_DUPFD_CLOEXEC 1030

struct ring {
	int      fd;                 /* -1: not set up; -2: io_uring unavailable */
	uint32_t *sq_head, *sq_tail, *sq_mask, *sq_array;
	uint32_t *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static struct ring ring = { .fd = -1 };

static int ring_setup(void)
{
	struct io_uring_params p;
	long fd, sq, cq, sqes;
	size_t sq_len, cq_len;

	memset(&p, 0, sizeof(p));
	fd = nsys2(__NR_io_uring_setup, RING_ENTRIES, &p);
	if (fd < 0)
		goto unavailable;
	long hi = nsys3(__NR_fcntl, fd, F_DUPFD_CLOEXEC, RING_FD_FLOOR);
	if (hi >= 0) {
		nsys1(__NR_close, fd);
		fd = hi;
	}
	sq_len = p.sq_off.array + p.sq_entries * sizeof(uint32_t);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP)
		sq_len = cq_len = sq_len > cq_len ? sq_len : cq_len;
	sq = nsys6(__NR_mmap, 0, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
	cq = (p.features & IORING_FEAT_SINGLE_MMAP) ? sq :
	     nsys6(__NR_mmap, 0, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
	sqes = nsys6(__NR_mmap, 0, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (sysmsg_failed(sq) || sysmsg_failed(cq) || sysmsg_failed(sqes)) {
		nsys1(__NR_close, fd);
		goto unavailable;
	}
	ring.sq_head  = (uint32_t *)(sq + p.sq_off.head);
	ring.sq_tail  = (uint32_t *)(sq + p.sq_off.tail);
	ring.sq_mask  = (uint32_t *)(sq + p.sq_off.ring_mask);
	ring.sq_array = (uint32_t *)(sq + p.sq_off.array);
	ring.cq_head  = (uint32_t *)(cq + p.cq_off.head);
	ring.cq_tail  = (uint32_t *)(cq + p.cq_off.tail);
	ring.cq_mask  = (uint32_t *)(cq + p.cq_off.ring_mask);
	ring.cqes     = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	ring.sqes     = (struct io_uring_sqe *)sqes;
	ring.fd = (int)fd;
	return 0;
unavailable:
	plog("io_uring unavailable (%ld): batches take the direct route", fd < 0 ? fd : -1L);
	ring.fd = -2;
	return -1;
}

/* The io_uring operation that does what a native call does, or -1.
 * pread64 and pwrite64 are not among them: io_uring takes an offset of -1
 * as "the file position" where the call says EINVAL, and on a pipe or a
 * socket it ignores the offset where the call says ESPIPE. */
static int ring_op_of(uint32_t native_nr)
{
	switch (native_nr) {
	case __NR_read:
		return IORING_OP_READ;
	case __NR_write:
		return IORING_OP_WRITE;
	case __NR_readv:
		return IORING_OP_READV;
	case __NR_writev:
		return IORING_OP_WRITEV;
	case __NR_fsync:
	case __NR_fdatasync:
		return IORING_OP_FSYNC;
	case __NR_close:
		return IORING_OP_CLOSE;
	default:
		return -1;
	}
}

/* Fill an SQE for a native call whose operation ring_op_of() knows, from
 * its first three arguments: the descriptor, and for read and write the
 * address and the length. These are the SQE's own 32-bit and 64-bit fields,
 * so a call of a batch fills it straight from its i386 registers, which
 * the rows the ring does (read, write: fd,p,u; close, fsync, fdatasync: fd)
 * hold exactly as widening would make them, truncated to those fields.
 * The whole SQE is written with plain stores: the compiler keeps the eight
 * words in registers instead of zeroing first. */
static void ring_prep(struct io_uring_sqe *s, uint32_t native_nr, int op, int32_t fd, uint64_t addr, uint32_t len)
{
	int rw = native_nr == __NR_read || native_nr == __NR_write ||
		 native_nr == __NR_readv || native_nr == __NR_writev;

	*s = (struct io_uring_sqe){
		.opcode = (uint8_t)op,
		.fd = fd,
		.addr = rw ? addr : 0,
		.len = rw ? len : 0,
		.off = rw ? (uint64_t)-1 : 0,   /* the file position, as read(2) */
		.fsync_flags = native_nr == __NR_fdatasync ? IORING_FSYNC_DATASYNC : 0,
	};
}

RETURNS_BY_RET int persona_ring_can(uint32_t native_nr)
{
	return ring_op_of(native_nr) >= 0;
}

/* One ring per process: a thread that finds it in use by another (whose
 * batch may block for long) takes the direct route instead of waiting. */
static int ring_trylock(void)
{
	uint32_t free_ = 0;
	return __atomic_compare_exchange_n(&persona_ring_lock, &free_, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static void ring_unlock(void)
{
	__atomic_store_n(&persona_ring_lock, 0, __ATOMIC_RELEASE);
}

/* The ring, taken for one batch: set up on first use; 0, or -1 when
 * io_uring is unavailable or the batch is too large for it. */
static int ring_ready(uint32_t count)
{
	if (count > RING_ENTRIES)
		return -1;
	if (ring.fd == -1)
		ring_setup();
	return ring.fd < 0 ? -1 : 0;
}

/* The count SQEs filled from the tail on go in with one io_uring_enter;
 * each result lands in msgs[user_data] (marked done) or, with msgs NULL,
 * in calls[user_data]. */
static void ring_enter(uint32_t count, struct sysmsg *msgs, struct persona_batch_call *calls)
{
	uint32_t head, seen = 0;
	struct sysmsg enter;

	__atomic_store_n(ring.sq_tail, *ring.sq_tail + count, __ATOMIC_RELEASE);
	enter = (struct sysmsg){ .nr = __NR_io_uring_enter,
		.args = { (uint64_t)ring.fd, count, count, IORING_ENTER_GETEVENTS, 0, 0 } };
	persona_submit(&enter, 1);
	if (sysmsg_failed(enter.result) && enter.result != -EINTR) {
		for (uint32_t i = 0; i < count; i++)
			if (msgs)
				msgs[i].result = enter.result, msgs[i].flags |= SYSMSG_DONE;
			else
				calls[i].result = (int32_t)enter.result;
		return;
	}
	/* Every CQE the kernel has posted is taken at once, and the head
	 * moved once for them all: two accesses to the shared ring words per
	 * pass, not per CQE. */
	const uint32_t mask = *ring.cq_mask;
	head = *ring.cq_head;
	while (seen < count) {
		uint32_t tail = __atomic_load_n(ring.cq_tail, __ATOMIC_ACQUIRE);
		if (head == tail) {
			/* interrupted or not all complete yet: wait for the rest */
			enter.args[1] = 0;
			enter.args[2] = count - seen;
			persona_submit(&enter, 1);
			continue;
		}
		for (; head != tail; head++) {
			const struct io_uring_cqe *c = &ring.cqes[head & mask];
			if (c->user_data >= count)
				continue;
			if (msgs) {
				msgs[c->user_data].result = c->res;
				msgs[c->user_data].flags |= SYSMSG_DONE;
			} else {
				calls[c->user_data].result = c->res;
			}
			seen++;
		}
		__atomic_store_n(ring.cq_head, head, __ATOMIC_RELEASE);
	}
}

/* Where a batch's SQEs go: from the submission tail on, read once per
 * batch (only this thread moves it, under the ring's lock). */
struct ring_slots {
	uint32_t tail, mask;
};

static struct ring_slots ring_slots(void)
{
	return (struct ring_slots){ *ring.sq_tail, *ring.sq_mask };
}

/* The SQE for the i-th of a batch's operations. */
static struct io_uring_sqe *ring_slot(struct ring_slots at, uint32_t i)
{
	uint32_t idx = (at.tail + i) & at.mask;

	ring.sq_array[idx] = idx;
	return &ring.sqes[idx];
}

/* Run msgs[0..count) as one io_uring submission; -1 if the ring cannot take
 * the batch (then nothing has run and the caller takes the direct route). */
static long ring_run(struct sysmsg *msgs, uint32_t count)
{
	uint32_t i;

	if (ring_ready(count))
		return -1;
	for (i = 0; i < count; i++)             /* all or nothing: check first */
		if (ring_op_of(msgs[i].nr) < 0)
			return -1;
	struct ring_slots at = ring_slots();
	for (i = 0; i < count; i++) {
		struct io_uring_sqe *s = ring_slot(at, i);
		const struct sysmsg *m = &msgs[i];

		ring_prep(s, m->nr, ring_op_of(m->nr), (int32_t)m->args[0], m->args[1], (uint32_t)m->args[2]);
		s->user_data = i;
		if (i + 1 < count && (msgs[i + 1].flags & SYSMSG_LINKED))
			s->flags |= IOSQE_IO_LINK;
	}
	ring_enter(count, msgs, NULL);
	return count;
}

/* A persona_batch straight onto the ring, one copy between the program's
 * calls and the kernel's: each call's SQE is filled from its i386
 * arguments (ring_prep says why they need no widening), and each CQE's
 * result stored in its call; no message, and no array of them, between
 * (batch.c's general path keeps one, for the direct route and for batches
 * that mix rows). With table_route, only rows whose route is the ring and
 * a batch that reaches their thresholds. A link flag on the first call
 * links it to nothing, as on the general path. 1 when the whole batch ran
 * so; 0 when some call cannot (a row the ring does not do, a descriptor
 * lfs.c must see, a flag or reserved field that batch.c refuses): then
 * nothing has run and the caller takes the general path;
 * also 0 when the ring is unavailable or another thread holds it. */
int persona_ring_calls(struct persona_batch_call *calls, uint32_t count, int table_route)
{
	int done = 0;

	if (!ring_trylock())
		return 0;
	if (ring_ready(count))
		goto out;
	struct ring_slots at = ring_slots();
	const struct sysent *e = NULL;
	uint32_t same_nr = ~0u;
	int op = -1;
	for (uint32_t i = 0; i < count; i++) {
		const struct persona_batch_call *c = &calls[i];

		/* The tests of a call depend on its number, its flags and
		 * reserved word and, only while a descriptor is marked (lfs.c),
		 * its arguments. So in a run of calls of one number (the common
		 * batch: many writes) with neither flags nor marks, the first
		 * call's tests hold for the rest: the row is looked up once. */
		if (c->nr != same_nr || c->flags || c->reserved || persona_lfs_marked) {
			e = persona_batch_message_row(c);
			if (!e || (table_route && (e->route != ROUTE_RING || count < e->thr)) ||
			    (op = ring_op_of((uint32_t)e->tnr)) < 0)
				goto out;       /* the tail has not moved: nothing runs */
			same_nr = c->flags || c->reserved ? ~0u : c->nr;
		}
		struct io_uring_sqe *s = ring_slot(at, i);
		ring_prep(s, (uint32_t)e->tnr, op, (int32_t)c->args[0], c->args[1], c->args[2]);
		s->user_data = i;
		if (i + 1 < count && (calls[i + 1].flags & PERSONA_BATCH_LINKED))
			s->flags |= IOSQE_IO_LINK;
	}
	ring_enter(count, NULL, calls);
	done = 1;
out:
	ring_unlock();
	return done;
}

long persona_batch_run(struct sysmsg *msgs, uint32_t count, uint32_t route)
{
	if (route == SYSMSG_ROUTE_RING && ring_trylock()) {
		long r = ring_run(msgs, count);
		ring_unlock();
		if (r >= 0)
			return count;
	}
	return persona_submit(msgs, count);
}
