/* personality/c/xl_poll.c — select, pselect6 and ppoll for i386.
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
 * epoll_event is the same packed 12 bytes on both ABIs and poll's pollfd the
 * same 8 bytes, so poll, epoll_* and ppoll_time64 are PASS rows.
 */
#include "persona.h"
#include "i386_time.h"
#include <linux/mman.h>

#define NSEC_PER_SEC  1000000000L
#define USEC_PER_SEC  1000000L
#define NSEC_PER_USEC 1000L

/* The i386 sigset_t the kernel's compat layer accepts: 64 signals. */
#define I386_SIGSET_SIZE 8

/* fd sets up to this many fds are converted on the stack, larger ones in a
 * temporary native mapping. */
#define FDSET_LOCAL_BITS 4096

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
 * native call cannot fail on it after the fd sets were converted. */
static long sigmask_in(uint64_t *mask, uint32_t umask, uint32_t size)
{
	if (!umask)
		return 0;
	if (size != I386_SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(mask, umask, sizeof(*mask)))
		return -EFAULT;
	return 1;
}

static long do_select(int32_t n, uint32_t in, uint32_t out, uint32_t ex,
		      uint32_t utmo, enum tmo_kind kind, uint32_t umask, uint32_t masksize)
{
	struct __kernel_timespec ts;
	struct { const uint64_t *mask; uint64_t size; } pack;
	uint64_t mask;
	struct fdsets sets;
	long has_tmo, has_mask, r;
	int nonzero;

	has_tmo = timeout_in(&ts, utmo, kind);
	if (has_tmo < 0)
		return has_tmo;
	has_mask = sigmask_in(&mask, umask, masksize);
	if (has_mask < 0)
		return has_mask;
	nonzero = has_tmo && (ts.tv_sec || ts.tv_nsec);
	if (n < 0) {
		r = -EINVAL;
	} else {
		r = fdsets_in(&sets, n, in, out, ex);
		if (r == 0) {
			pack.mask = &mask;
			pack.size = sizeof(mask);
			r = nsys6(__NR_pselect6, n, (long)sets.native[0], (long)sets.native[1],
				  (long)sets.native[2], (long)(has_tmo ? &ts : NULL),
				  (long)(has_mask ? &pack : NULL));
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

XL(ppoll)
{
	struct __kernel_timespec ts;
	uint64_t mask;
	long has_tmo, has_mask, r;
	int nonzero;

	has_tmo = timeout_in(&ts, ARG2(f), TMO_TIMESPEC32);
	if (has_tmo < 0)
		return has_tmo;
	has_mask = sigmask_in(&mask, ARG3(f), ARG4(f));
	if (has_mask < 0)
		return has_mask;
	nonzero = has_tmo && (ts.tv_sec || ts.tv_nsec);
	r = nsys5(__NR_ppoll, wide_u32(ARG0(f)), wide_u32(ARG1(f)), has_tmo ? &ts : NULL,
		  has_mask ? &mask : NULL, sizeof(mask));
	if (nonzero)
		timeout_out(ARG2(f), &ts, TMO_TIMESPEC32);
	return r;
}
