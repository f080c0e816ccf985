/* bench/cli/bench_cli.h — the benchmark driver's shared model: the rows of
 * a run (runs.csv), its metadata (meta.json), the counters, the report.
 *
 * One row per figure: (bench, path, batch) with its statistics in TSC ticks
 * per call, or the reason it could not be measured, and its repetitions
 * (samples.csv). The report and the charts are built from runs.csv and
 * meta.json alone, so `persona report` can rebuild them from a published
 * run; comparing two runs uses samples.csv where both have one.
 */
#ifndef BENCH_CLI_H
#define BENCH_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ROW_COUNTERS_MAX 16
#define COUNTER_NAME_MAX 64
#define ROW_SAMPLES_MAX  101    /* the harness's BENCH_REPS_MAX (bench.c checks) */

enum row_status { ROW_OK, ROW_NA, ROW_FAIL };

/* One counter of one row: a per-call value, or why there is none. */
enum counter_state {
	COUNTER_NONE,           /* the row did not run */
	COUNTER_OK,             /* value and scale hold */
	COUNTER_UNSUPPORTED,    /* the machine cannot count this event */
	COUNTER_NOT_COUNTED,    /* opened, but never scheduled (running = 0) */
};

struct counter_value {
	enum counter_state state;
	double per_call;        /* scaled count / iterations */
	double scale;           /* time_enabled / time_running (1: not multiplexed) */
};

struct run_row {
	char bench[16];
	char path[32];          /* a path_def name (test_bench_model: every one fits) */
	unsigned batch;
	uint64_t iterations;
	unsigned reps;
	double ticks_min, ticks_median, ticks_p99;
	double ns_median;
	double ratio_native;    /* NAN when native did not run */
	double loop_overhead;   /* ticks per call, already subtracted */
	enum row_status status;
	char reason[256];
	struct counter_value counter[ROW_COUNTERS_MAX];
	/* Each repetition's ticks per call, in the order they ran (samples.csv);
	 * none from a run made before they were kept. */
	unsigned nsamples;
	double samples[ROW_SAMPLES_MAX];
	/* The lanes' stage timers (stages.csv), from an image built with them
	 * (paths on the stages variant): ticks per timed call, each stage with
	 * one stamp in it; stage_calls 0: none. */
	uint64_t stage_calls;
	double stage_entry, stage_call, stage_exit, stage_stamp;
};

struct run_table {
	struct run_row *rows;
	size_t n, cap;
	unsigned ncounters;
	char counter[ROW_COUNTERS_MAX][COUNTER_NAME_MAX];   /* column names */
};

/* The subcommands (also declared by the persona command's sys/persona.h). */
int cmd_bench(int argc, char **argv);
int cmd_report(int argc, char **argv);
/* The host in one line (CPU model, CPUs online, kernel release), for the
 * reports that, unlike a bench run's, keep no meta.json: tune.md, compare.md. */
void bench_host_line(char *out, size_t n);

/* runs.c */
/* snprintf for text that may be cut short on purpose (paths, reasons). */
int bfmt(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* bfmt for a path: one that does not fit is an error (exit 2 with a
 * message), never a silently shorter name of another file */
void bpath(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Room for `more` rows: pointers from table_add stay valid until then. */
void table_reserve(struct run_table *t, size_t more);
struct run_row *table_add(struct run_table *t);
/* mkdir -p: 0, or -1 with errno set. */
int mkdir_p(const char *dir);
void table_free(struct run_table *t);
const struct run_row *table_find(const struct run_table *t, const char *bench,
				 const char *path, unsigned batch);
/* Fills ns_median from the TSC frequency and ratio_native from the native
 * row of the same bench (batch 1), for every row. */
void table_derive(struct run_table *t, double tsc_hz);
const char *row_status_name(enum row_status s);
int table_write_csv(const struct run_table *t, FILE *f);
/* 0, or -1 with a message in err. Columns are found by name. */
int table_read_csv(struct run_table *t, FILE *f, char *err, size_t errlen);
/* samples.csv: one line per repetition (bench,path,batch,rep,ticks), for
 * the rows that have samples. Reading attaches them to the rows already
 * read from runs.csv; 0, or -1 with a message in err (a sample of a row
 * runs.csv lacks is an error, not dropped). */
int table_write_samples(const struct run_table *t, FILE *f);
int table_read_samples(struct run_table *t, FILE *f, char *err, size_t errlen);
/* stages.csv: one line per row with stage timers
 * (bench,path,batch,calls,entry,call,exit,stamp); read as samples.csv is. */
int table_write_stages(const struct run_table *t, FILE *f);
int table_read_stages(struct run_table *t, FILE *f, char *err, size_t errlen);
/* A column name for an event string: letters, digits, '_' and '-' kept. */
void counter_column_name(char *dst, size_t n, const char *event);

/* Metadata: flat string keys and values, in order (meta.json). */
#define META_MAX 64
struct meta {
	unsigned n;
	char key[META_MAX][48];
	char val[META_MAX][512];
};
void meta_set(struct meta *m, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *meta_get(const struct meta *m, const char *key);
int meta_write_json(const struct meta *m, FILE *f);
int meta_read_json(struct meta *m, FILE *f);

/* counters.c — libpfm4 events on another process, enabled around its
 * measured loop by the driver. */
struct counter_set;
/* Parses a comma-separated event list (NULL: the default). Events the
 * machine cannot encode or open are kept, marked unsupported with a reason. */
struct counter_set *counters_new(const char *list);
void counters_free(struct counter_set *cs);
unsigned counters_count(const struct counter_set *cs);
const char *counters_event(const struct counter_set *cs, unsigned i);
/* Why event i is unsupported, or NULL when it counts. */
const char *counters_unsupported(const struct counter_set *cs, unsigned i);
/* Opens every event on pid (and its future children), disabled. */
void counters_attach(struct counter_set *cs, int pid);
void counters_detach(struct counter_set *cs);
void counters_enable(struct counter_set *cs);
/* Disables and reads: values per call over `iterations`. */
void counters_disable_read(struct counter_set *cs, uint64_t iterations,
			   struct counter_value *out);
#define COUNTERS_DEFAULT "cycles,instructions,branch-misses,task-clock,context-switches,page-faults"

/* report.c */
/* Writes DIR/report.md and the charts (SVG and PNG, with their gnuplot
 * scripts) from the rows and the metadata. Returns 0 or -1. */
int report_write(const char *dir, const struct run_table *t, const struct meta *m);
/* The lmbench-compatible lines for the native rows ("Simple syscall: ..."). */
void report_lmbench_lines(const struct run_table *t, FILE *f);
/* Reads DIR/runs.csv, DIR/meta.json and, where the run has one,
 * DIR/samples.csv. */
int report_load(const char *dir, struct run_table *t, struct meta *m);



/* paired.c — two variants measured in the same rounds: the median of the
 * per-round ratios (other / base) and a distribution-free interval for it. */
#define PAIRED_MAX      64
#define PAIRED_COVERAGE 0.95
/* "No slower": how much dearer a figure may be and still count as within. */
#define PAIRED_TOLERANCE 0.02
struct paired {
	unsigned n;             /* pairs: rounds with both figures (twosample:
				 * repetition of one run by repetition of the other) */
	double median;          /* median of other / base */
	double low, high;       /* the interval from the order statistics */
	double coverage;        /* its confidence: >= PAIRED_COVERAGE from 6 rounds on */
};
/* Pairs other[i] with base[i]; pairs with a missing (NAN) figure are
 * skipped. 0, or -1 when no pair is left (p->n = 0). */
int paired_ratio(const double *other, const double *base, unsigned n, struct paired *p);
/* "faster" (the interval lies below 1), "slower" (above 1 + tolerance),
 * "within" (the median is at most 1 + tolerance), "unresolved" (the median
 * is above but the interval reaches below 1 + tolerance), "not measured". */
const char *paired_verdict(const struct paired *p, double tolerance);

/* twosample.c — one figure of two runs, each with its repetitions: other /
 * base as the Hodges–Lehmann estimate (the median of every ratio
 * other[j] / base[i]) with the distribution-free interval from the
 * Mann–Whitney order statistics. Only samples above 0 count (a repetition
 * under the loop-overhead floor has no ratio). 0, or -1 when a side has no
 * such sample (p->n = 0); the verdict is paired_verdict's. */
int twosample_ratio(const double *other, unsigned nother, const double *base, unsigned nbase,
		    struct paired *p);
/* The rank k of the interval [r(k), r(mn+1-k)] among the m*n sorted
 * ratios of samples of sizes m and n, and its coverage: the largest k
 * with coverage >= PAIRED_COVERAGE, or 1 (the whole range) with the
 * coverage it has when none reaches it. */
unsigned twosample_rank(unsigned m, unsigned n, double *coverage);

/* paths.c — every way a benchmark is run, in report order. */
enum path_runner {
	RUN_DIRECT,             /* the program itself, natively */
	RUN_PERSONA,            /* under `persona run [option]` */
	RUN_PTRACE,             /* under the PTRACE_SYSEMU emulator */
};
struct path_def {
	const char *name;       /* the identifier in runs.csv */
	const char *program;    /* lat_<bench>-<program>, or a whole name for batch paths */
	enum path_runner runner;
	const char *option;     /* persona run option, or NULL */
	const char *option2;    /* a second persona run option, or NULL */
	int batch;              /* a batch path: runs lat_batch or lat_uring */
	const char *route;      /* a batch path's route (lat_batch --route), or NULL */
	const char *what;       /* one line for the report */
	const char *image;      /* a dispatch variant image (variants/<image>/), or NULL */
	const char *only;       /* the one benchmark this path measures, or NULL: all */
	const char *needs;      /* host capabilities (persona doctor's names), or NULL */
};
/* How many paths there can be (the driver's list of valid names). */
#define BENCH_PATHS_MAX 48
extern const struct path_def bench_paths[];
extern const unsigned bench_npaths;
const struct path_def *path_find(const char *name);

/* The single-call benchmarks, in report order, with lmbench's names. */
struct bench_def {
	const char *name;
	const char *lmbench;    /* "Simple syscall" etc. */
	const char *what;
	const char *paths;      /* the only paths it runs on (comma-separated), or NULL: all */
	int threads;            /* one row per thread count (batch = threads): BENCH_MT_THREADS */
};
/* The thread counts of a threads benchmark (lat_null_mt.c agrees). */
#define BENCH_MT_THREADS 1, 2, 4
const struct bench_def *bench_find(const char *name);
extern const struct bench_def bench_singles[];
extern const unsigned bench_nsingles;
/* The batch benchmarks measure these operations (lat_batch, lat_uring). */
#define BATCH_OPS "null", "write", "read"

/* The private "bench" names for --only: every single one, and "batch". */
#define BENCH_ONLY_BATCH "batch"
#endif
