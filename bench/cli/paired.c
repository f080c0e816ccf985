/* bench/cli/paired.c — paired comparisons of two variants measured in the
 * same rounds (`persona tune`).
 *
 * Why pairs: on a shared machine one figure of one image moves by several
 * percent between processes, while two processes run back to back see
 * nearly the same machine. So each round yields one ratio (other / base),
 * and the comparison is the median of those ratios with a distribution-free
 * interval from the order statistics (the sign test's interval for a
 * median), which assumes nothing about the shape of the noise.
 */
#include "bench_cli.h"
#include "bench/lib/stats.h"

#include <math.h>

/* P(B <= k) for B ~ Binomial(n, 1/2), by summing the terms. */
static double binom_half_cdf(unsigned n, unsigned k)
{
	double term = ldexp(1.0, -(int)n), sum = 0;     /* C(n,0) / 2^n */

	for (unsigned i = 0; i <= k && i <= n; i++) {
		sum += term;
		term = term * (double)(n - i) / (double)(i + 1);
	}
	return sum;
}

int paired_ratio(const double *other, const double *base, unsigned n, struct paired *p)
{
	double r[PAIRED_MAX];
	unsigned m = 0;

	for (unsigned i = 0; i < n && m < PAIRED_MAX; i++)
		if (isfinite(other[i]) && isfinite(base[i]) && base[i] > 0)
			r[m++] = other[i] / base[i];
	p->n = m;
	if (!m) {
		p->median = p->low = p->high = NAN;
		p->coverage = 0;
		return -1;
	}
	struct bench_stats st;
	stats_compute(r, m, &st);       /* sorts r: the interval is read by rank */
	p->median = st.median;
	/* [r(k), r(m+1-k)] covers the true median with probability
	 * 1 - 2 P(B <= k-1): the largest k that still reaches 95% gives the
	 * narrowest such interval; with fewer than 6 pairs none does, and the
	 * whole range is given with the coverage it has. */
	unsigned k = 1;
	for (unsigned j = m / 2; j >= 1; j--)
		if (1 - 2 * binom_half_cdf(m, j - 1) >= PAIRED_COVERAGE) {
			k = j;
			break;
		}
	p->low = r[k - 1];
	p->high = r[m - k];
	p->coverage = m == 1 ? 0 : 1 - 2 * binom_half_cdf(m, k - 1);
	return 0;
}

const char *paired_verdict(const struct paired *p, double tolerance)
{
	if (!p->n)
		return "not measured";
	if (p->low > 1 + tolerance)
		return "slower";
	if (p->high < 1)
		return "faster";
	if (p->median <= 1 + tolerance)
		return "within";
	return "unresolved";
}
