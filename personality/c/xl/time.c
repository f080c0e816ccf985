/* personality/c/xl/time.c — i386 time calls with 32-bit time structures.
 *
 * Each handler converts the i386 structure to the native one, issues the
 * native call, and converts the result back, in the order the kernel's
 * compat layer reads and writes user memory, so that a bad pointer gives the
 * same -EFAULT at the same point. The *_time64 calls share x86-64's layouts
 * and are PASS rows of the table.
 */
#include "core/persona.h"
#include "xl/i386_time.h"
#include "rt/vclock.h"
#include <linux/time.h>
#include <linux/timex.h>

/* An address the kernel never reads (its own half): a native call given it
 * makes every check it makes before reading, then fails with -EFAULT. */
#define FAULT_ADDR ((long)-4096)

/* ---- itimerval: only the itimer calls take one ------------------------ */

static long get_i386_itimerval(struct __kernel_old_itimerval *itv, uint32_t uaddr)
{
	struct i386_itimerval t;

	if (copy_from_user(&t, uaddr, sizeof(t)))
		return -EFAULT;
	itv->it_interval.tv_sec = t.it_interval.tv_sec;
	itv->it_interval.tv_usec = t.it_interval.tv_usec;
	itv->it_value.tv_sec = t.it_value.tv_sec;
	itv->it_value.tv_usec = t.it_value.tv_usec;
	return 0;
}

static long put_i386_itimerval(uint32_t uaddr, const struct __kernel_old_itimerval *itv)
{
	struct i386_itimerval t = {
		{ (int32_t)itv->it_interval.tv_sec, (int32_t)itv->it_interval.tv_usec },
		{ (int32_t)itv->it_value.tv_sec, (int32_t)itv->it_value.tv_usec },
	};

	return copy_to_user(uaddr, &t, sizeof(t)) ? -EFAULT : 0;
}

/* ---- clocks ----------------------------------------------------------- */

/* Through the vDSO's clock page (rt/vclock.c): the vDSO falls back here when
 * its anchor is old, and the answer must continue what it returned. */
XL(clock_gettime)
{
	struct __kernel_timespec ts;
	long r = persona_vclock_gettime((int32_t)ARG0(f), &ts);

	if (r < 0)
		return r;
	return put_i386_timespec(ARG1(f), &ts);
}

XL(clock_getres)
{
	struct __kernel_timespec ts;
	long r = nsys2(__NR_clock_getres, wide_s32(ARG0(f)), ARG1(f) ? &ts : NULL);

	if (r < 0 || !ARG1(f))
		return r;
	return put_i386_timespec(ARG1(f), &ts);
}

XL(clock_settime)
{
	struct __kernel_timespec ts;

	/* a bad clock is reported before a bad pointer: the native call
	 * decides which */
	if (get_i386_timespec(&ts, ARG1(f)))
		return nsys2(__NR_clock_settime, wide_s32(ARG0(f)), FAULT_ADDR);
	return nsys2(__NR_clock_settime, wide_s32(ARG0(f)), &ts);
}

/* The remaining time is written only when a relative sleep is interrupted,
 * as the kernel's restart block does. */
XL(clock_nanosleep)
{
	struct __kernel_timespec req, rem;
	int32_t flags = (int32_t)ARG1(f);
	uint32_t urem = ARG3(f);
	long r;

	/* On a bad request pointer the native call reports the error the
	 * kernel would: it checks the clock first. */
	if (get_i386_timespec(&req, ARG2(f)))
		return nsys4(__NR_clock_nanosleep, wide_s32(ARG0(f)), flags, FAULT_ADDR, NULL);
	r = nsys4(__NR_clock_nanosleep, wide_s32(ARG0(f)), flags, &req,
		  urem ? &rem : NULL);
	if (r == -EINTR && urem && !(flags & TIMER_ABSTIME) && put_i386_timespec(urem, &rem))
		return -EFAULT;
	return r;
}

XL(nanosleep)
{
	struct __kernel_timespec req, rem;
	uint32_t urem = ARG1(f);
	long r;

	if (get_i386_timespec(&req, ARG0(f)))
		return -EFAULT;
	r = nsys2(__NR_nanosleep, &req, urem ? &rem : NULL);
	if (r == -EINTR && urem && put_i386_timespec(urem, &rem))
		return -EFAULT;
	return r;
}

/* ---- wall clock ------------------------------------------------------- */

/* time() cannot fail but for the store: the value is the truncated seconds. */
XL(time)
{
	struct __kernel_timespec ts;
	int32_t now;
	long r = persona_vclock_gettime(CLOCK_REALTIME, &ts);

	if (r < 0)
		return r;
	now = (int32_t)ts.tv_sec;
	if (ARG0(f) && copy_to_user(ARG0(f), &now, sizeof(now)))
		return -EFAULT;
	return now;
}

XL(stime)
{
	struct __kernel_old_timeval tv = { 0, 0 };
	int32_t sec;

	if (copy_from_user(&sec, ARG0(f), sizeof(sec)))
		return -EFAULT;
	tv.tv_sec = sec;
	return nsys2(__NR_settimeofday, &tv, NULL);
}

XL(gettimeofday)
{
	struct __kernel_old_timeval tv;
	struct __kernel_timespec ts = { 0, 0 };
	struct timezone tz;
	long r = nsys2(__NR_gettimeofday, NULL, ARG1(f) ? &tz : NULL);

	/* the time from the vDSO's clock page, as the vDSO's gettimeofday */
	if (r >= 0 && ARG0(f))
		r = persona_vclock_gettime(CLOCK_REALTIME, &ts);
	if (r < 0)
		return r;
	tv.tv_sec = ts.tv_sec;
	tv.tv_usec = ts.tv_nsec / 1000;
	if (ARG0(f) && put_i386_timeval(ARG0(f), &tv))
		return -EFAULT;
	if (ARG1(f) && copy_to_user(ARG1(f), &tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

XL(settimeofday)
{
	struct __kernel_old_timeval tv;
	struct timezone tz;

	if (ARG0(f)) {
		if (get_i386_timeval(&tv, ARG0(f)))
			return -EFAULT;
		/* checked before the time zone is read, as the kernel does */
		if (tv.tv_usec < 0 || tv.tv_usec > 1000000)
			return -EINVAL;
	}
	/* struct timezone is two ints on both ABIs */
	if (ARG1(f) && copy_from_user(&tz, ARG1(f), sizeof(tz)))
		return -EFAULT;
	return nsys2(__NR_settimeofday, ARG0(f) ? &tv : NULL, ARG1(f) ? &tz : NULL);
}

/* ---- adjtimex --------------------------------------------------------- */

static long get_i386_timex(struct __kernel_timex *k, uint32_t uaddr)
{
	struct i386_timex t;

	if (copy_from_user(&t, uaddr, sizeof(t)))
		return -EFAULT;
	memset(k, 0, sizeof(*k));
	k->modes = t.modes;
	k->offset = t.offset;
	k->freq = t.freq;
	k->maxerror = t.maxerror;
	k->esterror = t.esterror;
	k->status = t.status;
	k->constant = t.constant;
	k->precision = t.precision;
	k->tolerance = t.tolerance;
	k->time.tv_sec = t.time.tv_sec;
	k->time.tv_usec = t.time.tv_usec;
	k->tick = t.tick;
	k->ppsfreq = t.ppsfreq;
	k->jitter = t.jitter;
	k->shift = t.shift;
	k->stabil = t.stabil;
	k->jitcnt = t.jitcnt;
	k->calcnt = t.calcnt;
	k->errcnt = t.errcnt;
	k->stbcnt = t.stbcnt;
	k->tai = t.tai;
	return 0;
}

static long put_i386_timex(uint32_t uaddr, const struct __kernel_timex *k)
{
	struct i386_timex t;

	memset(&t, 0, sizeof(t));
	t.modes = k->modes;
	t.offset = (int32_t)k->offset;
	t.freq = (int32_t)k->freq;
	t.maxerror = (int32_t)k->maxerror;
	t.esterror = (int32_t)k->esterror;
	t.status = k->status;
	t.constant = (int32_t)k->constant;
	t.precision = (int32_t)k->precision;
	t.tolerance = (int32_t)k->tolerance;
	t.time.tv_sec = (int32_t)k->time.tv_sec;
	t.time.tv_usec = (int32_t)k->time.tv_usec;
	t.tick = (int32_t)k->tick;
	t.ppsfreq = (int32_t)k->ppsfreq;
	t.jitter = (int32_t)k->jitter;
	t.shift = k->shift;
	t.stabil = (int32_t)k->stabil;
	t.jitcnt = (int32_t)k->jitcnt;
	t.calcnt = (int32_t)k->calcnt;
	t.errcnt = (int32_t)k->errcnt;
	t.stbcnt = (int32_t)k->stbcnt;
	t.tai = k->tai;
	return copy_to_user(uaddr, &t, sizeof(t)) ? -EFAULT : 0;
}

/* adjtimex stores the structure back whatever the outcome; clock_adjtime
 * only on success. */
XL(adjtimex)
{
	struct __kernel_timex k;
	long r;

	if (get_i386_timex(&k, ARG0(f)))
		return -EFAULT;
	r = nsys1(__NR_adjtimex, &k);
	if (put_i386_timex(ARG0(f), &k))
		return -EFAULT;
	return r;
}

XL(clock_adjtime)
{
	struct __kernel_timex k;
	long r;

	if (get_i386_timex(&k, ARG1(f)))
		return -EFAULT;
	r = nsys2(__NR_clock_adjtime, wide_s32(ARG0(f)), &k);
	if (r >= 0 && put_i386_timex(ARG1(f), &k))
		return -EFAULT;
	return r;
}

/* ---- interval timers -------------------------------------------------- */

XL(setitimer)
{
	struct __kernel_old_itimerval nv, ov;
	uint32_t uold = ARG2(f);
	long r;

	if (ARG1(f)) {
		if (get_i386_itimerval(&nv, ARG1(f)))
			return -EFAULT;
	} else {
		memset(&nv, 0, sizeof(nv));
	}
	r = nsys3(__NR_setitimer, wide_s32(ARG0(f)), &nv, uold ? &ov : NULL);
	if (r < 0 || !uold)
		return r;
	return put_i386_itimerval(uold, &ov);
}

XL(getitimer)
{
	struct __kernel_old_itimerval v;
	long r = nsys2(__NR_getitimer, wide_s32(ARG0(f)), &v);

	if (r < 0)
		return r;
	return put_i386_itimerval(ARG1(f), &v);
}

/* The result is a tick count, truncated to 32 bits like every clock_t
 * here; the kernel forces it to count as success even when it looks like
 * an error number. */
XL(times)
{
	struct { int64_t utime, stime, cutime, cstime; } k;
	struct i386_tms t;
	long r = nsys1(__NR_times, &k);

	if (ARG0(f)) {
		t.tms_utime = (int32_t)k.utime;
		t.tms_stime = (int32_t)k.stime;
		t.tms_cutime = (int32_t)k.cutime;
		t.tms_cstime = (int32_t)k.cstime;
		if (copy_to_user(ARG0(f), &t, sizeof(t)))
			return -EFAULT;
	}
	return (int32_t)r;
}

/* ---- file times ------------------------------------------------------- */

XL(utime)
{
	struct i386_utimbuf t;
	struct { int64_t actime, modtime; } k;

	if (ARG1(f)) {
		if (copy_from_user(&t, ARG1(f), sizeof(t)))
			return -EFAULT;
		k.actime = t.actime;
		k.modtime = t.modtime;
	}
	return nsys2(__NR_utime, wide_u32(ARG0(f)), ARG1(f) ? &k : NULL);
}

static long get_i386_timeval2(struct __kernel_old_timeval tv[2], uint32_t uaddr)
{
	if (get_i386_timeval(&tv[0], uaddr) ||
	    get_i386_timeval(&tv[1], uaddr + sizeof(struct i386_timeval)))
		return -EFAULT;
	return 0;
}

XL(utimes)
{
	struct __kernel_old_timeval tv[2];

	if (ARG1(f) && get_i386_timeval2(tv, ARG1(f)))
		return -EFAULT;
	return nsys2(__NR_utimes, wide_u32(ARG0(f)), ARG1(f) ? tv : NULL);
}

XL(futimesat)
{
	struct __kernel_old_timeval tv[2];

	if (ARG2(f) && get_i386_timeval2(tv, ARG2(f)))
		return -EFAULT;
	return nsys3(__NR_futimesat, wide_s32(ARG0(f)), wide_u32(ARG1(f)), ARG2(f) ? tv : NULL);
}

XL(utimensat)
{
	struct __kernel_timespec ts[2];

	if (ARG2(f) && (get_i386_timespec(&ts[0], ARG2(f)) ||
			get_i386_timespec(&ts[1], ARG2(f) + sizeof(struct i386_timespec))))
		return -EFAULT;
	return nsys4(__NR_utimensat, wide_s32(ARG0(f)), wide_u32(ARG1(f)),
		     ARG2(f) ? ts : NULL, wide_s32(ARG3(f)));
}

/* ---- POSIX timers, timerfd -------------------------------------------- */

XL(timer_create)
{
	struct native_sigevent ev;

	if (ARG1(f) && get_i386_sigevent(&ev, ARG1(f)))
		return -EFAULT;
	/* timer_t is an int on both ABIs: the id is stored straight */
	return nsys3(__NR_timer_create, wide_s32(ARG0(f)), ARG1(f) ? &ev : NULL, wide_u32(ARG2(f)));
}

XL(timer_settime)
{
	struct __kernel_itimerspec nv, ov;
	uint32_t uold = ARG3(f);
	long r;

	if (!ARG2(f))
		return -EINVAL;
	if (get_i386_itimerspec(&nv, ARG2(f)))
		return -EFAULT;
	r = nsys4(__NR_timer_settime, wide_s32(ARG0(f)), wide_s32(ARG1(f)), &nv, uold ? &ov : NULL);
	if (r < 0 || !uold)
		return r;
	return put_i386_itimerspec(uold, &ov);
}

XL(timer_gettime)
{
	struct __kernel_itimerspec v;
	long r = nsys2(__NR_timer_gettime, wide_s32(ARG0(f)), &v);

	if (r < 0)
		return r;
	return put_i386_itimerspec(ARG1(f), &v);
}

XL(timerfd_settime)
{
	struct __kernel_itimerspec nv, ov;
	uint32_t uold = ARG3(f);
	long r;

	if (get_i386_itimerspec(&nv, ARG2(f)))
		return -EFAULT;
	r = nsys4(__NR_timerfd_settime, wide_s32(ARG0(f)), wide_s32(ARG1(f)), &nv, uold ? &ov : NULL);
	if (r < 0 || !uold)
		return r;
	return put_i386_itimerspec(uold, &ov);
}

XL(timerfd_gettime)
{
	struct __kernel_itimerspec v;
	long r = nsys2(__NR_timerfd_gettime, wide_s32(ARG0(f)), &v);

	if (r < 0)
		return r;
	return put_i386_itimerspec(ARG1(f), &v);
}

XL(sched_rr_get_interval)
{
	struct __kernel_timespec ts;
	long r = nsys2(__NR_sched_rr_get_interval, wide_s32(ARG0(f)), &ts);

	if (r < 0)
		return r;
	return put_i386_timespec(ARG1(f), &ts);
}
