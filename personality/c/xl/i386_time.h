/* personality/c/xl/i386_time.h — i386 layouts of the time structures and the
 * conversions between them and the native (x86-64) ones.
 *
 * The i386 ABI keeps a 32-bit time_t and long in its old calls (the *_time64
 * calls use struct __kernel_timespec, which x86-64 shares). Layouts are
 * checked against the sizes of the kernel's compat structs (old_timespec32,
 * old_timeval32, old_timex32, compat_sigevent, compat_tms).
 *
 * Conversions mirror the kernel's compat layer: 32-bit fields are
 * sign-extended on the way in; on the way out seconds are truncated to 32
 * bits (put_old_timespec32 does not report overflow either).
 */
#ifndef PERSONA_I386_TIME_H
#define PERSONA_I386_TIME_H

#include <stddef.h>
#include <stdint.h>
#include <linux/time_types.h>

struct i386_timespec {
	int32_t tv_sec;
	int32_t tv_nsec;
};
_Static_assert(sizeof(struct i386_timespec) == 8, "i386 old_timespec32");

struct i386_timeval {
	int32_t tv_sec;
	int32_t tv_usec;
};
_Static_assert(sizeof(struct i386_timeval) == 8, "i386 old_timeval32");

struct i386_itimerspec {
	struct i386_timespec it_interval;
	struct i386_timespec it_value;
};
_Static_assert(sizeof(struct i386_itimerspec) == 16, "i386 old_itimerspec32");

struct i386_itimerval {
	struct i386_timeval it_interval;
	struct i386_timeval it_value;
};
_Static_assert(sizeof(struct i386_itimerval) == 16, "i386 old_itimerval32");

/* times(): clock_t is a 32-bit long */
struct i386_tms {
	int32_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};
_Static_assert(sizeof(struct i386_tms) == 16, "i386 compat_tms");

struct i386_utimbuf {
	int32_t actime, modtime;
};
_Static_assert(sizeof(struct i386_utimbuf) == 8, "i386 old_utimbuf32");

/* adjtimex / clock_adjtime: every long is 32 bits */
struct i386_timex {
	uint32_t modes;
	int32_t  offset, freq, maxerror, esterror;
	int32_t  status;
	int32_t  constant;
	int32_t  precision, tolerance;
	struct i386_timeval time;
	int32_t  tick;
	int32_t  ppsfreq, jitter, shift, stabil;
	int32_t  jitcnt, calcnt, errcnt, stbcnt;
	int32_t  tai;
	int32_t  reserved[11];
};
_Static_assert(sizeof(struct i386_timex) == 128, "i386 old_timex32");
_Static_assert(offsetof(struct i386_timex, time) == 36, "i386 timex.time");
_Static_assert(offsetof(struct i386_timex, tick) == 44, "i386 timex.tick");
_Static_assert(offsetof(struct i386_timex, tai) == 80, "i386 timex.tai");

/* timer_create / mq_notify: sigval is 4 bytes, so the union starts at 12 */
struct i386_sigevent {
	uint32_t sigev_value;       /* int or pointer */
	int32_t  sigev_signo;
	int32_t  sigev_notify;
	union {
		int32_t  pad[13];
		int32_t  tid;           /* SIGEV_THREAD_ID */
		struct { uint32_t function, attribute; } thread;
	} un;
};
_Static_assert(sizeof(struct i386_sigevent) == 64, "i386 compat_sigevent");
_Static_assert(offsetof(struct i386_sigevent, un.tid) == 12, "i386 sigevent tid");

/* Native counterparts used by the conversions (the kernel's x86-64 layouts). */
struct native_sigevent {
	uint64_t sigev_value;
	int32_t  sigev_signo;
	int32_t  sigev_notify;
	union {
		int32_t pad[12];
		int32_t tid;
	} un;
};
_Static_assert(sizeof(struct native_sigevent) == 64, "x86-64 sigevent");
_Static_assert(offsetof(struct native_sigevent, un.tid) == 16, "x86-64 sigevent tid");

/* ---- conversions (xl/common.c): 0 or -EFAULT ---------------------------- */
long get_i386_timespec(struct __kernel_timespec *ts, uint32_t uaddr);
long put_i386_timespec(uint32_t uaddr, const struct __kernel_timespec *ts);
long get_i386_timeval(struct __kernel_old_timeval *tv, uint32_t uaddr);
long put_i386_timeval(uint32_t uaddr, const struct __kernel_old_timeval *tv);
long get_i386_itimerspec(struct __kernel_itimerspec *its, uint32_t uaddr);
long put_i386_itimerspec(uint32_t uaddr, const struct __kernel_itimerspec *its);
/* Only the fields the kernel reads (value, signo, notify, tid), as
 * get_compat_sigevent does; the value is zero-extended. */
long get_i386_sigevent(struct native_sigevent *ev, uint32_t uaddr);

#endif
