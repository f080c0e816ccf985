/* tests/prog/vclock.c — the i386 vDSO's clocks, called directly (looked up
 * from AT_SYSINFO_EHDR, so the static build tests them too) and through
 * libc. Output is the same natively and under persona run when the clocks
 * behave alike; any difference prints the values involved.
 *
 *   vclock symbols     which clock functions the vDSO exports (LINUX_2.6)
 *   vclock order       system call before <= vDSO <= system call after, per
 *                      clock and per function
 *   vclock monotonic   at least a million reads spanning many re-anchors:
 *                      CLOCK_MONOTONIC and CLOCK_REALTIME never decrease
 *   vclock getres      clock_getres through the vDSO = the system call
 *   vclock errors      bad clock ids through the vDSO = the system call
 *   vclock threads     four threads reading CLOCK_MONOTONIC across
 *                      re-anchors: no read is older than one that finished
 *                      before it began, in any thread
 *   vclock count N     N vDSO reads of CLOCK_MONOTONIC, nothing printed
 *                      (persona run --stats counts the calls they made)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "../../bench/lib/vdso_sym.h"

struct kts { int64_t sec, nsec; };              /* struct __kernel_timespec */
struct ots { int32_t sec, nsec; };              /* struct old_timespec32 */
struct otv { int32_t sec, usec; };              /* struct old_timeval32 */

typedef int (*gettime64_fn)(clockid_t, struct kts *);
typedef int (*gettime32_fn)(clockid_t, struct ots *);
typedef int (*gettimeofday_fn)(struct otv *, void *);
typedef int32_t (*time_fn)(int32_t *);
typedef int (*getres_fn)(clockid_t, struct ots *);

static gettime64_fn v_gettime64;
static gettime32_fn v_gettime32;
static gettimeofday_fn v_gettimeofday;
static time_fn v_time;
static getres_fn v_getres;

#define NS 1000000000ll
/* how far a fine clock read through the vDSO may lie past the system call
 * made just after it: the personality's anchors are within a few ns of
 * the kernel's clock; this leaves room for preemption between the calls */
#define TOLERANCE_NS 200000ll

static int64_t ns(struct kts t) { return t.sec * NS + t.nsec; }

static int64_t sys_now(clockid_t c)
{
	struct kts t;

	if (syscall(403 /* clock_gettime64 */, c, &t))
		return -1;
	return ns(t);
}

static void lookup(void)
{
	v_gettime64 = (gettime64_fn)vdso_sym("__vdso_clock_gettime64", "LINUX_2.6");
	v_gettime32 = (gettime32_fn)vdso_sym("__vdso_clock_gettime", "LINUX_2.6");
	v_gettimeofday = (gettimeofday_fn)vdso_sym("__vdso_gettimeofday", "LINUX_2.6");
	v_time = (time_fn)vdso_sym("__vdso_time", "LINUX_2.6");
	v_getres = (getres_fn)vdso_sym("__vdso_clock_getres", "LINUX_2.6");
}

static const clockid_t clocks[] = {
	CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
	CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,
};
#define NCLOCKS (sizeof(clocks) / sizeof(clocks[0]))

static int coarse(clockid_t c) { return c == CLOCK_REALTIME_COARSE || c == CLOCK_MONOTONIC_COARSE; }

/* before <= v <= after (+ tolerance for fine clocks) */
static int check(const char *what, clockid_t c, int64_t before, int64_t v, int64_t after, int64_t tol)
{
	if (before <= v && v <= after + tol)
		return 1;
	printf("%s clock %d: %lld, %lld, %lld out of order\n", what, (int)c,
	       (long long)before, (long long)v, (long long)after);
	return 0;
}

static int order(void)
{
	int bad = 0;

	for (unsigned k = 0; k < NCLOCKS; k++) {
		clockid_t c = clocks[k];
		int64_t tol = coarse(c) ? 0 : TOLERANCE_NS;
		int ok = 1;
		for (int i = 0; i < 2000 && ok; i++) {
			struct kts t;
			struct ots o;
			int64_t b = sys_now(c);
			int r = v_gettime64(c, &t);
			int64_t a = sys_now(c);
			ok = !r && check("gettime64", c, b, ns(t), a, tol);
			b = sys_now(c);
			r = v_gettime32(c, &o);
			a = sys_now(c);
			ok = ok && !r && check("gettime", c, b, (int64_t)o.sec * NS + o.nsec, a, tol);
			b = sys_now(c);
			r = clock_gettime(c, (struct timespec *)&o);
			a = sys_now(c);
			ok = ok && !r && check("libc clock_gettime", c, b, (int64_t)o.sec * NS + o.nsec, a, tol);
		}
		/* one anchor's whole age: reads spread over 30 ms */
		int64_t b = sys_now(c), last = 0, first = -1, end = b + 30000000;
		while (ok && last < end) {
			struct kts t;
			if (v_gettime64(c, &t))
				ok = 0;
			last = ns(t);
			if (first < 0)
				first = last;
		}
		int64_t a = sys_now(c);
		ok = ok && check("spread gettime64", c, b, first, a, tol) && check("spread gettime64", c, b, last, a, tol);
		printf("clock %d: %s\n", (int)c, ok ? "in order" : "OUT OF ORDER");
		bad |= !ok;
	}
	/* gettimeofday and time: microseconds and seconds of CLOCK_REALTIME */
	int ok = 1;
	for (int i = 0; i < 2000 && ok; i++) {
		struct otv tv;
		struct timeval ltv;
		int64_t b = sys_now(CLOCK_REALTIME) / 1000;
		int r = v_gettimeofday(&tv, NULL);
		int64_t a = sys_now(CLOCK_REALTIME) / 1000;
		ok = !r && check("gettimeofday", CLOCK_REALTIME, b, (int64_t)tv.sec * 1000000 + tv.usec, a, TOLERANCE_NS / 1000);
		b = sys_now(CLOCK_REALTIME) / 1000;
		r = gettimeofday(&ltv, NULL);
		a = sys_now(CLOCK_REALTIME) / 1000;
		ok = ok && !r && check("libc gettimeofday", CLOCK_REALTIME, b, (int64_t)ltv.tv_sec * 1000000 + ltv.tv_usec, a, TOLERANCE_NS / 1000);
		int32_t stored = 0;
		b = sys_now(CLOCK_REALTIME) / NS;
		int32_t s = v_time(&stored);
		a = sys_now(CLOCK_REALTIME) / NS;
		/* time() is the tick's seconds: up to a tick behind, never ahead */
		ok = ok && s == stored && check("time", CLOCK_REALTIME, b - 1, s, a, 0);
	}
	printf("gettimeofday, time: %s\n", ok ? "in order" : "OUT OF ORDER");
	return bad || !ok;
}

static int monotonic(void)
{
	static const clockid_t mc[] = { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME };
	int bad = 0;

	for (unsigned k = 0; k < sizeof(mc) / sizeof(mc[0]); k++) {
		struct kts t;
		int64_t prev, start, now = 0;
		long reads = 0, backwards = 0;

		v_gettime64(mc[k], &t);
		start = prev = ns(t);
		/* a million reads, and long enough for several re-anchors */
		while (reads < 1000000 || now - start < 80000000) {
			if (v_gettime64(mc[k], &t))
				return printf("clock %d: read failed\n", (int)mc[k]), 1;
			now = ns(t);
			if (now < prev && backwards++ < 3)
				printf("clock %d: went back from %lld to %lld after %ld reads\n", (int)mc[k],
				       (long long)prev, (long long)now, reads);
			prev = now;
			reads++;
		}
		printf("clock %d: %s\n", (int)mc[k], backwards ? "WENT BACKWARDS" : "never decreased");
		bad |= backwards != 0;
	}
	return bad;
}

static int getres(void)
{
	for (int c = -1; c <= 12; c++) {
		struct ots v = { -7, -7 };
		struct kts s = { -7, -7 };
		int rv = v_getres(c, &v);
		long rs = syscall(406 /* clock_getres_time64 */, c, &s);
		int rn = v_getres(c, NULL);
		printf("getres %d: vdso %d {%d, %d} null %d; syscall %ld {%lld, %lld}\n", c, rv, v.sec, v.nsec,
		       rn, rs, (long long)s.sec, (long long)s.nsec);
	}
	return 0;
}

static int errors(void)
{
	static const clockid_t bad[] = { -1, 12, 16, 100, 0x7fffffff };

	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct kts t;
		struct ots o;
		printf("clock %d: gettime64 %d, gettime %d\n", (int)bad[k], v_gettime64(bad[k], &t),
		       v_gettime32(bad[k], &o));
	}
	/* CPU-time clocks: served by the kernel, through the vDSO's fallback */
	struct kts t;
	printf("process cputime: %d\n", v_gettime64(CLOCK_PROCESS_CPUTIME_ID, &t));
	return 0;
}

/* the latest CLOCK_MONOTONIC any thread has read */
static int64_t latest;
static long thread_backwards;

static void *reader(void *arg)
{
	struct kts t;
	int64_t start = -1, v = 0;

	(void)arg;
	for (long i = 0; i < 300000 || v - start < 40000000; i++) {
		int64_t seen = __atomic_load_n(&latest, __ATOMIC_SEQ_CST);
		if (v_gettime64(CLOCK_MONOTONIC, &t))
			break;
		v = ns(t);
		if (start < 0)
			start = v;
		if (v < seen)
			__atomic_add_fetch(&thread_backwards, 1, __ATOMIC_SEQ_CST);
		while (seen < v && !__atomic_compare_exchange_n(&latest, &seen, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			;
	}
	return NULL;
}

static int threads(void)
{
	pthread_t th[4];

	for (int i = 0; i < 4; i++)
		if (pthread_create(&th[i], NULL, reader, NULL))
			return printf("pthread_create failed\n"), 1;
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	printf("threads: %s\n", thread_backwards ? "A READ WENT BACKWARDS" : "every read at or after every earlier one");
	return thread_backwards != 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	lookup();
	if (!strcmp(mode, "symbols")) {
		printf("__vdso_clock_gettime64: %s\n", v_gettime64 ? "found" : "missing");
		printf("__vdso_clock_gettime: %s\n", v_gettime32 ? "found" : "missing");
		printf("__vdso_gettimeofday: %s\n", v_gettimeofday ? "found" : "missing");
		printf("__vdso_time: %s\n", v_time ? "found" : "missing");
		printf("__vdso_clock_getres: %s\n", v_getres ? "found" : "missing");
		return 0;
	}
	if (!v_gettime64 || !v_gettime32 || !v_gettimeofday || !v_time || !v_getres) {
		printf("the vDSO lacks a clock function\n");
		return 1;
	}
	if (!strcmp(mode, "order"))
		return order();
	if (!strcmp(mode, "monotonic"))
		return monotonic();
	if (!strcmp(mode, "getres"))
		return getres();
	if (!strcmp(mode, "errors"))
		return errors();
	if (!strcmp(mode, "threads"))
		return threads();
	if (!strcmp(mode, "count") && argc > 2) {
		long n = atol(argv[2]);
		struct kts t;
		for (long i = 0; i < n; i++)
			v_gettime64(CLOCK_MONOTONIC, &t);
		return 0;
	}
	fprintf(stderr, "usage: vclock symbols|order|monotonic|getres|errors|threads|count N\n");
	return 2;
}
