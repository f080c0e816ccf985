/* personality/c/xl/common.c — the converters several domains share: i386
 * time structs (timespec, timeval, itimerval, sigevent), iovec arrays, the
 * id count of a sysfs "possible" list, and the size check of an open
 * without O_LARGEFILE. The address-space allocator is xl/mem.c's, the
 * getdents cookie hashing xl/stat.c's: each keeps state of its own that
 * only its calls change (their functions are declared in xl/common.h). The
 * reader of /proc/self/maps, which the site patcher needs too, is
 * core/maps.c.
 */
#include "core/persona.h"
#include "core/i386_types.h"
#include "xl/common.h"
#include "xl/i386_time.h"

/* ---- conversions ------------------------------------------------------ */

long get_i386_timespec(struct __kernel_timespec *ts, uint32_t uaddr)
{
	struct i386_timespec t;

	if (copy_from_user(&t, uaddr, sizeof(t)))
		return -EFAULT;
	ts->tv_sec = t.tv_sec;
	ts->tv_nsec = t.tv_nsec;
	return 0;
}

long put_i386_timespec(uint32_t uaddr, const struct __kernel_timespec *ts)
{
	struct i386_timespec t = { (int32_t)ts->tv_sec, (int32_t)ts->tv_nsec };

	return copy_to_user(uaddr, &t, sizeof(t)) ? -EFAULT : 0;
}

long get_i386_timeval(struct __kernel_old_timeval *tv, uint32_t uaddr)
{
	struct i386_timeval t;

	if (copy_from_user(&t, uaddr, sizeof(t)))
		return -EFAULT;
	tv->tv_sec = t.tv_sec;
	tv->tv_usec = t.tv_usec;
	return 0;
}

long put_i386_timeval(uint32_t uaddr, const struct __kernel_old_timeval *tv)
{
	struct i386_timeval t = { (int32_t)tv->tv_sec, (int32_t)tv->tv_usec };

	return copy_to_user(uaddr, &t, sizeof(t)) ? -EFAULT : 0;
}

long get_i386_itimerspec(struct __kernel_itimerspec *its, uint32_t uaddr)
{
	struct i386_itimerspec t;

	if (copy_from_user(&t, uaddr, sizeof(t)))
		return -EFAULT;
	its->it_interval.tv_sec = t.it_interval.tv_sec;
	its->it_interval.tv_nsec = t.it_interval.tv_nsec;
	its->it_value.tv_sec = t.it_value.tv_sec;
	its->it_value.tv_nsec = t.it_value.tv_nsec;
	return 0;
}

long put_i386_itimerspec(uint32_t uaddr, const struct __kernel_itimerspec *its)
{
	struct i386_itimerspec t = {
		{ (int32_t)its->it_interval.tv_sec, (int32_t)its->it_interval.tv_nsec },
		{ (int32_t)its->it_value.tv_sec, (int32_t)its->it_value.tv_nsec },
	};

	return copy_to_user(uaddr, &t, sizeof(t)) ? -EFAULT : 0;
}

long get_i386_sigevent(struct native_sigevent *ev, uint32_t uaddr)
{
	/* value, signo, notify and tid: the first 16 bytes */
	struct { uint32_t value; int32_t signo, notify, tid; } t;

	if (copy_from_user(&t, uaddr, sizeof(t)))
		return -EFAULT;
	memset(ev, 0, sizeof(*ev));
	ev->sigev_value = t.value;
	ev->sigev_signo = t.signo;
	ev->sigev_notify = t.notify;
	ev->un.tid = t.tid;
	return 0;
}

/* ---- iovec arrays ------------------------------------------------------------ */

long get_i386_iovec(struct iov_buf *b, uint32_t uiov, uint32_t n)
{
	b->iov = b->local;
	b->mapped = 0;
	if (n > I386_UIO_MAXIOV)
		return -EINVAL;
	if (n > IOV_LOCAL) {
		uint64_t len = (uint64_t)n * sizeof(struct native_iovec);
		long p = nsys6(__NR_mmap, 0, len, 3 /* PROT_READ|PROT_WRITE */,
			       0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
		if (sysmsg_failed(p))
			return p;
		b->iov = (struct native_iovec *)p;
		b->mapped = len;
	}
	/* one element at a time: the first bad one decides the error, as in
	 * copy_compat_iovec_from_user */
	for (uint32_t i = 0; i < n; i++) {
		struct i386_iovec v;

		if (copy_from_user(&v, uiov + i * (uint32_t)sizeof(v), sizeof(v))) {
			put_iov_buf(b);
			return -EFAULT;
		}
		if (v.iov_len & 0x80000000u) {          /* negative as compat_ssize_t */
			put_iov_buf(b);
			return -EINVAL;
		}
		b->iov[i].iov_base = v.iov_base;
		b->iov[i].iov_len = v.iov_len;
	}
	return 0;
}

void put_iov_buf(struct iov_buf *b)
{
	if (b->mapped)
		nsys2(__NR_munmap, b->iov, b->mapped);
	b->mapped = 0;
	b->iov = b->local;
}

/* The number of ids in a sysfs "possible" list ("0", "0-3", "0,2-5"): the
 * last number plus one, as nr_cpu_ids and nr_node_ids are; 1 if the file
 * cannot be read. */
uint32_t persona_possible_ids(const char *path)
{
	char buf[256];
	long fd = nsys4(__NR_openat, -100, path, 0 /* O_RDONLY */, 0);
	long n = fd < 0 ? -1 : nsys3(__NR_read, fd, buf, sizeof(buf));
	uint32_t v = 0;

	if (fd >= 0)
		nsys1(__NR_close, fd);
	for (long i = 0; i < n; i++) {
		if (buf[i] >= '0' && buf[i] <= '9')
			v = v * 10 + (uint32_t)(buf[i] - '0');
		else if (buf[i] == '-' || buf[i] == ',')
			v = 0;
	}
	return n > 0 ? v + 1 : 1;
}
