/* bench/cli/tune.c — `persona tune`: measure the dispatch variants, choose the
 * table's tuning settings per row, write them as an overlay, rebuild the
 * image, and measure untuned against tuned in the same run.
 *
 * What is tuned (every variant comes from the same table, through a tuning
 * overlay that tools/gentbl.py reads; nothing is kept by hand):
 *   dispatch   pointer table or generated switch (the whole image)
 *   fast       asm fast path or C, per row that has one (PASS, out=)
 *   route/thr  direct or io_uring per batched call, and the batch size from
 *              which the ring wins (the crossover, measured per operation)
 * The overlay is personality/linux-i386.tune in the source tree: `make`
 * builds the image with it; deleting it returns to the table's own columns.
 *
 * Measurements are `persona bench` runs (the same harness and records) on the
 * personality's sysinfo path, each with PERSONA_IMAGE naming the variant
 * image; decisions are weighted by a call mix, recorded by default from a
 * real workload (busybox sh running a script) with `persona run --stats`.
 *
 * How variants are compared: in rounds. In each round every benchmark job
 * runs once per variant, back to back, the order rotating from round to
 * round; a figure's per-round ratio (variant / base) is one pair, and a
 * comparison is the median of the pairs with its distribution-free interval
 * (paired.c). On a shared machine a figure of one image moves by several
 * percent between processes, but two processes run back to back see nearly
 * the same machine, so pairs resolve what single figures cannot. Many short
 * runs (--quick repetitions) beat a few long ones here: the spread within
 * one process is about 1%, between processes several percent.
 */
#include "bench_cli.h"
#include "sys/doctor/hostcaps.h"
#include "bench/lib/stats.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TUNE_FILE     "personality/linux-i386.tune"
#define TABLE_FILE    "personality/linux-i386.tbl"
/* A variant replaces the table's setting only when it is faster with
 * confidence (its whole interval below 1) and its median gain is at least
 * this: otherwise the simpler setting stays. */
#define MIN_GAIN      0.01
/* "No slower": the tuned image may cost this much more on a figure
 * (persona report A B judges two runs by the same bar). */
#define TOLERANCE     PAIRED_TOLERANCE
/* Rounds: 12 pairs give a 96% interval between the 3rd and the 10th ratio.
 * --quick runs 3 and 4 (an interval of the whole range, with its coverage
 * said in tune.md). */
#define VARIANT_ROUNDS 12
#define FINAL_ROUNDS   12
#define ROUNDS_CAP     32            /* --rounds: a noisier machine may want more */
#define VARIANTS_MAX   3

/* The single benchmarks, the i386 calls each one makes per iteration (the
 * mix weights them); whether the call's row can take the asm fast path
 * comes from the table (row_takes_asm). */
static const struct tuned_bench {
	const char *bench;
	const char *calls[2];
} tuned_benches[] = {
	{ "null",      { "getppid" } },
	{ "read",      { "read" } },
	{ "write",     { "write" } },
	{ "stat",      { "stat64" } },
	{ "fstat",     { "fstat64" } },
	{ "openclose", { "open", "close" } },
	{ "gate",      { "persona_gate" } },
};
#define NBENCH (sizeof tuned_benches / sizeof tuned_benches[0])

/* A batched operation of lat_batch, and the table row it tunes. */
static const struct batch_op {
	const char *op;         /* lat_batch's operation */
	const char *row;        /* the i386 row whose route it decides */
	int ring;               /* io_uring has the operation */
} batch_ops[] = {
	{ "write", "write", 1 },
	{ "read",  "read", 1 },
	{ "null",  "getppid", 0 },
};

struct mix_entry {
	char name[48];
	unsigned long long count;
};

struct mix {
	struct mix_entry *e;
	size_t n;
	unsigned long long total;
	char source[PATH_MAX + 64];
};

/* An image under measurement, by the path it is measured through. */
struct variant {
	const char *name;
	char image[PATH_MAX + 64];
};

/* One `persona bench` invocation: one program per path, one process each. */
struct job {
	const char *only, *paths;
};

/* The figures of a comparison: per variant and round, the rows of every job. */
struct rounds {
	int nv, n;
	const struct variant *v;
	struct run_table t[VARIANTS_MAX][ROUNDS_CAP];
};

/* The lane the variants are measured in: the i386 lane where 32-bit code
 * runs; else the x86-64 lane (int $0x80 from 64-bit code under
 * --reflect=startup), which reaches the same table, dispatch, fast paths
 * and batch routes without the mode switch, and runs on every host. */
static const struct tune_lane {
	const char *name;
	const char *single;             /* the single benchmarks' path */
	const char *batch[3];           /* the batch paths: direct, ring, the table's route */
} tune_lanes[] = {
	{ "i386", "pers-sysinfo", { "pers-batch-direct", "pers-batch-uring", "pers-batch-table" } },
	{ "x86-64", "pers-int80-64-startup",
	  { "pers-int80-64-batch-direct", "pers-int80-64-batch-uring", "pers-int80-64-batch-table" } },
};
enum { LANE_I386, LANE_X86_64 };
#define TUNE_SINGLES "null,read,write,stat,fstat,openclose,gate"

struct tune_ctx {
	char tree[PATH_MAX];            /* the source tree */
	char persona[PATH_MAX];         /* this program */
	char out[PATH_MAX];             /* DIR: tune.csv, tune.md, the overlays, the mix */
	char work[PATH_MAX + 32];       /* build/tune: the variant builds and their runs */
	int quick;
	const char *cmd;                /* "tune" or "compare", for its messages */
	const struct tune_lane *lane;
	FILE *md;                       /* DIR/tune.md */
};

/* ---- small helpers -------------------------------------------------------- */

static int run_argv(const char *const argv[], const char *image, const char *log)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (image)
			setenv("PERSONA_IMAGE", image, 1);
		else
			unsetenv("PERSONA_IMAGE");
		if (log) {
			FILE *f = freopen(log, "w", stdout);
			if (!f || dup2(fileno(stdout), 2) < 0)
				_exit(127);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The source tree: the working directory, or the one above build/persona. */
static int find_tree(struct tune_ctx *c)
{
	char probe[PATH_MAX + 64], exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		return -1;
	exe[n] = 0;
	bfmt(c->persona, sizeof c->persona, "%s", exe);
	if (getcwd(c->tree, sizeof c->tree)) {
		bfmt(probe, sizeof probe, "%s/" TABLE_FILE, c->tree);
		if (is_file(probe))
			return 0;
	}
	char *slash = strrchr(exe, '/');
	if (slash) {
		*slash = 0;
		bfmt(probe, sizeof probe, "%s/../" TABLE_FILE, exe);
		if (is_file(probe) && realpath(exe, c->tree)) {
			slash = strrchr(c->tree, '/');
			if (slash)
				*slash = 0;
			return 0;
		}
	}
	return -1;
}

/* Every measured image is given a path of the same length (a hard link,
 * build/tune/img-N.img): the path travels in PERSONA_IMAGE into the i386
 * program's environment, where a longer string would move its stack, so
 * the variants would differ in more than their images. */
static int stage_image(struct tune_ctx *c, const char *built, char *img, size_t len)
{
	static int next;

	bfmt(img, len, "%s/img-%d.img", c->work, next++ % 10);
	unlink(img);
	if (link(built, img) == 0)
		return 0;
	if (errno == EXDEV) {           /* another file system: a copy will do */
		const char *argv[] = { "cp", built, img, NULL };
		if (run_argv(argv, NULL, NULL) == 0)
			return 0;
	}
	fprintf(stderr, "persona %s: cannot link or copy %s to %s: %s\n", c->cmd, built, img, strerror(errno));
	return -1;
}

/* Builds the image with a tuning file (NULL: the table's own columns) into
 * build/tune/build-NAME and returns the path to measure it by in img. */
static int build_tuned(struct tune_ctx *c, const char *name, const char *tuning_file,
		       char *img, size_t len)
{
	char build[PATH_MAX + 64], tuning[PATH_MAX + 64], target[PATH_MAX + 96], log[PATH_MAX + 64];

	bfmt(build, sizeof build, "BUILD=%s/build-%s", c->work, name);
	bfmt(target, sizeof target, "%s/build-%s/linux-i386.img", c->work, name);
	bfmt(log, sizeof log, "%s/build-%s.log", c->work, name);
	bfmt(tuning, sizeof tuning, "TUNING=%s", tuning_file ? tuning_file : "");
	const char *argv[] = { "make", "-s", "-C", c->tree, build, tuning, target, NULL };
	fprintf(stderr, "persona tune: building image %s\n", name);
	if (run_argv(argv, NULL, log) != 0) {
		fprintf(stderr, "persona tune: building image %s failed; see %s\n", name, log);
		return -1;
	}
	return stage_image(c, target, img, len);
}

/* A variant: its overlay text (NULL: the table's own columns) is written to
 * DIR/NAME.tune, beside the run, and the image built with it. */
static int build_image(struct tune_ctx *c, const char *name, const char *overlay,
		       char *img, size_t len)
{
	char path[PATH_MAX + 64];

	if (!overlay)
		return build_tuned(c, name, NULL, img, len);
	bpath(path, sizeof path, "%s/%s.tune", c->out, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "persona tune: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "# generated by persona tune: variant %s\n%s", name, overlay);
	fclose(f);
	return build_tuned(c, name, path, img, len);
}

/* One `persona bench` run of the given benchmarks and paths with an image. */
static int measure(struct tune_ctx *c, const char *name, const char *image, const char *only,
		   const char *paths, struct run_table *t)
{
	char dir[PATH_MAX + 64], log[PATH_MAX + 64], err[256];
	struct meta m;

	bpath(dir, sizeof dir, "%s/run-%s", c->work, name);
	bfmt(log, sizeof log, "%s/run-%s.log", c->work, name);
	/* --quick repetitions: many short processes (see the top of the file);
	 * no counters: they are the bench command's business, not a choice's. */
	const char *argv[] = { c->persona, "bench", "--quick", "--events", "none", "--only", only,
			       "--paths", paths, "--out", dir, NULL };
	fprintf(stderr, "persona %s: measuring %s (%s)\n", c->cmd, name, only);
	if (run_argv(argv, image, log) != 0) {
		fprintf(stderr, "persona %s: measuring %s failed; see %s\n", c->cmd, name, log);
		return -1;
	}
	memset(t, 0, sizeof *t);
	memset(&m, 0, sizeof m);
	if (report_load(dir, t, &m) != 0) {
		bfmt(err, sizeof err, "cannot read %s/runs.csv", dir);
		fprintf(stderr, "persona tune: %s\n", err);
		return -1;
	}
	return 0;
}

static double median_of(const struct run_table *t, const char *bench, const char *path, unsigned batch)
{
	const struct run_row *r = table_find(t, bench, path, batch);
	return r && r->status == ROW_OK ? r->ticks_median : NAN;
}

/* ---- the call mix ----------------------------------------------------------- */

static void mix_add(struct mix *m, const char *name, unsigned long long count)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->e[i].name, name)) {
			m->e[i].count += count;
			m->total += count;
			return;
		}
	m->e = realloc(m->e, (m->n + 1) * sizeof m->e[0]);
	if (!m->e)
		abort();
	bfmt(m->e[m->n].name, sizeof m->e[m->n].name, "%s", name);
	m->e[m->n++].count = count;
	m->total += count;
}

static unsigned long long mix_count(const struct mix *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->e[i].name, name))
			return m->e[i].count;
	return 0;
}

/* A mix file: `name count` per line, '#' comments. The lines `persona run
 * --stats` logs ("stats: NR NAME COUNT", after the "persona[pid]: " prefix)
 * are read too, so a --stats log is a workload file as it stands. */
static int mix_read(struct mix *m, const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int ln = 0;

	if (!f) {
		fprintf(stderr, "persona tune: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		char name[64], *s = line, *hash = strchr(line, '#');
		unsigned long long count;
		unsigned nr;

		ln++;
		if (hash)
			*hash = 0;
		if (!strncmp(s, "persona[", 8)) {
			s = strstr(s, "]: stats:");
			if (s && sscanf(s, "]: stats: %u %63[a-z0-9_] %llu", &nr, name, &count) == 3)
				mix_add(m, name, count);
			continue;
		}
		if (sscanf(s, " %63s", name) != 1)
			continue;
		if (sscanf(s, " %63[a-z0-9_] %llu", name, &count) != 2) {
			fprintf(stderr, "persona tune: %s:%d: expected 'name count'\n", path, ln);
			fclose(f);
			return -1;
		}
		mix_add(m, name, count);
	}
	fclose(f);
	bfmt(m->source, sizeof m->source, "%s", path);
	if (!m->total) {
		fprintf(stderr, "persona tune: %s: no calls in it\n", path);
		return -1;
	}
	return 0;
}

/* The default workload: busybox sh running a small script of the applets a
 * shell user runs, recorded with --stats. */
static int mix_record(struct tune_ctx *c, struct mix *m)
{
	static const char *const busyboxes[] = { "/bin/busybox", "/usr/bin/busybox" };
	const char *bb = NULL;
	char log[PATH_MAX + 64];

	for (size_t i = 0; i < sizeof busyboxes / sizeof busyboxes[0]; i++)
		if (is_file(busyboxes[i]))
			bb = busyboxes[i];
	if (!bb) {
		fprintf(stderr, "persona tune: no busybox for the default workload "
			"(apt-get install busybox-static:i386), or give --workload FILE\n");
		return -1;
	}
	const char *script =
		"for i in 1 2 3 4 5 6 7 8; do "
		"ls -l /usr/bin > /dev/null; cat /etc/passwd | wc -l > /dev/null; "
		"sha256sum /etc/services > /dev/null; "
		"find /usr/share/doc -maxdepth 2 -name 'c*' | sort | head -n 5 > /dev/null; "
		"x=$(echo $i | tr 0-9 a-j); test -n \"$x\"; "
		"done";
	bfmt(log, sizeof log, "%s/workload.log", c->out);
	const char *argv[] = { c->persona, "run", "--stats", "--log", log, bb, "sh", "-c", script, NULL };
	fprintf(stderr, "persona tune: recording the call mix of busybox sh\n");
	if (run_argv(argv, NULL, NULL) != 0) {
		fprintf(stderr, "persona tune: the workload failed; see %s\n", log);
		return -1;
	}
	if (mix_read(m, log) != 0)
		return -1;
	/* the report names the log by where it sits in the source tree, if it does */
	size_t tl = strlen(c->tree);
	const char *shown = !strncmp(log, c->tree, tl) && log[tl] == '/' ? log + tl + 1 : log;
	bfmt(m->source, sizeof m->source, "busybox sh running a script (recorded with persona run --stats: %s)",
	     shown);
	return 0;
}

/* ---- decisions ------------------------------------------------------------- */

/* The mix's weight of a benchmark: the calls it makes, +1 so that a benchmark
 * the workload never calls still counts a little. */
static double weight(const struct mix *m, const struct tuned_bench *b)
{
	double w = 1;

	for (int i = 0; i < 2 && b->calls[i]; i++)
		w += (double)mix_count(m, b->calls[i]);
	return w;
}

/* ---- rounds ---------------------------------------------------------------- */

static void append_rows(struct run_table *dst, const struct run_table *src)
{
	table_reserve(dst, src->n);
	for (size_t i = 0; i < src->n; i++)
		*table_add(dst) = src->rows[i];
}

/* Runs every job once per variant in each of n rounds. Within a job the
 * variants run back to back; the order rotates with the round and the job,
 * so no variant always goes first or always follows the same one. */
static int run_round(struct tune_ctx *c, const char *phase, struct rounds *rs, const struct job *jobs,
		     int nj, int r, unsigned job_mask)
{
	for (int j = 0; j < nj; j++) {
		if (!(job_mask & 1u << j))
			continue;
		for (int k = 0; k < rs->nv; k++) {
			int vi = (r + j + k) % rs->nv;
			char name[96];
			struct run_table t;

			bfmt(name, sizeof name, "%s-%s-%d-%d", phase, rs->v[vi].name, r + 1, j + 1);
			if (measure(c, name, rs->v[vi].image, jobs[j].only, jobs[j].paths, &t))
				return -1;
			append_rows(&rs->t[vi][r], &t);
			table_free(&t);
		}
	}
	return 0;
}

static int run_rounds(struct tune_ctx *c, const char *phase, const struct variant *v, int nv,
		      const struct job *jobs, int nj, int n, struct rounds *out)
{
	memset(out, 0, sizeof *out);
	out->nv = nv;
	out->n = n;
	out->v = v;
	for (int r = 0; r < n; r++)
		if (run_round(c, phase, out, jobs, nj, r, ~0u))
			return -1;
	return 0;
}

static void rounds_free(struct rounds *rs)
{
	for (int v = 0; v < rs->nv; v++)
		for (int r = 0; r < rs->n; r++)
			table_free(&rs->t[v][r]);
}

/* A figure of variant v in every round (NAN where it did not measure). */
static void figure_series(const struct rounds *rs, int v, const char *bench, const char *path,
			  unsigned batch, double *out)
{
	for (int r = 0; r < rs->n; r++)
		out[r] = median_of(&rs->t[v][r], bench, path, batch);
}

/* How many rounds measured a figure of variant v. */
static unsigned figure_rounds(const struct rounds *rs, int v, const char *bench, const char *path,
			      unsigned batch)
{
	double x[ROUNDS_CAP];
	unsigned n = 0;

	figure_series(rs, v, bench, path, batch, x);
	for (int r = 0; r < rs->n; r++)
		n += !isnan(x[r]);
	return n;
}

/* The median over the rounds of a figure of variant v. */
static double figure_median(const struct rounds *rs, int v, const char *bench, const char *path,
			    unsigned batch)
{
	double x[ROUNDS_CAP], ok[ROUNDS_CAP];
	unsigned n = 0;

	figure_series(rs, v, bench, path, batch, x);
	for (int r = 0; r < rs->n; r++)
		if (!isnan(x[r]))
			ok[n++] = x[r];
	if (!n)
		return NAN;
	struct bench_stats st;
	stats_compute(ok, n, &st);
	return st.median;
}

/* Variant `other` against variant `base` on one figure, pair by round. */
static void figure_pairs(const struct rounds *rs, int base, int other, const char *bench,
			 const char *path, unsigned batch, struct paired *p)
{
	double a[ROUNDS_CAP], b[ROUNDS_CAP];

	figure_series(rs, base, bench, path, batch, a);
	figure_series(rs, other, bench, path, batch, b);
	paired_ratio(b, a, (unsigned)rs->n, p);
}

/* The mix-weighted cost of variant v's single benchmarks in round r. */
static double weighted_cost(const struct tune_ctx *c, const struct mix *m, const struct rounds *rs, int v, int r)
{
	double sum = 0;

	for (size_t i = 0; i < NBENCH; i++) {
		double x = median_of(&rs->t[v][r], tuned_benches[i].bench, c->lane->single, 1);
		if (isnan(x))
			return NAN;
		sum += weight(m, &tuned_benches[i]) * x;
	}
	return sum;
}

/* A variant against the table's setting: faster with confidence, by more
 * than MIN_GAIN at the median. */
static int wins(const struct paired *p)
{
	return p->n && p->high < 1 && p->median < 1 - MIN_GAIN;
}

/* The interval's coverage that n rounds give (the same for any figures). */
static void coverage_of(int n, struct paired *p)
{
	double one[ROUNDS_CAP];

	for (int i = 0; i < n; i++)
		one[i] = 1;
	paired_ratio(one, one, (unsigned)n, p);
}

/* "0.962 [0.941, 0.987]": a paired ratio for the tables. */
static const char *pfmt(char *buf, size_t n, const struct paired *p)
{
	if (!p->n)
		bfmt(buf, n, "—");
	else
		bfmt(buf, n, "%.3f [%.3f, %.3f]", p->median, p->low, p->high);
	return buf;
}

static void md(struct tune_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void md(struct tune_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(c->md, fmt, ap);
	va_end(ap);
}

/* The rows that can take the asm fast path (by the generated rows the
 * persona command has): the PASS rows, and the XLATE rows with an out=
 * converter, whose generated row names its OUT_ enumerator (host code has no
 * struct sysent to initialize, so the row's own text is read). */
static int row_takes_asm(const char *name)
{
#define SYSENT(nr_, name_, kind_, ...) \
	if (!strcmp(name, #name_)) \
		return !strcmp(#kind_, "PASS") || !strstr(#__VA_ARGS__, ".out = OUT_NONE");
#include "sysent.h"
#undef SYSENT
	return 0;
}

/* The lane, from --lane (NULL: i386 where 32-bit code runs, else x86-64,
 * and said so); 0, or the exit status with the reason said: 2 for a name
 * it does not know, 1 for the i386 lane where it cannot run. *cs32:
 * whether i386 programs run here. */
static int choose_lane(struct tune_ctx *c, const char *lane_opt, int *cs32)
{
	char lacks[768];

	*cs32 = hostcap_need(HOSTCAP_ANY_CS32, lacks, sizeof lacks);
	if (lane_opt && strcmp(lane_opt, "i386") && strcmp(lane_opt, "x86-64")) {
		fprintf(stderr, "persona %s: --lane takes i386 or x86-64\n", c->cmd);
		return 2;
	}
	if (lane_opt ? !strcmp(lane_opt, "i386") : *cs32) {
		if (!*cs32) {
			fprintf(stderr, "persona %s: the i386 lane cannot be measured on this host: %s; "
				"`persona doctor` says what it can do (--lane x86-64 measures the same table "
				"from 64-bit code)\n", c->cmd, lacks);
			return 1;
		}
		c->lane = &tune_lanes[LANE_I386];
	} else {
		c->lane = &tune_lanes[LANE_X86_64];
		if (!lane_opt)
			fprintf(stderr, "persona %s: no i386 program runs here (%s): measuring in the x86-64 "
				"lane (int $0x80 from 64-bit code)\n", c->cmd, lacks);
	}
	return 0;
}

/* --rounds N: 1 to ROUNDS_CAP, or -1 with the reason said. */
static int rounds_arg(const char *cmd, const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*end || v < 1 || v > ROUNDS_CAP) {
		fprintf(stderr, "persona %s: --rounds takes 1 to %d\n", cmd, ROUNDS_CAP);
		return -1;
	}
	return (int)v;
}

static int usage(void)
{
	fprintf(stderr, "usage: persona tune [--quick] [--rounds N] [--workload FILE] [--out DIR] [--overlay FILE]\n"
		"                    [--lane i386|x86-64]\n"
		"  measures the dispatch variants, writes " TUNE_FILE " (or --overlay FILE,\n"
		"  leaving the tree as it is), rebuilds the image and compares untuned with\n"
		"  tuned (DIR/tune.csv, DIR/tune.md). --lane: measure i386 programs (the default\n"
		"  where 32-bit code runs) or 64-bit ones calling by int $0x80 (the default\n"
		"  elsewhere): the same table, dispatch and routes, without the mode switch\n");
	return 2;
}

int cmd_tune(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quick",    no_argument,       NULL, 'q' },
		{ "workload", required_argument, NULL, 'w' },
		{ "out",      required_argument, NULL, 'o' },
		{ "rounds",   required_argument, NULL, 'r' },
		{ "overlay",  required_argument, NULL, 'y' },
		{ "lane",     required_argument, NULL, 'l' },
		{ "help",     no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tune_ctx c = { .cmd = "tune" };
	struct mix mix = { 0 };
	const char *workload = NULL, *out = NULL, *overlay_opt = NULL, *lane_opt = NULL;
	int rounds_opt = 0;
	char path[PATH_MAX + 64];
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q': c.quick = 1; break;
		case 'w': workload = optarg; break;
		case 'o': out = optarg; break;
		case 'r':
			if ((rounds_opt = rounds_arg("tune", optarg)) < 0)
				return 2;
			break;
		case 'y': overlay_opt = optarg; break;
		case 'l': lane_opt = optarg; break;
		default: return usage();
		}
	}
	if (optind != argc)
		return usage();
	int cs32, lane_rc = choose_lane(&c, lane_opt, &cs32);
	if (lane_rc)
		return lane_rc;
	if (find_tree(&c) != 0) {
		fprintf(stderr, "persona tune: it rebuilds the image: run it from the source tree "
			"(no " TABLE_FILE " here or above the persona binary)\n");
		return 1;
	}
	if (out) {
		bpath(c.out, sizeof c.out, "%s", out);
	} else {
		char host[128] = "host", date[32];
		time_t now = time(NULL);
		gethostname(host, sizeof host - 1);
		strftime(date, sizeof date, "%Y-%m-%d", localtime(&now));
		bpath(c.out, sizeof c.out, "%s/results/%s-%s-tune", c.tree, host, date);
	}
	{
		char cmd[PATH_MAX + 16];
		bfmt(cmd, sizeof cmd, "%s", c.out);
		if (mkdir_p(cmd)) {
			fprintf(stderr, "persona tune: %s: %s\n", c.out, strerror(errno));
			return 1;
		}
		if (!realpath(cmd, c.out))
			return 1;
	}

	/* Where the choices go: the tree's overlay, which `make` reads, or a
	 * file of the caller's (absolute: make runs in the tree). */
	char overlay[PATH_MAX + 64];
	if (!overlay_opt) {
		bfmt(overlay, sizeof overlay, "%s/" TUNE_FILE, c.tree);
	} else if (overlay_opt[0] == '/') {
		bfmt(overlay, sizeof overlay, "%s", overlay_opt);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd))
			return 1;
		bfmt(overlay, sizeof overlay, "%s/%s", cwd, overlay_opt);
	}
	{
		/* said now, not after minutes of measuring */
		char dir[PATH_MAX + 64];
		bpath(dir, sizeof dir, "%s", overlay);
		*strrchr(dir, '/') = 0;
		if (access(dir[0] ? dir : "/", W_OK) != 0) {
			fprintf(stderr, "persona tune: cannot write the overlay into %s: %s\n", dir, strerror(errno));
			return 1;
		}
	}

	/* The variants' build trees and bench runs are scratch: under build/. */
	bfmt(c.work, sizeof c.work, "%s/build/tune", c.tree);
	mkdir(c.work, 0755);
	if (workload) {
		if (mix_read(&mix, workload))
			return 1;   /* the reason is printed already */
	} else if (cs32) {
		if (mix_record(&c, &mix))
			return 1;
	} else {
		/* the default workload is an i386 busybox: not here */
		bfmt(mix.source, sizeof mix.source, "none recorded (no i386 program runs on this host, and "
		     "no --workload was given): every benchmark weighs the same");
		fprintf(stderr, "persona tune: no call mix (the default workload is an i386 program): every "
			"benchmark weighs the same; --workload FILE gives one\n");
	}

	/* 1. the variants, built from overlays of the same table: the table's
	 * own columns (untuned), the switch dispatch, every row that can take
	 * the asm fast path on it (gentbl.py's *asm); measured in rounds, and the batch routes (direct against
	 * ring in the same process) in rounds of their own. */
	static struct variant vs[3] = { { .name = "untuned" }, { .name = "switch" }, { .name = "asm" } };
	enum { V_UNTUNED, V_SWITCH, V_ASM };
	if (build_image(&c, "untuned", NULL, vs[V_UNTUNED].image, sizeof vs[V_UNTUNED].image) ||
	    build_image(&c, "switch", "dispatch=switch\n", vs[V_SWITCH].image, sizeof vs[V_SWITCH].image) ||
	    build_image(&c, "asm", "*asm fast=asm\n", vs[V_ASM].image, sizeof vs[V_ASM].image))
		return 1;
	char batch_routes[128];
	bfmt(batch_routes, sizeof batch_routes, "%s,%s", c.lane->batch[0], c.lane->batch[1]);
	const struct job singles[] = { { TUNE_SINGLES, c.lane->single } };
	const struct job batches[] = { { "batch", batch_routes } };
	static struct rounds rv, rb, rf;
	int nrounds = rounds_opt ? rounds_opt : c.quick ? 3 : VARIANT_ROUNDS;
	if (run_rounds(&c, "variant", vs, 3, singles, 1, nrounds, &rv) ||
	    run_rounds(&c, "route", vs, 1, batches, 1, nrounds, &rb))
		return 1;

	/* 2. decisions, each with its figures */
	bpath(path, sizeof path, "%s/tune.md", c.out);
	c.md = fopen(path, "w");
	if (!c.md)
		return 1;
	struct paired p0;
	coverage_of(nrounds, &p0);
	char host[512];
	bench_host_line(host, sizeof host);
	md(&c, "# persona tune\n\nHost: %s.\n\nCall mix: %s — %llu calls, %zu distinct.\n\n", host, mix.source,
	   mix.total, mix.n);
	md(&c, "Method: every variant is the table with a tuning overlay. Each benchmark runs once per "
	   "variant in each of %d rounds (`persona bench --quick`, %s path: the %s lane), the variants back "
	   "to back in an order that rotates. Figures are medians over the rounds of the median TSC ticks "
	   "per call. A comparison is the median of the per-round ratios with the interval between order "
	   "statistics that holds the true median with %.1f%% confidence (%s); a ratio is that median of "
	   "per-round ratios, not the ratio of two columns' medians. A variant is chosen only "
	   "when it is faster with that confidence (the whole interval below 1) and its median gain is "
	   "more than %.0f%%.\n\n",
	   nrounds, c.lane->single, c.lane->name, p0.coverage * 100, p0.coverage >= PAIRED_COVERAGE ? "the sign test" :
	   "too few rounds for 95%: the whole range", MIN_GAIN * 100);

	/* Dispatch: the mix-weighted cost of the single benchmarks, per round. */
	double cost_t[ROUNDS_CAP], cost_s[ROUNDS_CAP];
	for (int r = 0; r < nrounds; r++) {
		cost_t[r] = weighted_cost(&c, &mix, &rv, V_UNTUNED, r);
		cost_s[r] = weighted_cost(&c, &mix, &rv, V_SWITCH, r);
	}
	struct paired pd;
	char b1[64], b2[64];
	paired_ratio(cost_s, cost_t, (unsigned)nrounds, &pd);
	int use_switch = wins(&pd);
	const char *dispatch = use_switch ? "switch" : "table";
	md(&c, "## Dispatch\n\n| bench | mix weight | table | switch | switch/table |\n|---|---:|---:|---:|---|\n");
	for (size_t i = 0; i < NBENCH; i++) {
		struct paired pb;
		figure_pairs(&rv, V_UNTUNED, V_SWITCH, tuned_benches[i].bench, c.lane->single, 1, &pb);
		md(&c, "| %s | %.0f | %.1f | %.1f | %s |\n", tuned_benches[i].bench, weight(&mix, &tuned_benches[i]),
		   figure_median(&rv, V_UNTUNED, tuned_benches[i].bench, c.lane->single, 1),
		   figure_median(&rv, V_SWITCH, tuned_benches[i].bench, c.lane->single, 1), pfmt(b1, sizeof b1, &pb));
	}
	md(&c, "\nMix-weighted cost, switch/table: %s. **Decision: dispatch=%s** (%s).\n\n",
	   pfmt(b1, sizeof b1, &pd), dispatch,
	   use_switch ? "the switch is cheaper" : "the switch does not win: the simpler table stays");

	/* The asm fast path, per benchmarked row that can take it: the figure decides. */
	FILE *tf = fopen(overlay, "w");
	if (!tf) {
		fprintf(stderr, "persona tune: %s: %s\n", overlay, strerror(errno));
		return 1;
	}
	fprintf(tf, "# personality/linux-i386.tune — generated by persona tune (tune.md beside its run).\n"
		"# An overlay of the table's tuning columns, read by tools/gentbl.py.\n"
		"# Delete this file to build with the table's own columns.\n");
	fprintf(tf, "dispatch=%s\n", dispatch);
	md(&c, "## Fast path (PASS rows, and rows with an asm converter)\n\n"
	   "| bench | row | C path | asm path | asm/C | decision |\n"
	   "|---|---|---:|---:|---|---|\n");
	for (size_t i = 0; i < NBENCH; i++) {
		const struct tuned_bench *b = &tuned_benches[i];
		struct paired pa;
		figure_pairs(&rv, V_UNTUNED, V_ASM, b->bench, c.lane->single, 1, &pa);
		int can = row_takes_asm(b->calls[0]) && !b->calls[1];
		int win = can && wins(&pa);

		md(&c, "| %s | %s | %.1f | %.1f | %s | %s |\n", b->bench, b->calls[1] ? "several" : b->calls[0],
		   figure_median(&rv, V_UNTUNED, b->bench, c.lane->single, 1),
		   figure_median(&rv, V_ASM, b->bench, c.lane->single, 1), pfmt(b1, sizeof b1, &pa),
		   !can ? "not one row with an asm path: C" : win ? "asm" : "c (asm does not win)");
		if (win)
			fprintf(tf, "%s fast=asm\n", b->calls[0]);
	}
	md(&c, "\nRows without a benchmark keep the table's column: a decision needs a figure.\n");

	/* Batch routes: per size, ring against direct in the same process and
	 * round; the crossover is the smallest size from which the ring wins
	 * at that size and every larger one. */
	static const unsigned sizes[] = { 1, 2, 4, 8, 16, 32, 64, 128 };
	enum { NSIZES = sizeof sizes / sizeof sizes[0] };
	md(&c, "\n## Batch route (%d rounds on the untuned image)\n\n"
	   "| op | batch | direct | ring | ring/direct |\n|---|---:|---:|---:|---|\n", nrounds);
	for (size_t o = 0; o < sizeof batch_ops / sizeof batch_ops[0]; o++) {
		unsigned cross = 0;
		struct paired pr[NSIZES];
		for (int z = 0; z < NSIZES; z++) {
			double d[ROUNDS_CAP], r[ROUNDS_CAP];
			for (int k = 0; k < nrounds; k++) {
				d[k] = median_of(&rb.t[V_UNTUNED][k], batch_ops[o].op, c.lane->batch[0], sizes[z]);
				r[k] = median_of(&rb.t[V_UNTUNED][k], batch_ops[o].op, c.lane->batch[1], sizes[z]);
			}
			paired_ratio(r, d, (unsigned)nrounds, &pr[z]);
		}
		for (int z = NSIZES - 1; z >= 0 && batch_ops[o].ring; z--) {
			if (!wins(&pr[z]))
				break;
			cross = sizes[z];
		}
		for (int z = 0; z < NSIZES; z++)
			md(&c, "| %s | %u | %.1f | %.1f | %s |\n", batch_ops[o].op, sizes[z],
			   figure_median(&rb, V_UNTUNED, batch_ops[o].op, c.lane->batch[0], sizes[z]),
			   figure_median(&rb, V_UNTUNED, batch_ops[o].op, c.lane->batch[1], sizes[z]),
			   pfmt(b1, sizeof b1, &pr[z]));
		if (!batch_ops[o].ring) {
			md(&c, "\n**Decision: %s route=direct** — io_uring has no such operation; a ring batch of "
			   "it runs direct.\n\n", batch_ops[o].row);
		} else if (cross) {
			fprintf(tf, "%s route=ring thr=%u\n", batch_ops[o].row, cross);
			md(&c, "\n**Decision: %s route=ring thr=%u** — the ring is cheaper from batch %u on.\n\n",
			   batch_ops[o].row, cross, cross);
		} else {
			fprintf(tf, "%s route=direct\n", batch_ops[o].row);
			md(&c, "\n**Decision: %s route=direct** — the ring does not win at every larger batch.\n\n",
			   batch_ops[o].row);
		}
	}
	fclose(tf);

	/* 3. rebuild the image with the overlay, then untuned against tuned in
	 * the same rounds. The full run adds a control: the untuned image once
	 * more, as a variant of its own, so the report shows what the method
	 * makes of two identical images (its noise floor on this machine). */
	static struct variant fv[3] = { { .name = "untuned" }, { .name = "tuned" }, { .name = "control" } };
	enum { F_UNTUNED, F_TUNED, F_CONTROL };
	if (overlay_opt) {
		/* the tree stays as it is: the tuned image is a variant build */
		if (build_tuned(&c, "tuned", overlay, fv[F_TUNED].image, sizeof fv[F_TUNED].image))
			return 1;
	} else {
		const char *argv[] = { "make", "-s", "-C", c.tree, NULL };
		bpath(path, sizeof path, "%s/build-tuned.log", c.out);
		fprintf(stderr, "persona tune: rebuilding the image with " TUNE_FILE "\n");
		if (run_argv(argv, NULL, path) != 0) {
			fprintf(stderr, "persona tune: make failed; see %s\n", path);
			return 1;
		}
		bpath(path, sizeof path, "%s/build/linux-i386.img", c.tree);
		if (stage_image(&c, path, fv[F_TUNED].image, sizeof fv[F_TUNED].image))
			return 1;
	}
	bfmt(fv[F_UNTUNED].image, sizeof fv[F_UNTUNED].image, "%s", vs[V_UNTUNED].image);
	if (stage_image(&c, vs[V_UNTUNED].image, fv[F_CONTROL].image, sizeof fv[F_CONTROL].image))
		return 1;
	/* pers-batch-table is where a route decision shows (the overlay's
	 * route and threshold against the table's direct); the two paths that
	 * force a route cannot gain from one, so they are in the run only to
	 * show that nothing got slower, and never count as wins. */
	const struct job finals[] = {
		{ TUNE_SINGLES, c.lane->single },
		{ "batch", c.lane->batch[2] },
		{ "batch", c.lane->batch[0] },
		{ "batch", c.lane->batch[1] },
	};
	enum { NFINALS = sizeof finals / sizeof finals[0] };
	int nfinal = rounds_opt ? rounds_opt : c.quick ? 4 : FINAL_ROUNDS, nfv = c.quick ? 2 : 3;
	if (run_rounds(&c, "final", fv, nfv, finals, NFINALS, nfinal, &rf))
		return 1;
	/* An unresolved figure needs more pairs, not a guess: the full run
	 * gives the jobs that measure one more rounds, up to twice as many. */
	int limit = c.quick ? nfinal : nfinal * 2 < ROUNDS_CAP ? nfinal * 2 : ROUNDS_CAP;
	while (rf.n < limit) {
		unsigned mask = 0;
		const struct run_table *t0 = &rf.t[F_UNTUNED][0];
		for (size_t i = 0; i < t0->n; i++) {
			struct paired pt;
			figure_pairs(&rf, F_UNTUNED, F_TUNED, t0->rows[i].bench, t0->rows[i].path, t0->rows[i].batch, &pt);
			if (!strcmp(paired_verdict(&pt, TOLERANCE), "unresolved"))
				for (int j = 0; j < NFINALS; j++)
					if (!strcmp(finals[j].paths, t0->rows[i].path))
						mask |= 1u << j;
		}
		if (!mask)
			break;
		fprintf(stderr, "persona tune: unresolved figures: round %d of their jobs\n", rf.n + 1);
		if (run_round(&c, "final", &rf, finals, NFINALS, rf.n++, mask))
			return 1;
	}

	bpath(path, sizeof path, "%s/tune.csv", c.out);
	FILE *csv = fopen(path, "w");
	if (!csv)
		return 1;
	/* variant is untuned or tuned; a tuned row carries its ratio to the
	 * untuned one and, in a full run, the control's on the same figure */
	fprintf(csv, "bench,variant,path,batch,ticks_median,rounds,ratio_median,ratio_low,ratio_high,"
		"coverage,verdict,control_ratio_median,control_ratio_low,control_ratio_high,control_verdict\n");
	coverage_of(nfinal, &p0);
	md(&c, "## Untuned against tuned\n\n%d rounds, the variants back to back in each%s; ratios are "
	   "tuned/untuned per round, their median and the interval that holds the true median with "
	   "%.1f%% confidence (more with more rounds). Verdicts against the bar \"no slower than %.0f%%\": "
	   "*faster* (the whole interval below 1), *within* (the median at most %.2f), *slower* (the whole "
	   "interval above %.2f), *unresolved* (the median above, the interval reaching below).%s\n\n"
	   "| bench | path | batch | rounds | untuned | tuned | tuned/untuned | verdict |%s\n"
	   "|---|---|---:|---:|---:|---:|---|---|%s\n",
	   nfinal, rf.n > nfinal ? "; figures still unresolved then got more rounds of their job, up to "
	   "twice as many (the rounds column)" : "", p0.coverage * 100, TOLERANCE * 100, 1 + TOLERANCE,
	   1 + TOLERANCE,
	   nfv == 3 ? " The control is the untuned image measured once more as a variant of its own: "
		      "its column shows what this method makes of two identical images." : "",
	   nfv == 3 ? " control/untuned | control verdict |" : "", nfv == 3 ? "---|---|" : "");
	int count[2][5] = { { 0 } };    /* tuned, control: faster within unresolved slower not-measured */
	int forced_faster[2] = { 0 };   /* faster on a path that forces its route */
	static const char *const verdicts[5] = { "faster", "within", "unresolved", "slower", "not measured" };
	const struct run_table *shape = &rf.t[F_UNTUNED][0];
	for (size_t i = 0; i < shape->n; i++) {
		const struct run_row *r = &shape->rows[i];
		double med[3];
		struct paired pp[3] = { { 0 } };
		for (int v = 0; v < nfv; v++) {
			med[v] = figure_median(&rf, v, r->bench, r->path, r->batch);
			if (v != F_UNTUNED)
				figure_pairs(&rf, F_UNTUNED, v, r->bench, r->path, r->batch, &pp[v]);
		}
		fprintf(csv, "%s,untuned,%s,%u,%.1f,%u,,,,,,,,,\n", r->bench, r->path, r->batch, med[F_UNTUNED],
			figure_rounds(&rf, F_UNTUNED, r->bench, r->path, r->batch));
		fprintf(csv, "%s,tuned,%s,%u,%.1f,%u,%.4f,%.4f,%.4f,%.3f,%s,", r->bench, r->path, r->batch,
			med[F_TUNED], pp[F_TUNED].n, pp[F_TUNED].median, pp[F_TUNED].low, pp[F_TUNED].high,
			pp[F_TUNED].coverage, paired_verdict(&pp[F_TUNED], TOLERANCE));
		if (nfv == 3)
			fprintf(csv, "%.4f,%.4f,%.4f,%s\n", pp[F_CONTROL].median, pp[F_CONTROL].low,
				pp[F_CONTROL].high, paired_verdict(&pp[F_CONTROL], TOLERANCE));
		else
			fprintf(csv, ",,,\n");
		int forced = !strcmp(r->path, c.lane->batch[0]) || !strcmp(r->path, c.lane->batch[1]);
		for (int v = F_TUNED; v < nfv; v++)
			for (int k = 0; k < 5; k++)
				if (!strcmp(paired_verdict(&pp[v], TOLERANCE), verdicts[k])) {
					if (forced && k == 0)
						forced_faster[v - 1]++;     /* not the tuning's win */
					else
						count[v - 1][k]++;
				}
		md(&c, "| %s | %s | %u | %u | %.1f | %.1f | %s | %s |", r->bench, r->path, r->batch, pp[F_TUNED].n,
		   med[F_UNTUNED],
		   med[F_TUNED], pfmt(b1, sizeof b1, &pp[F_TUNED]), paired_verdict(&pp[F_TUNED], TOLERANCE));
		if (nfv == 3)
			md(&c, " %s | %s |", pfmt(b2, sizeof b2, &pp[F_CONTROL]),
			   paired_verdict(&pp[F_CONTROL], TOLERANCE));
		md(&c, "\n");
	}
	fclose(csv);
	struct paired pn;
	figure_pairs(&rf, F_UNTUNED, F_TUNED, "null", c.lane->single, 1, &pn);
	md(&c, "\n**Null call:** untuned %.1f, tuned %.1f ticks; tuned/untuned %s: %s.\n\n",
	   figure_median(&rf, F_UNTUNED, "null", c.lane->single, 1),
	   figure_median(&rf, F_TUNED, "null", c.lane->single, 1), pfmt(b1, sizeof b1, &pn),
	   paired_verdict(&pn, TOLERANCE));
	for (int v = 0; v < nfv - 1; v++)
		md(&c, "**%s against untuned, %zu figures:** %d faster, %d within %.0f%%, %d unresolved, "
		   "%d slower, %d not measured; %d more faster on %s or %s, "
		   "which force their route and so are not counted as the tuning's wins.\n\n",
		   v ? "Control" : "Tuned", shape->n, count[v][0], count[v][1],
		   TOLERANCE * 100, count[v][2], count[v][3], count[v][4], forced_faster[v],
		   c.lane->batch[0], c.lane->batch[1]);
	fclose(c.md);
	printf("persona tune: wrote %s and %s/tune.{csv,md}\n"
	       "persona tune: null call tuned/untuned %s (%s); of %zu figures %d faster, %d within %.0f%%, "
	       "%d unresolved, %d slower (and %d faster on paths that force their route: not wins)\n",
	       overlay, c.out, pfmt(b1, sizeof b1, &pn), paired_verdict(&pn, TOLERANCE), shape->n,
	       count[0][0], count[0][1], TOLERANCE * 100, count[0][2], count[0][3], forced_faster[0]);
	rounds_free(&rv);
	rounds_free(&rb);
	rounds_free(&rf);
	free(mix.e);
	return 0;
}

/* ---- persona compare: two images, paired rounds ----------------------------- */

/* `persona compare A.img B.img`: the same benchmarks on two personality
 * images, in paired rounds (tune's method: each round runs every job once
 * per image, back to back, the order rotating), so that a change to the
 * image is judged by per-round ratios, which a shared host's slow and fast
 * spells move far less than they move two runs made minutes apart. Only
 * paths that map the default image take part (a variant path maps its own). */
static int compare_usage(void)
{
	fprintf(stderr, "usage: persona compare A.img B.img [--rounds N] [--lane i386|x86-64] [--out DIR]\n"
		"  the lane's benchmarks on image A and on image B in N paired rounds (12 by\n"
		"  default); DIR/compare.md and DIR/compare.csv give each figure's B/A ratio with\n"
		"  its interval and verdict\n");
	return 2;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "lane",   required_argument, NULL, 'l' },
		{ "out",    required_argument, NULL, 'o' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tune_ctx c = { .cmd = "compare" };
	const char *lane_opt = NULL, *out = NULL;
	int nrounds = VARIANT_ROUNDS, ch;
	char path[PATH_MAX + 64], b1[64];

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if ((nrounds = rounds_arg("compare", optarg)) < 0)
				return 2;
			break;
		case 'l': lane_opt = optarg; break;
		case 'o': out = optarg; break;
		default: return compare_usage();
		}
	}
	if (argc - optind != 2)
		return compare_usage();
	int cs32, lane_rc = choose_lane(&c, lane_opt, &cs32);
	if (lane_rc)
		return lane_rc;
	for (int i = 0; i < 2; i++)
		if (!is_file(argv[optind + i])) {
			fprintf(stderr, "persona compare: %s: no such image\n", argv[optind + i]);
			return 1;
		}
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	if (n <= 0)
		return 1;
	path[n] = 0;
	bfmt(c.persona, sizeof c.persona, "%s", path);
	if (out) {
		bpath(c.out, sizeof c.out, "%s", out);
	} else {                        /* beside persona bench's runs */
		char host[128] = "host", date[32];
		time_t now = time(NULL);
		gethostname(host, sizeof host - 1);
		strftime(date, sizeof date, "%Y-%m-%d-%H%M%S", localtime(&now));
		bpath(c.out, sizeof c.out, "results/%s-%s-compare", host, date);
	}
	bfmt(c.work, sizeof c.work, "%s/runs", c.out);
	if (mkdir_p(c.work) || !realpath(c.out, path)) {
		fprintf(stderr, "persona compare: %s: %s\n", c.out, strerror(errno));
		return 1;
	}
	bfmt(c.out, sizeof c.out, "%s", path);
	bfmt(c.work, sizeof c.work, "%s/runs", c.out);

	/* both images by paths of one length (stage_image says why) */
	static struct variant vs[2] = { { .name = "A" }, { .name = "B" } };
	for (int i = 0; i < 2; i++) {
		char abs[PATH_MAX];
		if (!realpath(argv[optind + i], abs) || stage_image(&c, abs, vs[i].image, sizeof vs[i].image))
			return 1;
	}
	char singles_paths[128], batch_paths[128];
	if (c.lane == &tune_lanes[LANE_I386])
		bfmt(singles_paths, sizeof singles_paths, "pers-sysinfo,pers-startup,pers-int80");
	else
		bfmt(singles_paths, sizeof singles_paths, "pers-int80-64,pers-int80-64-startup");
	bfmt(batch_paths, sizeof batch_paths, "%s,%s,%s", c.lane->batch[0], c.lane->batch[1], c.lane->batch[2]);
	const struct job jobs[] = { { TUNE_SINGLES, singles_paths }, { "batch", batch_paths } };
	static struct rounds rs;
	fprintf(stderr, "persona compare: %s lane, %d rounds\n", c.lane->name, nrounds);
	if (run_rounds(&c, "compare", vs, 2, jobs, 2, nrounds, &rs))
		return 1;

	bpath(path, sizeof path, "%s/compare.md", c.out);
	c.md = fopen(path, "w");
	bpath(path, sizeof path, "%s/compare.csv", c.out);
	FILE *csv = fopen(path, "w");
	if (!c.md || !csv)
		return 1;
	struct paired p0;
	coverage_of(nrounds, &p0);
	char host[512];
	bench_host_line(host, sizeof host);
	md(&c, "# persona compare\n\nHost: %s.\n\nA: `%s`\n\nB: `%s`\n\n", host, argv[optind], argv[optind + 1]);
	md(&c, "The %s lane's benchmarks (`persona bench --quick`, paths %s and %s) on both images in "
	   "%d paired rounds: in each round every job runs once per image, back to back, the order "
	   "rotating. A figure is the median over the rounds of the median TSC ticks per call; B/A is "
	   "the median of the per-round ratios with the interval between order statistics that holds "
	   "the true median with %.1f%% confidence (%s). Verdicts against %.0f%%: *faster* (the whole "
	   "interval below 1), *within* (the median at most %.2f), *unresolved* (the median above, the "
	   "interval reaching below), *slower* (the whole interval above %.2f).\n\n"
	   "| bench | path | batch | rounds | A | B | B/A | verdict |\n|---|---|---:|---:|---:|---:|---|---|\n",
	   c.lane->name, singles_paths, batch_paths, nrounds, p0.coverage * 100,
	   p0.coverage >= PAIRED_COVERAGE ? "the sign test" : "too few rounds for 95%: the whole range",
	   TOLERANCE * 100, 1 + TOLERANCE, 1 + TOLERANCE);
	fprintf(csv, "bench,path,batch,rounds,a_ticks_median,b_ticks_median,ratio_median,ratio_low,ratio_high,"
		"coverage,verdict\n");
	static const char *const verdicts[5] = { "faster", "within", "unresolved", "slower", "not measured" };
	int count[5] = { 0 };
	const struct run_table *shape = &rs.t[0][0];
	for (size_t i = 0; i < shape->n; i++) {
		const struct run_row *r = &shape->rows[i];
		struct paired pp;
		double a = figure_median(&rs, 0, r->bench, r->path, r->batch);
		double b = figure_median(&rs, 1, r->bench, r->path, r->batch);
		figure_pairs(&rs, 0, 1, r->bench, r->path, r->batch, &pp);
		const char *v = paired_verdict(&pp, TOLERANCE);
		for (int k = 0; k < 5; k++)
			count[k] += !strcmp(v, verdicts[k]);
		fprintf(csv, "%s,%s,%u,%u,%.1f,%.1f,%.4f,%.4f,%.4f,%.3f,%s\n", r->bench, r->path, r->batch, pp.n,
			a, b, pp.median, pp.low, pp.high, pp.coverage, v);
		md(&c, "| %s | %s | %u | %u | %.1f | %.1f | %s | %s |\n", r->bench, r->path, r->batch, pp.n, a, b,
		   pfmt(b1, sizeof b1, &pp), v);
	}
	md(&c, "\n**B against A, %zu figures:** %d faster, %d within %.0f%%, %d unresolved, %d slower, "
	   "%d not measured.\n", shape->n, count[0], count[1], TOLERANCE * 100, count[2], count[3], count[4]);
	fclose(csv);
	fclose(c.md);
	/* the rounds' bench runs were scratch: their figures are in compare.csv */
	const char *rm[] = { "rm", "-rf", c.work, NULL };
	run_argv(rm, NULL, NULL);
	printf("persona compare: wrote %s/compare.{md,csv}\n"
	       "persona compare: B against A, %zu figures: %d faster, %d within %.0f%%, %d unresolved, %d slower\n",
	       c.out, shape->n, count[0], count[1], TOLERANCE * 100, count[2], count[3]);
	rounds_free(&rs);
	return 0;
}
