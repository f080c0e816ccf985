/* bench/lib/stats.c — min, median and p99 of samples; overhead subtraction. */
#include "stats.h"

static void sort_doubles(double *v, size_t n)
{
	/* Insertion sort: samples number a few dozen. */
	for (size_t i = 1; i < n; i++) {
		double x = v[i];
		size_t j = i;
		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

void stats_compute(double *samples, size_t n, struct bench_stats *s)
{
	sort_doubles(samples, n);
	s->min = samples[0];
	s->median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
	size_t rank = (99 * n + 99) / 100;      /* ceil(0.99 n), >= 1 */
	s->p99 = samples[rank - 1];
}

double stats_per_call(uint64_t elapsed, double timer_overhead,
		      uint64_t calls, double loop_overhead_per_call)
{
	double t = (double)elapsed - timer_overhead;
	if (calls == 0)
		return 0;
	t = t / (double)calls - loop_overhead_per_call;
	return t > 0 ? t : 0;
}
