/* personality/c/xl/poll.c — select, pselect6 and ppoll for i386.
 *
 * fd_set: an i386 fd_set is an array of 32-bit longs, x86-64's of 64-bit
 * longs. On little-endian both put fd k at bit k%8 of byte k/8, but the
 * kernel copies whole longs: for n fds the i386 kernel reads and writes
 * ceil(n/32)*4 bytes, the native one ceil(n/64)*8. When those agree (an even
 * number of 32-bit words) the i386 sets are handed to the native call as
 * they are; otherwise the native call would touch 4 bytes beyond the i386
 * set, so the sets are copied into local 64-bit sets and back.
 *
 * Timeouts: every form runs as native pselect6 on a local timespec, which the
 * kernel updates with the time left; that is then stored back in the i386
 * format, as the kernel's poll_select_finish() does (not for a zero timeout,
 * and a store that faults is ignored).
 *
 * Signal masks: a temporary mask is the program's view; the native call
 * gets the image's version of it (its own signals open, deferred ones
 * blocked, ksig.h). When a deferred signal is open under the mask the
 * program already has a signal: the call polls once without waiting and
 * reports EINTR if nothing was ready, as the kernel does with a pending one.
 *
 * epoll_event is the same packed 12 bytes on both ABIs and poll's pollfd the
 * same 8 bytes, so poll, epoll_wait and epoll_ctl are PASS rows.
 */
#include "core/persona.h"
#include "xl/i386_time.h"
#include "signal/ksig.h"
#include <linux/mman.h>

#define NSEC_PER_SEC  1000000000L
#define USEC_PER_SEC  1000000L
#define NSEC_PER_USEC 1000L

/* The i386 sigset_t the kernel's compat layer accepts: 64 signals. */
#define I386_SIGSET_SIZE 8

/* fd sets up to this many fds are converted on the stack, larger ones in a
 * temporary native mapping. */
#define FDSET_LOCAL_BITS 4096
/* The kernel clamps n to the size of the descriptor table, which never
 * exceeds fs.nr_open (2^20 by default); clamping to that bound, a multiple
 * of 64, keeps an absurd n from staging gigabytes and changes nothing
 * else. Between the table size and this bound an odd number of words is
 * still staged whole, so the bytes past the table size are stored back as
 * zeros where the kernel leaves them alone (they describe no open fd). */
#define SELECT_N_BOUND (1 << 20)

enum tmo_kind { TMO_TIMEVAL32, TMO_TIMESPEC32, TMO_TIMESPEC64 };

struct fdsets {
	uint32_t user[3];           /* i386 addresses (0 = none) */
	void    *native[3];         /* what the native call gets */
	size_t   bytes;             /* i386 bytes per set: ceil(n/32)*4 */
	uint64_t *buf;              /* the local copies, 3 sets, when converted */
	size_t   maplen;            /* non-zero: buf is a temporary mapping */
	uint64_t local[3][FDSET_LOCAL_BITS / 64];
};

static long fdsets_in(struct fdsets *s, int32_t n, uint32_t in, uint32_t out, uint32_t ex)
{
	size_t words32 = ((size_t)(uint32_t)n + 31) / 32, stride;

	s->user[0] = in;
	s->user[1] = out;
	s->user[2] = ex;
	s->bytes = words32 * 4;
	s->buf = NULL;
	s->maplen = 0;
	if (words32 % 2 == 0) {
		for (int i = 0; i < 3; i++)
			s->native[i] = uptr(s->user[i]);
		return 0;
	}
	stride = (words32 + 1) * 4;     /* rounded up to whole 64-bit longs */
	if ((size_t)n <= FDSET_LOCAL_BITS) {
		s->buf = &s->local[0][0];
		stride = sizeof(s->local[0]);
	} else {
		long p = nsys6(__NR_mmap, 0, 3 * stride, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p < 0)
			return -ENOMEM;
		s->buf = (uint64_t *)p;
		s->maplen = 3 * stride;
	}
	for (int i = 0; i < 3; i++) {
		uint8_t *set = (uint8_t *)s->buf + i * stride;
		if (!s->user[i]) {
			s->native[i] = NULL;
			continue;
		}
		s->native[i] = set;
		memset(set + s->bytes, 0, stride - s->bytes);
		if (copy_from_user(set, s->user[i], s->bytes))
			return -EFAULT;
	}
	return 0;
}

/* Stores the result sets back (only after success, like the kernel). */
static long fdsets_out(struct fdsets *s, long r)
{
	if (s->buf && r >= 0) {
		for (int i = 0; i < 3; i++)
			if (s->user[i] && copy_to_user(s->user[i], s->native[i], s->bytes))
				r = -EFAULT;
	}
	if (s->maplen)
		nsys2(__NR_munmap, s->buf, s->maplen);
	return r;
}

/* Reads and checks a timeout into a normalized native timespec.
 * 1: there is one, 0: none (NULL), or -EFAULT / -EINVAL. */
static long timeout_in(struct __kernel_timespec *ts, uint32_t u, enum tmo_kind kind)
{
	int64_t sec, nsec;

	if (!u)
		return 0;
	if (kind == TMO_TIMEVAL32) {
		struct i386_timeval tv;
		if (copy_from_user(&tv, u, sizeof(tv)))
			return -EFAULT;
		/* select() folds whole seconds of tv_usec into tv_sec */
		sec = (int64_t)tv.tv_sec + tv.tv_usec / USEC_PER_SEC;
		nsec = (int64_t)(tv.tv_usec % USEC_PER_SEC) * NSEC_PER_USEC;
	} else if (kind == TMO_TIMESPEC32) {
		struct i386_timespec t;
		if (copy_from_user(&t, u, sizeof(t)))
			return -EFAULT;
		sec = t.tv_sec;
		nsec = t.tv_nsec;
	} else {
		struct __kernel_timespec t;
		if (copy_from_user(&t, u, sizeof(t)))
			return -EFAULT;
		sec = t.tv_sec;
		nsec = t.tv_nsec;
	}
	if (sec < 0 || nsec < 0 || nsec >= NSEC_PER_SEC)
		return -EINVAL;
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return 1;
}

/* The time left, in the caller's format; a fault is ignored. */
static void timeout_out(uint32_t u, const struct __kernel_timespec *left, enum tmo_kind kind)
{
	if (kind == TMO_TIMEVAL32) {
		struct i386_timeval tv = { (int32_t)left->tv_sec, (int32_t)(left->tv_nsec / NSEC_PER_USEC) };
		copy_to_user(u, &tv, sizeof(tv));
	} else if (kind == TMO_TIMESPEC32) {
		struct i386_timespec t = { (int32_t)left->tv_sec, (int32_t)left->tv_nsec };
		copy_to_user(u, &t, sizeof(t));
	} else {
		copy_to_user(u, left, sizeof(*left));
	}
}

/* A signal mask argument: checks the size and reads the mask, so that the
 * native call cannot fail on it after the fd sets were converted; turns it
 * into the native mask and says whether a signal is pending for it. */
static long sigmask_in(uint64_t *mask, uint32_t umask, uint32_t size, int *pending)
{
	*pending = 0;
	if (!umask)
		return 0;
	if (size != I386_SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(mask, umask, sizeof(*mask)))
		return -EFAULT;
	*mask = sigmask_for_wait(*mask, pending);
	return 1;
}

static const struct __kernel_timespec no_wait = { 0, 0 };

static long do_select(int32_t n, uint32_t in, uint32_t out, uint32_t ex,
		      uint32_t utmo, enum tmo_kind kind, uint32_t umask, uint32_t masksize)
{
	struct __kernel_timespec ts;
	struct { const uint64_t *mask; uint64_t size; } pack;
	uint64_t mask;
	struct fdsets sets;
	long has_tmo, has_mask, r;
	int nonzero, pending;

	has_tmo = timeout_in(&ts, utmo, kind);
	if (has_tmo < 0)
		return has_tmo;
	has_mask = sigmask_in(&mask, umask, masksize, &pending);
	if (has_mask < 0)
		return has_mask;
	nonzero = has_tmo && (ts.tv_sec || ts.tv_nsec);
	if (n > SELECT_N_BOUND)
		n = SELECT_N_BOUND;
	if (n < 0) {
		r = -EINVAL;
	} else {
		r = fdsets_in(&sets, n, in, out, ex);
		if (r == 0) {
			pack.mask = &mask;
			pack.size = sizeof(mask);
			struct __kernel_timespec idle = no_wait;
			r = nsys6(__NR_pselect6, n, (long)sets.native[0], (long)sets.native[1],
				  (long)sets.native[2], (long)(pending ? &idle : has_tmo ? &ts : NULL),
				  (long)(has_mask ? &pack : NULL));
			if (pending && r == 0)
				r = -EINTR;
		}
		r = fdsets_out(&sets, r);
	}
	if (nonzero)
		timeout_out(utmo, &ts, kind);
	return r;
}

XL(_newselect)
{
	return do_select((int32_t)ARG0(f), ARG1(f), ARG2(f), ARG3(f), ARG4(f), TMO_TIMEVAL32, 0, 0);
}

/* The old select takes one pointer to its five arguments. */
XL(select)
{
	struct { uint32_t n, in, out, ex, tvp; } a;

	if (copy_from_user(&a, ARG0(f), sizeof(a)))
		return -EFAULT;
	return do_select((int32_t)a.n, a.in, a.out, a.ex, a.tvp, TMO_TIMEVAL32, 0, 0);
}

/* The sixth argument points to { sigset pointer, sigset size }, two i386
 * words; it is read before anything else. */
static long do_pselect6(struct i386_frame *f, enum tmo_kind kind)
{
	struct { uint32_t mask, size; } pack = { 0, 0 };

	if (ARG5(f) && copy_from_user(&pack, ARG5(f), sizeof(pack)))
		return -EFAULT;
	return do_select((int32_t)ARG0(f), ARG1(f), ARG2(f), ARG3(f), ARG4(f), kind, pack.mask, pack.size);
}

XL(pselect6)
{
	return do_pselect6(f, TMO_TIMESPEC32);
}

XL(pselect6_time64)
{
	return do_pselect6(f, TMO_TIMESPEC64);
}

static long do_ppoll(struct i386_frame *f, enum tmo_kind kind)
{
	struct __kernel_timespec ts, idle = no_wait;
	uint64_t mask;
	long has_tmo, has_mask, r;
	int nonzero, pending;

	has_tmo = timeout_in(&ts, ARG2(f), kind);
	if (has_tmo < 0)
		return has_tmo;
	has_mask = sigmask_in(&mask, ARG3(f), ARG4(f), &pending);
	if (has_mask < 0)
		return has_mask;
	nonzero = has_tmo && (ts.tv_sec || ts.tv_nsec);
	r = nsys5(__NR_ppoll, wide_u32(ARG0(f)), wide_u32(ARG1(f)),
		  pending ? &idle : has_tmo ? &ts : NULL, has_mask ? &mask : NULL, sizeof(mask));
	if (pending && r == 0)
		r = -EINTR;
	if (nonzero)
		timeout_out(ARG2(f), &ts, kind);
	return r;
}

XL(ppoll)
{
	return do_ppoll(f, TMO_TIMESPEC32);
}

XL(ppoll_time64)
{
	return do_ppoll(f, TMO_TIMESPEC64);
}

/* epoll_pwait: the mask is checked before the descriptor, as the kernel does */
XL(epoll_pwait)
{
	uint64_t mask;
	int pending;
	long has_mask = sigmask_in(&mask, ARG4(f), ARG5(f), &pending), r;

	if (has_mask < 0)
		return has_mask;
	r = nsys6(__NR_epoll_pwait, wide_s32(ARG0(f)), wide_u32(ARG1(f)), wide_s32(ARG2(f)),
		  pending ? 0 : wide_s32(ARG3(f)), (long)(has_mask ? &mask : NULL), sizeof(mask));
	return pending && r == 0 ? -EINTR : r;
}

/* epoll_pwait2: a struct __kernel_timespec timeout, read and checked first */
XL(epoll_pwait2)
{
	struct __kernel_timespec ts, idle = no_wait;
	uint64_t mask;
	int pending;
	long has_tmo = timeout_in(&ts, ARG3(f), TMO_TIMESPEC64), has_mask, r;

	if (has_tmo < 0)
		return has_tmo;
	has_mask = sigmask_in(&mask, ARG4(f), ARG5(f), &pending);
	if (has_mask < 0)
		return has_mask;
	r = nsys6(__NR_epoll_pwait2, wide_s32(ARG0(f)), wide_u32(ARG1(f)), wide_s32(ARG2(f)),
		  (long)(pending ? &idle : has_tmo ? &ts : NULL), (long)(has_mask ? &mask : NULL),
		  sizeof(mask));
	return pending && r == 0 ? -EINTR : r;
}

/* ---- io_getevents / io_pgetevents -------------------------------------- */
/* struct io_event is 32 bytes of 64-bit fields on both ABIs; the context id
 * is a 32-bit address (io_setup keeps the ring below 4 GiB). */

XL(io_getevents)
{
	struct __kernel_timespec ts;

	if (ARG4(f) && get_i386_timespec(&ts, ARG4(f)))
		return -EFAULT;
	return nsys5(__NR_io_getevents, wide_u32(ARG0(f)), wide_s32(ARG1(f)), wide_s32(ARG2(f)),
		     wide_u32(ARG3(f)), ARG4(f) ? &ts : NULL);
}

/* The sixth argument points to { sigset pointer, sigset size }: i386 words. */
static long do_io_pgetevents(struct i386_frame *f, enum tmo_kind kind)
{
	struct __kernel_timespec ts, idle = no_wait;
	struct { uint32_t mask, size; } sig32 = { 0, 0 };
	struct { uint64_t mask, size; } sig;
	uint64_t mask;
	long has_mask, r;
	int pending;

	if (ARG4(f)) {
		if (kind == TMO_TIMESPEC32 ? get_i386_timespec(&ts, ARG4(f))
					   : copy_from_user(&ts, ARG4(f), sizeof(ts)))
			return -EFAULT;
	}
	if (ARG5(f) && copy_from_user(&sig32, ARG5(f), sizeof(sig32)))
		return -EFAULT;
	has_mask = sigmask_in(&mask, sig32.mask, sig32.size, &pending);
	if (has_mask < 0)
		return has_mask;
	sig.mask = has_mask ? (uint64_t)&mask : 0;
	sig.size = sig32.size;
	r = nsys6(__NR_io_pgetevents, wide_u32(ARG0(f)), wide_s32(ARG1(f)),
		  wide_s32(ARG2(f)), wide_u32(ARG3(f)),
		  (long)(pending ? &idle : ARG4(f) ? &ts : NULL), (long)(ARG5(f) ? &sig : NULL));
	return pending && r == 0 ? -EINTR : r;
}

XL(io_pgetevents)
{
	return do_io_pgetevents(f, TMO_TIMESPEC32);
}

XL(io_pgetevents_time64)
{
	return do_io_pgetevents(f, TMO_TIMESPEC64);
}
