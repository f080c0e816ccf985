/* bench/lib/stats.h — the statistics of one benchmark figure.
 *
 * Pure functions on arrays of samples (per-call TSC ticks), shared by the
 * measured programs (built 32- and 64-bit) and the unit tests. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

struct bench_stats {
	double min, median, p99;
};

/* Sorts samples in place and fills s. n >= 1. The median of an even count
 * is the mean of the two middle samples; p99 is the nearest rank
 * (ceil(0.99 n)-th smallest), so with few samples it is the maximum. */
void stats_compute(double *samples, size_t n, struct bench_stats *s);

/* Per-call cost of one timed repetition: the elapsed ticks less the
 * timer's own cost, divided over the calls, less the empty loop's cost per
 * call. Never below zero (noise can push a tiny figure under the floor). */
double stats_per_call(uint64_t elapsed, double timer_overhead,
		      uint64_t calls, double loop_overhead_per_call);

#endif
