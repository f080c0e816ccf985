/* tests/unit/test_bench_compare.c — two runs compared by their repetitions
 * (`persona report A B`): the rank of the Mann–Whitney interval against
 * counting, the Hodges–Lehmann ratio and its interval on samples worked by
 * hand, and the verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/cli/bench_cli.h"

/* ---- the rank of the interval ------------------------------------------- */

/* The rank and coverage from counts of U = 0..top (of total arrangements),
 * as twosample_rank defines them. */
static unsigned rank_of_counts(const double *count, unsigned top, double total, double *coverage)
{
	double below = count[0] / total;
	unsigned k = 1;
	if (1 - 2 * below >= PAIRED_COVERAGE)
		while (k < top && 1 - 2 * (below + count[k] / total) >= PAIRED_COVERAGE)
			below += count[k++] / total;
	*coverage = 1 - 2 * below;
	return k;
}

/* Every arrangement of m a's and n b's in one order, U counted directly:
 * the pairs with the b before the a. */
static unsigned rank_by_enumeration(unsigned m, unsigned n, double *coverage)
{
	double count[64] = { 0 }, total = 0;
	for (unsigned mask = 0; mask < 1u << (m + n); mask++) {
		if ((unsigned)__builtin_popcount(mask) != m)
			continue;
		unsigned u = 0, bs = 0;
		for (unsigned pos = 0; pos < m + n; pos++) {
			if (mask >> pos & 1)
				u += bs;        /* an a after bs b's */
			else
				bs++;
		}
		count[u]++;
		total++;
	}
	return rank_of_counts(count, m * n / 2, total, coverage);
}

/* The counts by the textbook recursion, additions only:
 * f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u). */
static unsigned rank_by_recursion(unsigned m, unsigned n, double *coverage)
{
	unsigned top = m * n / 2;
	size_t w = top + 1;
	double *prev = calloc((n + 1) * w, sizeof *prev), *cur = calloc((n + 1) * w, sizeof *cur);
	assert_non_null(prev);
	assert_non_null(cur);
	for (unsigned j = 0; j <= n; j++)
		prev[j * w] = 1;                /* m = 0: U = 0 */
	for (unsigned i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * w * sizeof *cur);
		cur[0] = 1;                     /* n = 0: U = 0 */
		for (unsigned j = 1; j <= n; j++)
			for (unsigned u = 0; u <= top; u++)
				cur[j * w + u] = (u >= j ? prev[j * w + u - j] : 0) + cur[(j - 1) * w + u];
		double *t = prev;
		prev = cur;
		cur = t;
	}
	double total = 1;
	for (unsigned i = 1; i <= m; i++)
		total = total * (double)(n + i) / (double)i;
	unsigned k = rank_of_counts(prev + n * w, top, total, coverage);
	free(prev);
	free(cur);
	return k;
}

static void rank_by_hand(void **state)
{
	(void)state;
	double cov;
	/* m = n = 5: U = 0, 1, 2 in 1, 1, 2 of C(10, 5) = 252 arrangements;
	 * P(U <= 2) = 4/252 keeps 96.8%, P(U <= 3) = 7/252 would not */
	assert_int_equal(twosample_rank(5, 5, &cov), 3);
	assert_float_equal(cov, 1 - 8.0 / 252, 1e-12);
	/* the published two-sided 5% critical value for 11 and 11 is 30 */
	assert_int_equal(twosample_rank(11, 11, &cov), 31);
	assert_true(cov >= 0.95);
	/* 3 and 4: even the whole range holds only 1 - 2/35 */
	assert_int_equal(twosample_rank(3, 4, &cov), 1);
	assert_float_equal(cov, 1 - 2.0 / 35, 1e-12);
	assert_int_equal(twosample_rank(1, 1, &cov), 1);
	assert_true(cov == 0);
}

static void rank_agrees_with_counting(void **state)
{
	(void)state;
	static const unsigned small[][2] = { { 2, 2 }, { 3, 4 }, { 4, 3 }, { 5, 5 }, { 6, 7 }, { 8, 8 }, { 4, 11 } };
	static const unsigned large[][2] = { { 11, 11 }, { 11, 31 }, { 31, 11 }, { 31, 31 }, { 101, 101 } };
	double want, got;
	for (unsigned i = 0; i < sizeof small / sizeof small[0]; i++) {
		unsigned m = small[i][0], n = small[i][1];
		assert_int_equal(twosample_rank(m, n, &got), rank_by_enumeration(m, n, &want));
		assert_float_equal(got, want, 1e-12);
	}
	for (unsigned i = 0; i < sizeof large / sizeof large[0]; i++) {
		unsigned m = large[i][0], n = large[i][1];
		assert_int_equal(twosample_rank(m, n, &got), rank_by_recursion(m, n, &want));
		assert_float_equal(got, want, 1e-9);
		assert_true(got >= PAIRED_COVERAGE);
	}
}

/* ---- the ratio, its interval, the verdict -------------------------------- */

static void ratio_by_hand(void **state)
{
	(void)state;
	/* Powers of two: every ratio is 2^(j - i + 1), so the 25 of them are
	 * 2^-3 once, 2^-2 twice, 2^-1 three times, 2^0 four, 2^1 five, 2^2
	 * four, 2^3 three, 2^4 twice, 2^5 once. The 13th is 2^1; with k = 3
	 * the interval is the 3rd and the 23rd: 2^-2 and 2^4. */
	double a[5] = { 1, 2, 4, 8, 16 }, b[5] = { 32, 16, 8, 4, 2 };     /* order is no matter */
	struct paired p;
	assert_int_equal(twosample_ratio(b, 5, a, 5, &p), 0);
	assert_int_equal(p.n, 25);
	assert_true(p.median == 2);
	assert_true(p.low == 0.25);
	assert_true(p.high == 16);
	assert_float_equal(p.coverage, 1 - 8.0 / 252, 1e-12);
	assert_string_equal(paired_verdict(&p, PAIRED_TOLERANCE), "unresolved");
}

static void identical_runs_are_within(void **state)
{
	(void)state;
	double a[11] = { 291.5, 290.2, 289.9, 293.0, 290.8, 295.1, 290.0, 291.1, 288.7, 290.4, 297.3 };
	struct paired p;
	assert_int_equal(twosample_ratio(a, 11, a, 11, &p), 0);
	assert_int_equal(p.n, 121);
	assert_true(p.median == 1);     /* the 11 ratios x/x sit in the middle */
	assert_true(p.low < 1 && p.high > 1);
	assert_float_equal(p.low * p.high, 1, 1e-12);   /* r and 1/r, by symmetry */
	assert_string_equal(paired_verdict(&p, PAIRED_TOLERANCE), "within");
}

static void shifts(void **state)
{
	(void)state;
	double a[11] = { 400.0, 401.5, 399.2, 402.8, 400.9, 398.7, 403.3, 400.1, 401.0, 399.9, 404.6 };
	double b[11], c[11];
	struct paired p;
	for (unsigned i = 0; i < 11; i++) {
		b[i] = a[i] * 1.10;             /* a clear 10% dearer */
		c[i] = a[(i + 3) % 11] * 0.90;  /* 10% cheaper, in another order */
	}
	assert_int_equal(twosample_ratio(b, 11, a, 11, &p), 0);
	assert_float_equal(p.median, 1.10, 1e-9);
	assert_true(p.low > 1 + PAIRED_TOLERANCE);
	assert_string_equal(paired_verdict(&p, PAIRED_TOLERANCE), "slower");
	assert_int_equal(twosample_ratio(c, 11, a, 11, &p), 0);
	assert_float_equal(p.median, 0.90, 1e-9);
	assert_string_equal(paired_verdict(&p, PAIRED_TOLERANCE), "faster");
	/* 1% dearer with this spread: within the bar */
	for (unsigned i = 0; i < 11; i++)
		b[i] = a[i] * 1.01;
	assert_int_equal(twosample_ratio(b, 11, a, 11, &p), 0);
	assert_string_equal(paired_verdict(&p, PAIRED_TOLERANCE), "within");
}

static void unequal_counts_and_zeros(void **state)
{
	(void)state;
	/* A zero repetition (under the loop floor) has no ratio and is left
	 * out; a run with none above zero has no comparison at all. */
	double a[4] = { 100, 0, 100, 100 }, b[3] = { 110, 110, 110 }, z[2] = { 0, 0 };
	struct paired p;
	assert_int_equal(twosample_ratio(b, 3, a, 4, &p), 0);
	assert_int_equal(p.n, 9);
	assert_float_equal(p.median, 1.1, 1e-12);
	assert_float_equal(p.coverage, 1 - 2.0 / 20, 1e-12);    /* 3 and 3: the whole range */
	assert_int_equal(twosample_ratio(z, 2, a, 4, &p), -1);
	assert_int_equal(p.n, 0);
	assert_string_equal(paired_verdict(&p, PAIRED_TOLERANCE), "not measured");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rank_by_hand),
		cmocka_unit_test(rank_agrees_with_counting),
		cmocka_unit_test(ratio_by_hand),
		cmocka_unit_test(identical_runs_are_within),
		cmocka_unit_test(shifts),
		cmocka_unit_test(unequal_counts_and_zeros),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
