/* tests/unit/test_bench_model.c — the benchmark harness's statistics, the
 * driver's runs.csv, samples.csv and meta.json round trips, and counters on
 * a machine that cannot count an event (reported unsupported, never zero). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stats.h"
#include "bench/cli/bench_cli.h"

/* ---- statistics --------------------------------------------------------- */

static void stats_odd_count(void **state)
{
	(void)state;
	double s[] = { 9, 1, 5, 3, 7 };
	struct bench_stats st;
	stats_compute(s, 5, &st);
	assert_true(st.min == 1);
	assert_true(st.median == 5);
	assert_true(st.p99 == 9);       /* nearest rank of 5 samples: the 5th */
	assert_true(s[0] == 1 && s[4] == 9);    /* sorted in place */
}

static void stats_even_count(void **state)
{
	(void)state;
	double s[] = { 4, 2, 8, 6 };
	struct bench_stats st;
	stats_compute(s, 4, &st);
	assert_true(st.min == 2);
	assert_true(st.median == 5);    /* mean of the middle two */
	assert_true(st.p99 == 8);
}

static void stats_p99_of_hundreds(void **state)
{
	(void)state;
	double s[200];
	struct bench_stats st;
	for (int i = 0; i < 200; i++)
		s[i] = 200 - i;         /* 1..200, reversed */
	stats_compute(s, 200, &st);
	assert_true(st.min == 1);
	assert_true(st.median == 100.5);
	assert_true(st.p99 == 198);     /* ceil(0.99 * 200) = 198th */
	struct bench_stats one;
	double x = 42;
	stats_compute(&x, 1, &one);
	assert_true(one.min == 42 && one.median == 42 && one.p99 == 42);
}

static void overhead_subtraction(void **state)
{
	(void)state;
	/* (1000 ticks - 100 of timer) over 10 calls = 90, less 5 of loop. */
	assert_true(stats_per_call(1000, 100, 10, 5) == 85);
	/* Noise below the floor is clamped to zero, never negative. */
	assert_true(stats_per_call(100, 100, 10, 5) == 0);
	assert_true(stats_per_call(1000, 0, 0, 0) == 0);
}

/* ---- runs.csv ------------------------------------------------------------- */

static void fill_table(struct run_table *t)
{
	memset(t, 0, sizeof *t);
	t->ncounters = 3;
	strcpy(t->counter[0], "cycles");
	strcpy(t->counter[1], "task-clock");
	strcpy(t->counter[2], "page-faults");

	struct run_row *r = table_add(t);
	strcpy(r->bench, "null");
	strcpy(r->path, "native");
	r->status = ROW_OK;
	r->iterations = 123456;
	r->reps = 11;
	r->ticks_min = 280.5;
	r->ticks_median = 290.25;
	r->ticks_p99 = 310;
	r->loop_overhead = 0.5;
	r->counter[0].state = COUNTER_UNSUPPORTED;
	r->counter[1] = (struct counter_value){ COUNTER_OK, 111.5, 1.0 };
	r->counter[2] = (struct counter_value){ COUNTER_OK, 0, 2.5 };

	r = table_add(t);
	strcpy(r->bench, "null");
	strcpy(r->path, "pers-sysinfo");
	r->status = ROW_OK;
	r->iterations = 100000;
	r->reps = 11;
	r->ticks_min = r->ticks_median = r->ticks_p99 = 362.8125;
	r->counter[0].state = COUNTER_UNSUPPORTED;
	r->counter[1].state = COUNTER_NOT_COUNTED;

	r = table_add(t);
	strcpy(r->bench, "write");
	strcpy(r->path, "pers-batch-uring");
	r->batch = 32;
	r->status = ROW_FAIL;
	strcpy(r->reason, "persona run: exit 2: bad \"option\", see usage");

	r = table_add(t);
	strcpy(r->bench, "gate");
	strcpy(r->path, "native");
	r->status = ROW_NA;
	strcpy(r->reason, "no personality gate on this path");
	table_derive(t, 2.6e9);
}

static void derive_ratios(void **state)
{
	(void)state;
	struct run_table t;
	fill_table(&t);
	assert_true(fabs(t.rows[0].ratio_native - 1.0) < 1e-12);
	assert_true(fabs(t.rows[1].ratio_native - 362.8125 / 290.25) < 1e-12);
	assert_true(fabs(t.rows[0].ns_median - 290.25 / 2.6) < 1e-9);
	assert_true(isnan(t.rows[2].ratio_native));     /* failed: no figure */
	assert_true(isnan(t.rows[3].ns_median));
	table_free(&t);
}

static void csv_round_trip(void **state)
{
	(void)state;
	struct run_table t, back;
	char err[200];
	fill_table(&t);
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(table_write_csv(&t, f), 0);

	/* The header holds the columns the report and other tools rely on. */
	rewind(f);
	char header[1024];
	assert_non_null(fgets(header, sizeof header, f));
	assert_true(!strncmp(header, "bench,path,batch,iterations,", 28));
	assert_non_null(strstr(header, ",ticks_min,ticks_median,ticks_p99,ns_median,ratio_native,"));
	assert_non_null(strstr(header, ",status,reason,"));
	assert_non_null(strstr(header, ",cycles,cycles_scale,task-clock,task-clock_scale,"));
	/* An unsupported counter is written as such, never as a zero. */
	char line[1024];
	assert_non_null(fgets(line, sizeof line, f));
	assert_non_null(strstr(line, ",unsupported,"));

	rewind(f);
	assert_int_equal(table_read_csv(&back, f, err, sizeof err), 0);
	fclose(f);
	assert_int_equal(back.n, t.n);
	assert_int_equal(back.ncounters, 3);
	assert_string_equal(back.counter[1], "task-clock");
	for (size_t i = 0; i < t.n; i++) {
		const struct run_row *a = &t.rows[i], *b = &back.rows[i];
		assert_string_equal(a->bench, b->bench);
		assert_string_equal(a->path, b->path);
		assert_int_equal(a->batch, b->batch);
		assert_int_equal(a->status, b->status);
		assert_string_equal(a->reason, b->reason);   /* quotes and commas survive */
		if (a->status == ROW_OK) {
			assert_int_equal(a->iterations, b->iterations);
			assert_int_equal(a->reps, b->reps);
			assert_true(fabs(a->ticks_median - b->ticks_median) < 0.01);
			assert_true(fabs(a->ticks_min - b->ticks_min) < 0.01);
			assert_true(fabs(a->ratio_native - b->ratio_native) < 0.001);
		} else {
			assert_true(isnan(b->ticks_median));
		}
		for (unsigned k = 0; k < 3; k++) {
			assert_int_equal(a->counter[k].state, b->counter[k].state);
			if (a->counter[k].state == COUNTER_OK) {
				assert_true(fabs(a->counter[k].per_call - b->counter[k].per_call) < 1e-3);
				assert_true(fabs(a->counter[k].scale - b->counter[k].scale) < 1e-3);
			}
		}
	}
	table_free(&t);
	table_free(&back);
}

static void csv_missing_column_is_an_error(void **state)
{
	(void)state;
	struct run_table t;
	char err[200] = "";
	FILE *f = tmpfile();
	fputs("bench,path,batch\nnull,native,1\n", f);
	rewind(f);
	assert_int_equal(table_read_csv(&t, f, err, sizeof err), -1);
	assert_non_null(strstr(err, "iterations"));
	fclose(f);
	table_free(&t);
}

static void meta_round_trip(void **state)
{
	(void)state;
	struct meta m = { 0 }, back;
	meta_set(&m, "host", "box");
	meta_set(&m, "command", "persona bench --only \"null\" \\ x");
	meta_set(&m, "host", "other");          /* a key set twice keeps one entry */
	FILE *f = tmpfile();
	assert_int_equal(meta_write_json(&m, f), 0);
	rewind(f);
	meta_read_json(&back, f);
	fclose(f);
	assert_int_equal(back.n, 2);
	assert_string_equal(meta_get(&back, "host"), "other");
	assert_string_equal(meta_get(&back, "command"), "persona bench --only \"null\" \\ x");
	assert_null(meta_get(&back, "nothing"));
}

/* ---- counters --------------------------------------------------------------- */

static void counters_unsupported_not_zero(void **state)
{
	(void)state;
	struct counter_set *cs = counters_new("no-such-event-anywhere,task-clock,cycles");
	assert_non_null(cs);
	assert_int_equal(counters_count(cs), 3);
	/* Unknown to libpfm: unsupported from the start, with a reason. */
	assert_non_null(counters_unsupported(cs, 0));

	counters_attach(cs, 0);
	counters_enable(cs);
	for (volatile int i = 0; i < 100000; i++)
		;
	struct counter_value v[3];
	counters_disable_read(cs, 1000, v);
	counters_free(cs);

	assert_int_equal(v[0].state, COUNTER_UNSUPPORTED);
	/* Each event either counts or says it cannot (a machine without a
	 * hardware PMU cannot count cycles); none is a silent zero. */
	for (unsigned k = 1; k < 3; k++)
		assert_true(v[k].state == COUNTER_OK || v[k].state == COUNTER_UNSUPPORTED ||
			    v[k].state == COUNTER_NOT_COUNTED);
	if (v[1].state == COUNTER_OK) {
		assert_true(v[1].per_call > 0);         /* task-clock ran */
		assert_true(v[1].scale >= 1.0);
	}
}

static void counters_default_list(void **state)
{
	(void)state;
	struct counter_set *cs = counters_new(NULL);
	assert_int_equal(counters_count(cs), 6);
	assert_string_equal(counters_event(cs, 0), "cycles");
	assert_string_equal(counters_event(cs, 3), "task-clock");
	counters_free(cs);
	char col[COUNTER_NAME_MAX];
	counter_column_name(col, sizeof col, "perf::PERF_COUNT_SW_TASK_CLOCK:u");
	assert_string_equal(col, "perf__PERF_COUNT_SW_TASK_CLOCK_u");
}

/* ---- samples.csv ------------------------------------------------------------ */

static void two_rows(struct run_table *t)
{
	memset(t, 0, sizeof *t);
	struct run_row *r = table_add(t);
	strcpy(r->bench, "null");
	strcpy(r->path, "native");
	r->status = ROW_OK;
	r->reps = 3;
	r->nsamples = 3;
	r->samples[0] = 290.25;
	r->samples[1] = 288.5;
	r->samples[2] = 301;
	r = table_add(t);
	strcpy(r->bench, "write");
	strcpy(r->path, "pers-batch-uring");
	r->batch = 32;
	r->status = ROW_NA;             /* no samples: no lines */
	strcpy(r->reason, "not here");
}

static void samples_round_trip(void **state)
{
	(void)state;
	struct run_table t, back;
	char err[200], line[200];
	two_rows(&t);
	FILE *runs = tmpfile(), *samples = tmpfile();
	assert_non_null(runs);
	assert_non_null(samples);
	assert_int_equal(table_write_csv(&t, runs), 0);
	assert_int_equal(table_write_samples(&t, samples), 0);
	rewind(samples);
	assert_non_null(fgets(line, sizeof line, samples));
	assert_string_equal(line, "bench,path,batch,rep,ticks\n");
	assert_non_null(fgets(line, sizeof line, samples));
	assert_string_equal(line, "null,native,1,1,290.25\n");

	rewind(runs);
	rewind(samples);
	assert_int_equal(table_read_csv(&back, runs, err, sizeof err), 0);
	assert_int_equal(back.rows[0].nsamples, 0);     /* runs.csv alone has none */
	assert_int_equal(table_read_samples(&back, samples, err, sizeof err), 0);
	assert_int_equal(back.rows[0].nsamples, 3);
	assert_true(back.rows[0].samples[0] == 290.25 && back.rows[0].samples[1] == 288.5 &&
		    back.rows[0].samples[2] == 301);
	assert_int_equal(back.rows[1].nsamples, 0);
	fclose(runs);
	fclose(samples);
	table_free(&back);
	table_free(&t);
}

static void samples_of_unknown_rows_are_errors(void **state)
{
	(void)state;
	struct run_table t;
	char err[200];
	two_rows(&t);
	t.rows[0].nsamples = 0;
	FILE *f = tmpfile();
	fputs("bench,path,batch,rep,ticks\nnull,native,1,1,290\nnull,pers-sud,1,1,24000\n", f);
	rewind(f);
	assert_int_equal(table_read_samples(&t, f, err, sizeof err), -1);
	assert_non_null(strstr(err, "line 3"));
	assert_non_null(strstr(err, "pers-sud"));
	fclose(f);

	f = tmpfile();
	fputs("bench,path,batch,rep\nnull,native,1,1\n", f);
	rewind(f);
	assert_int_equal(table_read_samples(&t, f, err, sizeof err), -1);
	assert_string_equal(err, "no column 'ticks'");
	fclose(f);

	f = tmpfile();
	fputs("bench,path,batch,rep,ticks\nnull,native,1,1,fast\n", f);
	rewind(f);
	assert_int_equal(table_read_samples(&t, f, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a number"));
	fclose(f);
	table_free(&t);
}

/* ---- paired comparisons (persona tune) ------------------------------------ */

static void fill_pairs(double *other, double *base, const double *ratios, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		base[i] = 400 + 10 * i;         /* the machine drifts between rounds */
		other[i] = base[i] * ratios[i];
	}
}

static void paired_identical_is_within(void **state)
{
	(void)state;
	double a[8] = { 500, 480, 520, 510, 505, 499, 530, 470 };
	struct paired p;
	assert_int_equal(paired_ratio(a, a, 8, &p), 0);
	assert_int_equal(p.n, 8);
	assert_true(p.median == 1 && p.low == 1 && p.high == 1);
	assert_string_equal(paired_verdict(&p, 0.02), "within");
}

static void paired_interval_of_twelve(void **state)
{
	(void)state;
	/* given out of order: the interval is by rank, not by round */
	const double r[12] = { 1.06, 0.95, 1.01, 0.97, 1.03, 0.99, 1.00, 1.02, 0.96, 1.04, 0.98, 1.05 };
	double o[12], b[12];
	struct paired p;
	fill_pairs(o, b, r, 12);
	assert_int_equal(paired_ratio(o, b, 12, &p), 0);
	assert_int_equal(p.n, 12);
	assert_float_equal(p.median, 1.005, 1e-9);
	/* k = 3: 1 - 2 P(B(12, 1/2) <= 2) = 1 - 2 * 79 / 4096; k = 4 reaches only 0.854 */
	assert_float_equal(p.low, 0.97, 1e-9);
	assert_float_equal(p.high, 1.04, 1e-9);       /* the 3rd from either end */
	assert_float_equal(p.coverage, 1 - 2 * 79.0 / 4096, 1e-12);
	assert_string_equal(paired_verdict(&p, 0.02), "within");
}

static void paired_few_rounds_take_the_range(void **state)
{
	(void)state;
	const double r[4] = { 1.10, 0.90, 1.00, 1.01 };
	double o[4], b[4];
	struct paired p;
	fill_pairs(o, b, r, 4);
	assert_int_equal(paired_ratio(o, b, 4, &p), 0);
	assert_float_equal(p.low, 0.90, 1e-9);
	assert_float_equal(p.high, 1.10, 1e-9);
	assert_float_equal(p.coverage, 0.875, 1e-12);   /* 1 - 2 / 2^4: below 95%, and said so */
}

static void paired_skips_missing_figures(void **state)
{
	(void)state;
	double o[3] = { 110, NAN, 120 }, b[3] = { 100, 100, NAN };
	struct paired p;
	assert_int_equal(paired_ratio(o, b, 3, &p), 0);
	assert_int_equal(p.n, 1);
	assert_float_equal(p.median, 1.1, 1e-9);
	assert_true(p.coverage == 0);                   /* one pair proves nothing */
	double none[2] = { NAN, NAN };
	assert_int_equal(paired_ratio(none, b, 2, &p), -1);
	assert_int_equal(p.n, 0);
	assert_string_equal(paired_verdict(&p, 0.02), "not measured");
}

static void paired_verdicts(void **state)
{
	(void)state;
	const double slower[12] = { 1.05, 1.06, 1.07, 1.08, 1.09, 1.10, 1.05, 1.06, 1.07, 1.08, 1.09, 1.10 };
	const double faster[12] = { 0.90, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.90, 0.91, 0.92 };
	const double unsure[12] = { 1.00, 1.01, 1.02, 1.03, 1.03, 1.03, 1.04, 1.04, 1.05, 1.06, 0.99, 1.03 };
	double o[12], b[12];
	struct paired p;
	fill_pairs(o, b, slower, 12);
	paired_ratio(o, b, 12, &p);
	assert_string_equal(paired_verdict(&p, 0.02), "slower");
	fill_pairs(o, b, faster, 12);
	paired_ratio(o, b, 12, &p);
	assert_string_equal(paired_verdict(&p, 0.02), "faster");
	fill_pairs(o, b, unsure, 12);
	paired_ratio(o, b, 12, &p);
	assert_true(p.median > 1.02 && p.low <= 1.02);
	assert_string_equal(paired_verdict(&p, 0.02), "unresolved");
}

/* Every path's name fits a row's path field, whole: a cut name would
 * match no path and its rows would leave the report. */
static void path_names_fit_rows(void **state)
{
	(void)state;
	struct run_row r;
	for (unsigned i = 0; i < bench_npaths; i++)
		assert_in_range(strlen(bench_paths[i].name), 1, sizeof r.path - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stats_odd_count),
		cmocka_unit_test(stats_even_count),
		cmocka_unit_test(stats_p99_of_hundreds),
		cmocka_unit_test(overhead_subtraction),
		cmocka_unit_test(derive_ratios),
		cmocka_unit_test(path_names_fit_rows),
		cmocka_unit_test(csv_round_trip),
		cmocka_unit_test(csv_missing_column_is_an_error),
		cmocka_unit_test(meta_round_trip),
		cmocka_unit_test(samples_round_trip),
		cmocka_unit_test(samples_of_unknown_rows_are_errors),
		cmocka_unit_test(counters_unsupported_not_zero),
		cmocka_unit_test(counters_default_list),
		cmocka_unit_test(paired_identical_is_within),
		cmocka_unit_test(paired_interval_of_twelve),
		cmocka_unit_test(paired_few_rounds_take_the_range),
		cmocka_unit_test(paired_skips_missing_figures),
		cmocka_unit_test(paired_verdicts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
