/* bench/lib/harness.c — calibration, repetitions, statistics, records.
 * Built once per way in (the record names it); harness.h has the format. */
#include "entry.h"
#include "harness.h"
#include "stats.h"
#include "personality/persona_abi.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


#define TIMER_SAMPLES  101

static int record_fd = 1;
static int sync_fd = -1;
static int reps = 21;
static double min_ms = 10;
static double tsc_hz;

/* lfence orders the read after earlier instructions; rdtscp waits for them
 * to retire; the trailing lfence keeps later ones from starting early. */
static inline uint64_t ticks(void)
{
	uint32_t lo, hi, aux;
	__asm__ volatile("lfence; rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	return v && *v ? strtol(v, NULL, 0) : def;
}

static double measure_tsc_hz(void)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	uint64_t t0 = ticks();
	do
		clock_gettime(CLOCK_MONOTONIC_RAW, &b);
	while ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec) < 20e6);
	uint64_t t1 = ticks();
	return (double)(t1 - t0) / (((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e9);
}

void bench_init(void)
{
#if BENCH_ENTRY == BENCH_ENTRY_SWITCH32
	/* One call through the vDSO before anything: under `persona run
	 * --reflect=startup` it ends start-up (Syscall User Dispatch is
	 * disarmed), after which the program's own x86-64 syscalls go to the
	 * kernel; under the dispatch they would be taken for its i386 calls. */
	int first;
	__asm__ volatile("call *%%gs:0x10" : "=a"(first) : "0"(BNR_GETPPID) : "memory");
	(void)first;
#endif
	record_fd = (int)env_long("PERSONA_BENCH_FD", 1);
	sync_fd = (int)env_long("PERSONA_BENCH_SYNC", -1);
	reps = (int)env_long("PERSONA_BENCH_REPS", 21);
	if (reps < 11)
		reps = 11;
	if (reps > BENCH_REPS_MAX)
		reps = BENCH_REPS_MAX;
	min_ms = (double)env_long("PERSONA_BENCH_MIN_MS", 10);
	if (min_ms < 1)
		min_ms = 1;
	const char *hz = getenv("PERSONA_BENCH_TSC_HZ");
	tsc_hz = hz && *hz ? strtod(hz, NULL) : 0;
	if (tsc_hz <= 0)
		tsc_hz = measure_tsc_hz();

	/* One CPU for the whole run: a migration mid-repetition would time
	 * two CPUs' worth of cache state. Failure only costs noise. */
	long cpu = env_long("PERSONA_BENCH_CPU", -1);
	if (cpu < 0)
		cpu = sched_getcpu();
	if (cpu >= 0 && cpu < CPU_SETSIZE) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET((int)cpu, &set);
		sched_setaffinity(0, sizeof set, &set);
	}
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(3);       /* the driver is gone: nothing to report to */
		s += w;
		n -= (size_t)w;
	}
}

static void record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void record(const char *fmt, ...)
{
	char line[BENCH_RECORD_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	write_all(record_fd, line, (size_t)n);
}

/* Waits for the driver's go-ahead byte of the counting handshake. */
static void sync_wait(void)
{
	char c;
	while (read(sync_fd, &c, 1) < 0 && errno == EINTR)
		;
}

static void empty_loop(uint64_t iterations, void *cookie)
{
	(void)cookie;
	for (uint64_t i = 0; i < iterations; i++)
		__asm__ volatile("" ::: "memory");
}

static uint64_t time_once(bench_fn fn, uint64_t n, void *cookie)
{
	uint64_t t0 = ticks();
	fn(n, cookie);
	return ticks() - t0;
}

static double timer_overhead(void)
{
	double s[TIMER_SAMPLES];
	struct bench_stats st;
	for (int i = 0; i < TIMER_SAMPLES; i++) {
		uint64_t t0 = ticks();
		s[i] = (double)(ticks() - t0);
	}
	stats_compute(s, TIMER_SAMPLES, &st);
	return st.min;
}

/* The personality's stage timers (persona_abi.h: persona_stages), which
 * only an image built with them keeps; a program that enters the
 * personality with the i386 ABI asks, any other has none. Kept in static storage: below 4 GiB, as an i386 pointer must
 * be, in these static non-PIE programs. */
#define BENCH_ASKS_STAGES (BENCH_ABI_I386 && BENCH_ENTRY != BENCH_ENTRY_MODESWITCH && \
			   BENCH_ENTRY != BENCH_ENTRY_SWITCH32)
#if BENCH_ASKS_STAGES
static struct persona_stage_counts stage_counts;
#endif

static int stages_start(void)
{
#if BENCH_ASKS_STAGES
	return bsys2(PERSONA_NR_STAGES, 0, PERSONA_STAGES_RESET) == 0;
#else
	return 0;
#endif
}

/* The record's stage fields: ticks per timed call, each stage with one
 * stamp in it (stamp says how much); "" when there are none. */
static void stages_read(char *out, size_t n)
{
	out[0] = 0;
#if BENCH_ASKS_STAGES
	if (bsys2(PERSONA_NR_STAGES, BPTR(&stage_counts), 0) != 0 || !stage_counts.calls)
		return;
	double k = (double)stage_counts.calls;
	snprintf(out, n, "\tstage_calls=%llu\tstage_entry=%.2f\tstage_call=%.2f"
		 "\tstage_exit=%.2f\tstage_stamp=%.2f",
		 (unsigned long long)stage_counts.calls, (double)stage_counts.entry / k,
		 (double)stage_counts.call / k, (double)stage_counts.exit / k,
		 (double)stage_counts.stamp / k);
#else
	(void)n;
#endif
}

void bench_run(const struct bench_case *c)
{
	const double target = min_ms * 1e-3 * tsc_hz;
	const unsigned batch = c->batch ? c->batch : 1;
	double tov = timer_overhead();

	/* Calibrate: grow n until one repetition lasts the minimum time; the
	 * growth runs also warm caches, branch predictors and the path. */
	uint64_t n = 1;
	for (;;) {
		uint64_t t = time_once(c->fn, n, c->cookie);
		if (t >= target || n >= (1ull << 40))
			break;
		if (t < target / 64)
			n *= 8;
		else
			n = (uint64_t)((double)n * target * 1.1 / (double)t) + 1;
	}
	time_once(c->fn, n, c->cookie);         /* warm-up at full length */

	/* The empty loop of the same length: its cost per iteration. */
	double samples[BENCH_REPS_MAX];
	struct bench_stats loop;
	for (int i = 0; i < reps; i++)
		samples[i] = stats_per_call(time_once(empty_loop, n, NULL), tov, n, 0);
	stats_compute(samples, (size_t)reps, &loop);
	double loop_per_call = loop.median / batch;

	int stages = stages_start();     /* timed over the repetitions alone */
	for (int i = 0; i < reps; i++)
		samples[i] = stats_per_call(time_once(c->fn, n, c->cookie), tov,
					    n * batch, loop_per_call);
	char stage_fields[256];
	if (stages)
		stages_read(stage_fields, sizeof stage_fields);
	else
		stage_fields[0] = 0;
	/* The samples go into the record as they ran (stats_compute sorts). */
	char list[BENCH_RECORD_MAX / 2];
	size_t used = 0;
	for (int i = 0; i < reps && used < sizeof list; i++)
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%.2f", i ? "," : "", samples[i]);
	if (used >= sizeof list)
		list[0] = 0;    /* cannot be: reps <= BENCH_REPS_MAX; better none than some */
	struct bench_stats st;
	stats_compute(samples, (size_t)reps, &st);

	if (sync_fd >= 0) {
		record("kind=count-begin\tbench=%s\tbatch=%u\titerations=%llu",
		       c->bench, batch, (unsigned long long)(n * batch));
		sync_wait();
		c->fn(n, c->cookie);
		record("kind=count-end\tbench=%s\tbatch=%u\titerations=%llu",
		       c->bench, batch, (unsigned long long)(n * batch));
		sync_wait();
	}

	record("kind=result\tbench=%s\tbatch=%u\tstatus=ok\tentry=%s\tabi=%s\tbits=%d"
	       "\titerations=%llu\treps=%d\tticks_min=%.2f\tticks_median=%.2f"
	       "\tticks_p99=%.2f\ttimer_overhead=%.2f\tloop_overhead=%.3f\ttsc_hz=%.0f%s\tsamples=%s",
	       c->bench, batch, BENCH_ENTRY_NAME, BENCH_ABI_I386 ? "i386" : "x86-64", (int)sizeof(void *) * 8,
	       (unsigned long long)(n * batch), reps, st.min, st.median, st.p99,
	       tov, loop_per_call, tsc_hz, stage_fields, list);
}

void bench_na(const char *bench, unsigned batch, const char *reason)
{
	char clean[512];
	size_t i;
	for (i = 0; reason[i] && i < sizeof clean - 1; i++)
		clean[i] = (reason[i] == '\t' || reason[i] == '\n') ? ' ' : reason[i];
	clean[i] = 0;
	record("kind=result\tbench=%s\tbatch=%u\tstatus=na\treason=%s", bench, batch, clean);
}

const char *bench_strerror(long neg_errno)
{
	return strerror((int)-neg_errno);
}

void bench_die_na(const char *bench, const char *what, long err)
{
	char reason[256];
	snprintf(reason, sizeof reason, "%s: %s", what, bench_strerror(err));
	bench_na(bench, 1, reason);
	exit(0);
}
