/* personality/c/rt/vclock.c — the clock page behind the i386 vDSO's clocks.
 *
 * The vDSO answers clock_gettime, gettimeofday and time without leaving
 * 32-bit code: the time at a per-clock anchor plus the TSC ticks since,
 * scaled by the clock's rate (vclock.h). This file sets those anchors.
 *
 * Calibration is lazy: a clock is served by the vDSO only after the gate
 * has answered it twice at least CALIB_MIN_NS apart (its rate is then the
 * kernel's ns over the TSC ticks between the two); until then every read
 * takes the gate, so a program that never reads a clock pays nothing. The
 * rate keeps being refined over a longer baseline as the clock is
 * re-anchored, which happens on every gate call for it: the vDSO takes the
 * gate once an anchor is PERSONA_VCLOCK_MAX_AGE_NS old.
 *
 * Never backwards: a re-anchor starts from the later of the kernel's time
 * and the time the old anchor extrapolates to at that moment, and the gate
 * answers with the new anchor's time. Where the old anchor ran ahead of the
 * kernel, the new rate is lowered so the lead is gone within one anchor's
 * age (a slew, as NTP does), so the clocks stay within a few ns of the
 * kernel's. CLOCK_REALTIME may step: a jump of more than STEP_NS is
 * followed at once.
 *
 * The TSC is used only where the kernel says it runs at a constant rate
 * through idle states (constant_tsc and nonstop_tsc in /proc/cpuinfo) and
 * rdtsc is allowed (prctl PR_GET_TSC); elsewhere every clock takes the gate.
 * A program that forbids rdtsc later (PR_SET_TSC) gets SIGSEGV from the
 * vDSO's clocks, as from the kernel's, which read the TSC the same way.
 */
#include "core/persona.h"
#include "rt/image.h"
#include "rt/vclock.h"

#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/mman.h>
#include <linux/prctl.h>

#define NSEC_PER_SEC    1000000000ull
#define CALIB_MIN_NS    1000000ull          /* the shortest baseline for a rate */
#define BASELINE_MAX_NS (1ull << 30)        /* a baseline is restarted past ~1 s */
#define STEP_NS         1000000ull          /* CLOCK_REALTIME: a jump, not drift */
#define WRITER_SPINS    1000000
/* a kernel sample taking longer than this (~25 us at 2.6 GHz) was
 * preempted: its time cannot be placed on the TSC */
#define SAMPLE_MAX_TICKS (1ull << 16)
#define SAMPLE_TRIES    3
/* longer than any out-of-order window between a reader's rdtsc and its
 * last load of seq (some hundred cycles) */
#define READER_WINDOW_TICKS (1ull << 16)

static struct persona_vclock *const vclock = (struct persona_vclock *)(uintptr_t)PERSONA_VCLOCK_BASE;
static int vclock_mapped;
static int tsc_state;                       /* 0 not checked, 1 usable, -1 not */

/* The image's own view of each clock (the vDSO never reads this). */
static struct {
	uint64_t base_tsc, base_ns;             /* the rate's baseline sample */
	uint64_t rate_span_ns;                  /* the baseline length behind rate */
	uint32_t rate;                          /* ns per tick << 32; 0: none yet */
} clock_state[PERSONA_VCLOCK_CLOCKS];

/* Clocks the vDSO extrapolates (the kernel's vDSO serves these too; the
 * coarse ones follow the kernel's tick, which the TSC cannot predict). */
static int served_gettime(int32_t c)
{
	return c == CLOCK_REALTIME || c == CLOCK_MONOTONIC || c == CLOCK_MONOTONIC_RAW ||
	       c == CLOCK_BOOTTIME;
}

static int served_getres(int32_t c)
{
	return served_gettime(c) || c == CLOCK_REALTIME_COARSE || c == CLOCK_MONOTONIC_COARSE;
}

#define tsc_ordered persona_tsc_ordered

/* ticks * rate >> 32 without overflow for any 64-bit ticks */
static uint64_t ticks_to_ns(uint64_t ticks, uint32_t rate)
{
	return (ticks >> 32) * rate + (((ticks & 0xffffffffull) * rate) >> 32);
}

static uint64_t ns_of(const struct __kernel_timespec *ts)
{
	return (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

static int has_word(const char *s, long n, const char *w)
{
	long k = (long)strlen(w);

	for (long i = 0; i + k <= n; i++)
		if ((i == 0 || s[i - 1] == ' ') && !memcmp(s + i, w, (size_t)k) &&
		    (i + k == n || s[i + k] == ' ' || s[i + k] == '\n'))
			return 1;
	return 0;
}

/* The first CPU's flags line of /proc/cpuinfo (the kernel clears
 * constant_tsc/nonstop_tsc on every CPU alike). */
static int tsc_usable(void)
{
	static char buf[8192];
	long fd, n = 0, r, i, end;

	int mode = 0;

	if (nsys2(__NR_prctl, PR_GET_TSC, &mode) == 0 && mode != PR_TSC_ENABLE)
		return 0;
	fd = nsys4(__NR_openat, -100 /* AT_FDCWD */, "/proc/cpuinfo", 0 /* O_RDONLY */ | 02000000 /* O_CLOEXEC */, 0);
	if (fd < 0)
		return 0;
	while (n < (long)sizeof(buf) - 1 && (r = nsys3(__NR_read, fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	nsys1(__NR_close, fd);
	for (i = 0; i < n; i = end + 1) {
		for (end = i; end < n && buf[end] != '\n'; end++)
			;
		if (end - i > 6 && !memcmp(buf + i, "flags", 5))
			return has_word(buf + i, end - i, "constant_tsc") &&
			       has_word(buf + i, end - i, "nonstop_tsc");
	}
	return 0;
}

long persona_vclock_init(void)
{
	struct __kernel_timespec res;
	long r;

	r = nsys6(__NR_mmap, PERSONA_VCLOCK_BASE, 4096, 3 /* PROT_READ | PROT_WRITE */,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (r < 0)
		return r;
	if ((uint64_t)r != PERSONA_VCLOCK_BASE) {
		nsys2(__NR_munmap, r, 4096);
		return -EEXIST;
	}
	vclock_mapped = 1;
	/* clock_getres is constant per clock: asked once, here */
	for (int32_t c = 0; c < PERSONA_VCLOCK_CLOCKS; c++)
		if (served_getres(c) && nsys2(__NR_clock_getres, c, &res) == 0 &&
		    res.tv_sec == 0 && res.tv_nsec > 0)
			vclock->clk[c].res_nsec = (uint32_t)res.tv_nsec;
	return 0;
}

static uint32_t writer_lock(void)
{
	uint32_t s;

	for (int i = 0; ; i++) {
		s = __atomic_load_n(&vclock->seq, __ATOMIC_RELAXED);
		/* a writer that vanished mid-update (fork copied its odd count)
		 * must not stop the clock for good: take over after a while */
		if (s & 1) {
			if (i < WRITER_SPINS) {
				__builtin_ia32_pause();
				continue;
			}
			s--;
		}
		/* a locked instruction: a full barrier before the TSC is read */
		if (__atomic_compare_exchange_n(&vclock->seq, &s, s + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			return s + 1;
	}
}

static void writer_unlock(uint32_t s)
{
	__atomic_store_n(&vclock->seq, s + 1, __ATOMIC_RELEASE);
}

/* The clock's rate from its baseline, refined while the baseline grows;
 * the baseline restarts past BASELINE_MAX_NS, so the rate follows the
 * kernel's (NTP-adjusted) rate with a span of about a second. */
static void calibrate(int32_t c, uint64_t tsc, uint64_t ns)
{
	typeof(clock_state[0]) *st = &clock_state[c];
	uint64_t dns, dt;

	if (!st->base_tsc || ns < st->base_ns || tsc <= st->base_tsc) {
		st->base_tsc = tsc;
		st->base_ns = ns;
		return;
	}
	dns = ns - st->base_ns;
	dt = tsc - st->base_tsc;
	if (dns >= CALIB_MIN_NS && dns > st->rate_span_ns) {
		uint64_t n = dns, t = dt, rate;

		while (n >= (1ull << 31)) {
			n >>= 1;
			t >>= 1;
		}
		rate = t ? (n << 32) / t : 0;
		/* a TSC slower than 1 GHz does not fit the vDSO's arithmetic */
		st->rate = rate && rate <= 0xffffffffull ? (uint32_t)rate : 0;
		st->rate_span_ns = dns < BASELINE_MAX_NS ? dns : BASELINE_MAX_NS;
	}
	if (dns >= BASELINE_MAX_NS) {
		st->base_tsc = tsc;
		st->base_ns = ns;
	}
}

/* The answer when no sample could be placed in time: the kernel's, but
 * never before what the clock's anchor has already given out. */
static long unplaced(int32_t c, const struct __kernel_timespec *k, struct __kernel_timespec *ts)
{
	struct persona_vclock_clock *vc = &vclock->clk[c];
	uint64_t a = ns_of(k), e, now;
	uint32_t s = writer_lock();

	if (vc->mult) {
		now = tsc_ordered();
		e = vc->sec * NSEC_PER_SEC + vc->nsec + (now > vc->tsc ? ticks_to_ns(now - vc->tsc, vc->mult) : 0);
		/* while the vDSO still answers from the anchor, so does this
		 * (the next vDSO read must not fall behind it) */
		if (now - vc->tsc <= vc->max_ticks || (e > a && (c != CLOCK_REALTIME || e - a <= STEP_NS)))
			a = e;
	}
	writer_unlock(s);
	ts->tv_sec = (int64_t)(a / NSEC_PER_SEC);
	ts->tv_nsec = (long long)(a % NSEC_PER_SEC);
	return 0;
}

long persona_vclock_gettime(int32_t c, struct __kernel_timespec *ts)
{
	struct persona_vclock_clock *vc;
	struct __kernel_timespec k;
	uint64_t t0, t1, tk, ta, kns, kta, e = 0, a, rate;
	uint32_t s, mult;
	int had;
	long r;

	if (!vclock_mapped || c < 0 || c >= PERSONA_VCLOCK_CLOCKS || !served_gettime(c))
		return nsys2(__NR_clock_gettime, c, ts);
	if (!tsc_state)
		tsc_state = tsc_usable() ? 1 : -1;
	if (tsc_state < 0)
		return nsys2(__NR_clock_gettime, c, ts);

	/* the kernel's time, placed midway between two TSC reads; a sample
	 * whose call was preempted cannot be placed, and is taken again */
	for (int tries = 0; ; tries++) {
		t0 = tsc_ordered();
		r = nsys2(__NR_clock_gettime, c, &k);
		t1 = tsc_ordered();
		if (r < 0)
			return r;
		if (t1 - t0 <= SAMPLE_MAX_TICKS)
			break;
		if (tries == SAMPLE_TRIES)
			return unplaced(c, &k, ts);
	}
	tk = t0 + (t1 - t0) / 2;
	kns = ns_of(&k);

	s = writer_lock();
	vc = &vclock->clk[c];
	rate = clock_state[c].rate;
	/* The anchor's TSC is read after the count went odd: a reader that
	 * still used the old anchor read the TSC before this point. */
	ta = tsc_ordered();
	kta = kns + (rate ? ticks_to_ns(ta - tk, (uint32_t)rate) : 0);
	had = vc->mult != 0;
	if (had)
		e = vc->sec * NSEC_PER_SEC + vc->nsec +
		    (ta > vc->tsc ? ticks_to_ns(ta - vc->tsc, vc->mult) : 0);
	if (c == CLOCK_REALTIME && had && (e > kta + STEP_NS || kta > e + STEP_NS)) {
		/* the wall clock was set: follow it, and measure the rate anew
		 * from here (the step is not drift) */
		had = 0;
		clock_state[c].base_tsc = 0;
	}
	calibrate(c, tk, kns);
	rate = clock_state[c].rate;
	a = had && e > kta ? e : kta;
	if (!rate) {
		/* not calibrated yet: the gate answers with the kernel's time */
		mult = 0;
	} else if (a > kta) {
		/* ahead of the kernel by a - kta: run slower until it is gone */
		uint64_t lead = a - kta, window = PERSONA_VCLOCK_MAX_AGE_NS;
		if (lead > window / 2)
			lead = window / 2;
		mult = (uint32_t)(rate - rate * lead / window);
	} else {
		mult = (uint32_t)rate;
	}
	/* A reader still on the old anchor may read the TSC a little after
	 * ta (its check of seq can run ahead of its rdtsc); where the new rate
	 * is slower, start the new anchor late enough to cover that window. */
	if (had && mult && mult < vc->mult)
		a += ticks_to_ns(READER_WINDOW_TICKS, vc->mult - mult);
	vc->tsc = ta;
	vc->sec = a / NSEC_PER_SEC;
	vc->nsec = (uint32_t)(a % NSEC_PER_SEC);
	if (mult) {
		uint64_t mt = (PERSONA_VCLOCK_MAX_AGE_NS << 32) / mult;
		vc->max_ticks = mt > 0xffffffffull ? 0xffffffffu : (uint32_t)mt;
	}
	vc->mult = tsc_state > 0 ? mult : 0;
	writer_unlock(s);

	ts->tv_sec = (int64_t)(a / NSEC_PER_SEC);
	ts->tv_nsec = (long long)(a % NSEC_PER_SEC);
	return 0;
}

/* clock_gettime64 (the i386 time64 call): the native struct, through the
 * clock page like the 32-bit form (xl/time.c). */
XL(clock_gettime64)
{
	struct __kernel_timespec ts;
	long r = persona_vclock_gettime((int32_t)ARG0(f), &ts);

	if (r < 0)
		return r;
	return copy_to_user(ARG1(f), &ts, sizeof(ts)) ? -EFAULT : 0;
}
