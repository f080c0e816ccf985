/* bench/cli/twosample.c — one figure of two runs compared by their
 * repetitions (`persona report A B`).
 *
 * Two runs are two processes, so there are no pairs as in `persona tune`'s
 * rounds: each run gives its own repetitions. The comparison is the
 * Hodges–Lehmann estimate of other / base — the median of the m*n ratios of
 * one run's repetition to the other's — with the interval between two of
 * those ratios picked by rank from the null distribution of the
 * Mann–Whitney U statistic, which assumes only that the two runs' noise has
 * the same shape, not which shape. Ratios order as differences of logs, so
 * this is the textbook shift interval on the log scale.
 *
 * The distribution of U is the exact one (no ties: the samples are ticks
 * per call to two decimals over millions of calls), not the normal
 * approximation: with the 11 repetitions of a --quick run the two differ by
 * a rank, and the exact one costs about m*m*n additions.
 */
#include "bench_cli.h"

#include <math.h>
#include <stdlib.h>

/* Counts of U = 0..top for sizes m and n: the coefficients of the Gaussian
 * binomial [m+n choose m]_q, built as the product over i = 1..m of
 * (1 - q^(n+i)) / (1 - q^i). Each step leaves the polynomial [n+i choose i]_q,
 * whose coefficients are counts of U for sizes i and n; a coefficient
 * depends only on those of lower degree, so the lower tail is computed
 * alone. */
static void u_counts(unsigned m, unsigned n, unsigned top, double *c)
{
	c[0] = 1;
	for (unsigned u = 1; u <= top; u++)
		c[u] = 0;
	for (unsigned i = 1; i <= m; i++) {
		for (unsigned u = i; u <= top; u++)             /* / (1 - q^i) */
			c[u] += c[u - i];
		for (unsigned u = top; u >= n + i; u--)         /* * (1 - q^(n+i)) */
			c[u] -= c[u - n - i];
	}
}

unsigned twosample_rank(unsigned m, unsigned n, double *coverage)
{
	unsigned top = m * n / 2;
	double *c = malloc((top + 1) * sizeof *c);
	double total = 1, below;        /* total: C(m+n, m); below: P(U <= k-1) */
	unsigned k = 1;

	if (!m || !n || !c) {
		free(c);
		*coverage = 0;
		return 1;
	}
	for (unsigned i = 1; i <= m; i++)
		total = total * (double)(n + i) / (double)i;
	u_counts(m, n, top, c);
	/* [r(k), r(mn+1-k)] misses the true ratio when U <= k-1 or, by the
	 * symmetry of U, U >= mn-k+1: coverage 1 - 2 P(U <= k-1). From the
	 * whole range (k = 1), grow k while the next rank still reaches the
	 * target; k never passes the middle. */
	below = c[0] / total;
	if (1 - 2 * below >= PAIRED_COVERAGE)
		while (k < top && 1 - 2 * (below + c[k] / total) >= PAIRED_COVERAGE)
			below += c[k++] / total;
	*coverage = 1 - 2 * below;
	free(c);
	return k;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The samples that have a ratio: finite and above 0. */
static unsigned usable(const double *s, unsigned n, double *out)
{
	unsigned m = 0;
	for (unsigned i = 0; i < n; i++)
		if (isfinite(s[i]) && s[i] > 0)
			out[m++] = s[i];
	return m;
}

int twosample_ratio(const double *other, unsigned nother, const double *base, unsigned nbase,
		    struct paired *p)
{
	double *o = malloc((nother + 1) * sizeof *o), *b = malloc((nbase + 1) * sizeof *b);
	unsigned no = o ? usable(other, nother, o) : 0, nb = b ? usable(base, nbase, b) : 0;
	double *r = no && nb ? malloc((size_t)no * nb * sizeof *r) : NULL;

	p->median = p->low = p->high = NAN;
	p->coverage = 0;
	p->n = 0;
	if (!r) {
		free(o);
		free(b);
		return -1;
	}
	size_t mn = 0;
	for (unsigned j = 0; j < no; j++)
		for (unsigned i = 0; i < nb; i++)
			r[mn++] = o[j] / b[i];
	qsort(r, mn, sizeof *r, cmp_double);
	p->n = (unsigned)mn;
	p->median = mn % 2 ? r[mn / 2] : (r[mn / 2 - 1] + r[mn / 2]) / 2;
	unsigned k = twosample_rank(no, nb, &p->coverage);
	p->low = r[k - 1];
	p->high = r[mn - k];
	free(r);
	free(o);
	free(b);
	return 0;
}
