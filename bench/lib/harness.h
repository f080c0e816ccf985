/* bench/lib/harness.h — the measuring harness of the lat_* programs.
 *
 * After lmbench's benchmp: a benchmark is fn(iterations, cookie) running its
 * call `iterations` times; the harness owns the rest — pinning to one CPU,
 * calibrating iterations so one repetition lasts at least the minimum time,
 * a warm-up, the repetitions, the timer and loop overheads, the statistics.
 *
 * Records. Each figure is one line on the record fd, tab-separated
 * key=value fields, the first always kind=...:
 *   kind=result  bench= batch= status=ok entry= abi= bits= iterations=
 *                reps= ticks_min= ticks_median= ticks_p99= timer_overhead=
 *                loop_overhead= tsc_hz= samples=
 *                (ticks per call, overheads subtracted; iterations counts
 *                calls, batch of them per loop iteration; samples: each
 *                repetition's ticks per call, comma-separated, in the order
 *                they ran, from which min, median and p99 were taken, so
 *                that two runs can later be compared by their spread)
 *   kind=result  bench= batch= status=na reason=...   (cannot run here)
 *   kind=count-begin / kind=count-end  bench= batch= iterations=
 *                the counting handshake (below)
 * Values never hold a tab or a newline, and a record is at most
 * BENCH_RECORD_MAX bytes with its newline. The driver (persona bench) reads
 * these; nothing parses free text.
 *
 * Environment (all optional; the defaults suit a run by hand):
 *   PERSONA_BENCH_FD      record fd (default 1)
 *   PERSONA_BENCH_SYNC    handshake fd: after the timed repetitions, one more
 *                         repetition runs between count-begin and count-end,
 *                         each waiting for one byte on this fd, so that the
 *                         driver's counters (attached to this process) are
 *                         enabled around the measured loop alone
 *   PERSONA_BENCH_REPS    repetitions (default 21, at least 11)
 *   PERSONA_BENCH_MIN_MS  minimum milliseconds per repetition (default 10)
 *   PERSONA_BENCH_TSC_HZ  TSC frequency (default: measured here)
 *   PERSONA_BENCH_CPU     CPU to pin to (default: the current one)
 */
#ifndef BENCH_HARNESS_H
#define BENCH_HARNESS_H

#include <stdint.h>

#define BENCH_REPS_MAX   101    /* PERSONA_BENCH_REPS is capped here */
#define BENCH_RECORD_MAX 4096   /* one record line, newline included */

typedef void (*bench_fn)(uint64_t iterations, void *cookie);

struct bench_case {
	const char *bench;      /* record name: null, read, ... */
	unsigned batch;         /* calls per iteration (1: single calls) */
	bench_fn fn;
	void *cookie;
};

/* Reads the environment and pins the process. */
void bench_init(void);
/* Measures one figure and writes its record. */
void bench_run(const struct bench_case *c);
/* Writes a record for a figure that cannot be measured on this path. */
void bench_na(const char *bench, unsigned batch, const char *reason);
/* Reports a setup failure (what: -errno err) as the figure's record and
 * exits 0: the failure is the figure's outcome, not the program's. */
void bench_die_na(const char *bench, const char *what, long err);
/* "Bad file descriptor" for -EBADF etc. */
const char *bench_strerror(long neg_errno);

#endif
