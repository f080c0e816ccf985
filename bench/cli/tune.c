/* bench/cli/tune.c — `persona tune`: measure the dispatch variants, choose the
 * table's tuning settings per row, write them as an overlay, rebuild the
 * image, and measure untuned against tuned in the same run.
 *
 * What is tuned (every variant comes from the same table, through a tuning
 * overlay that tools/gentbl.py reads; nothing is kept by hand):
 *   dispatch   pointer table or generated switch (the whole image)
 *   fast       asm fast path or C, per PASS row
 *   route/thr  direct or io_uring per batched call, and the batch size from
 *              which the ring wins (the crossover, measured per operation)
 * The overlay is personality/linux-i386.tune in the source tree: `make`
 * builds the image with it; deleting it returns to the table's own columns.
 *
 * Measurements are `persona bench` runs (the same harness and records) on the
 * personality's sysinfo path, each with PERSONA_IMAGE naming the variant
 * image; decisions are weighted by a call mix, recorded by default from a
 * real workload (busybox sh running a script) with `persona run --stats`.
 */
#include "bench_cli.h"

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
/* Below this relative gain a variant is not worth choosing: the setting the
 * table has stays. Chosen above the spread of medians between processes on a
 * shared machine, so noise does not flip a decision. */
#define MIN_GAIN      0.03
#define ROUNDS_MAX    5             /* alternating rounds of the variants; --quick runs 3 */
/* The final comparison decides "no slower within 2%": the same image varies
 * more than that between processes here, so it takes more rounds. */
#define FINAL_ROUNDS_MAX 10            /* --quick runs 4 */

/* The single benchmarks, the i386 calls each one makes per iteration (the
 * mix weights them), and whether that call is a PASS row the asm fast path
 * can take. */
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

struct tune_ctx {
	char tree[PATH_MAX];            /* the source tree */
	char persona[PATH_MAX];         /* this program */
	char out[PATH_MAX];             /* DIR: tune.csv, tune.md, the overlays, the mix */
	char work[PATH_MAX + 32];       /* build/tune: the variant builds and their runs */
	int quick;
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
	if (link(built, img) != 0) {
		fprintf(stderr, "persona tune: cannot link %s to %s: %s\n", built, img, strerror(errno));
		return -1;
	}
	return 0;
}

/* Builds the image for an overlay (NULL: the table's own columns) into
 * build/tune/build-NAME and returns the path to measure it by in img. */
static int build_image(struct tune_ctx *c, const char *name, const char *overlay,
		       char *img, size_t len)
{
	char build[PATH_MAX + 64], tuning[PATH_MAX + 64], target[PATH_MAX + 96], log[PATH_MAX + 64];

	bfmt(build, sizeof build, "BUILD=%s/build-%s", c->work, name);
	bfmt(target, sizeof target, "%s/build-%s/linux-i386.img", c->work, name);
	bfmt(log, sizeof log, "%s/build-%s.log", c->work, name);
	if (overlay) {
		char path[PATH_MAX + 64];
		bfmt(path, sizeof path, "%s/%s.tune", c->out, name);
		FILE *f = fopen(path, "w");
		if (!f)
			return -1;
		fprintf(f, "# generated by persona tune: variant %s\n%s", name, overlay);
		fclose(f);
		bfmt(tuning, sizeof tuning, "TUNING=%s", path);
	} else {
		bfmt(tuning, sizeof tuning, "TUNING=");
	}
	const char *argv[] = { "make", "-s", "-C", c->tree, build, tuning, target, NULL };
	fprintf(stderr, "persona tune: building image %s\n", name);
	if (run_argv(argv, NULL, log) != 0) {
		fprintf(stderr, "persona tune: building image %s failed; see %s\n", name, log);
		return -1;
	}
	return stage_image(c, target, img, len);
}

/* One `persona bench` run of the given benchmarks and paths with an image. */
static int measure(struct tune_ctx *c, const char *name, const char *image, const char *only,
		   const char *paths, struct run_table *t)
{
	char dir[PATH_MAX + 64], log[PATH_MAX + 64], err[256];
	struct meta m;

	bfmt(dir, sizeof dir, "%s/run-%s", c->work, name);
	bfmt(log, sizeof log, "%s/run-%s.log", c->work, name);
	const char *argv[] = { c->persona, "bench", "--only", only, "--paths", paths, "--out", dir,
			       c->quick ? "--quick" : NULL, NULL };
	fprintf(stderr, "persona tune: measuring %s (%s)\n", name, only);
	if (run_argv(argv, image, log) != 0) {
		fprintf(stderr, "persona tune: measuring %s failed; see %s\n", name, log);
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
	bfmt(m->source, sizeof m->source, "busybox sh running a script (recorded with persona run --stats: %s)", log);
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

/* The lowest median of a figure over the rounds. */
static double best_median(const struct run_table *t, int rounds, const char *bench, const char *path,
			  unsigned batch)
{
	double best = NAN;

	for (int r = 0; r < rounds; r++) {
		double v = median_of(&t[r], bench, path, batch);
		if (!isnan(v) && (isnan(best) || v < best))
			best = v;
	}
	return best;
}

static double weighted_cost(const struct mix *m, const struct run_table *t, int rounds)
{
	double sum = 0;

	for (size_t i = 0; i < NBENCH; i++) {
		double v = best_median(t, rounds, tuned_benches[i].bench, "pers-sysinfo", 1);
		if (!isnan(v))
			sum += weight(m, &tuned_benches[i]) * v;
	}
	return sum;
}

static void md(struct tune_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void md(struct tune_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(c->md, fmt, ap);
	va_end(ap);
}

/* The PASS rows of the table (by the generated rows the persona command has). */
static int row_is_pass(const char *name)
{
#define SYSENT(nr_, name_, kind_, ...) if (!strcmp(name, #name_)) return !strcmp(#kind_, "PASS");
#include "sysent.h"
#undef SYSENT
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: persona tune [--quick] [--workload FILE] [--out DIR]\n"
		"  measures the dispatch variants, writes " TUNE_FILE ",\n"
		"  rebuilds the image and compares untuned with tuned (DIR/tune.csv, DIR/tune.md)\n");
	return 2;
}

int cmd_tune(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quick",    no_argument,       NULL, 'q' },
		{ "workload", required_argument, NULL, 'w' },
		{ "out",      required_argument, NULL, 'o' },
		{ "help",     no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tune_ctx c = { 0 };
	struct mix mix = { 0 };
	const char *workload = NULL, *out = NULL;
	char img_switch[PATH_MAX], img_asm[PATH_MAX], img_untuned[PATH_MAX];
	char path[PATH_MAX + 64], tuned_img[PATH_MAX + 64];
	struct run_table t_batch;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q': c.quick = 1; break;
		case 'w': workload = optarg; break;
		case 'o': out = optarg; break;
		default: return usage();
		}
	}
	if (optind != argc)
		return usage();
	if (find_tree(&c) != 0) {
		fprintf(stderr, "persona tune: it rebuilds the image: run it from the source tree "
			"(no " TABLE_FILE " here or above the persona binary)\n");
		return 1;
	}
	if (out) {
		bfmt(c.out, sizeof c.out, "%s", out);
	} else {
		char host[128] = "host", date[32];
		time_t now = time(NULL);
		gethostname(host, sizeof host - 1);
		strftime(date, sizeof date, "%Y-%m-%d", localtime(&now));
		bfmt(c.out, sizeof c.out, "%s/results/%s-%s-tune", c.tree, host, date);
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

	/* The variants' build trees and bench runs are scratch: under build/. */
	bfmt(c.work, sizeof c.work, "%s/build/tune", c.tree);
	mkdir(c.work, 0755);
	if (workload ? mix_read(&mix, workload) : mix_record(&c, &mix))
		return 1;           /* the reason is printed already */

	/* 1. the variants, built from overlays of the same table: the table's
	 * own columns (untuned), the switch dispatch, every PASS row on the asm
	 * fast path. Measured in alternating rounds in one run; the lowest
	 * median of the rounds stands for each (the machine is shared). */
	if (build_image(&c, "untuned", NULL, img_untuned, sizeof img_untuned) ||
	    build_image(&c, "switch", "dispatch=switch\n", img_switch, sizeof img_switch) ||
	    build_image(&c, "asm", "*pass fast=asm\n", img_asm, sizeof img_asm))
		return 1;
	const char *singles = "null,read,write,stat,fstat,openclose,gate";
	struct run_table t_u[ROUNDS_MAX], t_s[ROUNDS_MAX], t_a[ROUNDS_MAX];
	int rounds = c.quick ? 3 : ROUNDS_MAX;
	for (int r = 0; r < rounds; r++) {
		const char *names[3] = { "untuned", "switch", "asm" };
		const char *imgs[3] = { img_untuned, img_switch, img_asm };
		struct run_table *into[3] = { &t_u[r], &t_s[r], &t_a[r] };
		/* each round starts with another variant: a drift favours none */
		for (int k = 0; k < 3; k++) {
			int v = (r + k) % 3;
			char n[32];
			bfmt(n, sizeof n, "%s-%d", names[v], r + 1);
			if (measure(&c, n, imgs[v], singles, "pers-sysinfo", into[v]))
				return 1;
		}
	}
	if (measure(&c, "batch", img_untuned, "batch", "pers-batch-direct,pers-batch-uring", &t_batch))
		return 1;
	double cost_table = weighted_cost(&mix, t_u, rounds), cost_switch = weighted_cost(&mix, t_s, rounds);
	int use_switch = cost_switch < cost_table * (1 - MIN_GAIN);
	const char *dispatch = use_switch ? "switch" : "table";

	/* 2. decisions, each with its figures */
	bfmt(path, sizeof path, "%s/tune.md", c.out);
	c.md = fopen(path, "w");
	if (!c.md)
		return 1;
	md(&c, "# persona tune\n\nCall mix: %s — %llu calls, %zu distinct.\n\n", mix.source, mix.total, mix.n);
	md(&c, "Figures: median TSC ticks per call on the pers-sysinfo path (%s repetitions), the lowest of "
	   "%d alternating rounds; each variant is the table with a tuning overlay. A variant is chosen "
	   "only when it wins by more than %.0f%%.\n\n", c.quick ? "--quick" : "full", rounds, MIN_GAIN * 100);
	md(&c, "## Dispatch\n\n| bench | mix weight | table | switch |\n|---|---:|---:|---:|\n");
	for (size_t i = 0; i < NBENCH; i++)
		md(&c, "| %s | %.0f | %.1f | %.1f |\n", tuned_benches[i].bench, weight(&mix, &tuned_benches[i]),
		   best_median(t_u, rounds, tuned_benches[i].bench, "pers-sysinfo", 1),
		   best_median(t_s, rounds, tuned_benches[i].bench, "pers-sysinfo", 1));
	md(&c, "\nMix-weighted cost: table %.0f, switch %.0f. **Decision: dispatch=%s** (%s).\n\n",
	   cost_table, cost_switch, dispatch,
	   use_switch ? "the switch is cheaper" : "the switch does not win: the simpler table stays");

	/* The asm fast path, per benchmarked PASS row: the figure decides. */
	FILE *tf;
	bfmt(path, sizeof path, "%s/" TUNE_FILE, c.tree);
	tf = fopen(path, "w");
	if (!tf)
		return 1;
	fprintf(tf, "# personality/linux-i386.tune — generated by persona tune (tune.md beside its run).\n"
		"# An overlay of the table's tuning columns, read by tools/gentbl.py.\n"
		"# Delete this file to build with the table's own columns.\n");
	fprintf(tf, "dispatch=%s\n", dispatch);
	md(&c, "## Fast path (PASS rows)\n\n| bench | row | C path | asm path | decision |\n|---|---|---:|---:|---|\n");
	for (size_t i = 0; i < NBENCH; i++) {
		const struct tuned_bench *b = &tuned_benches[i];
		double vc = best_median(t_u, rounds, b->bench, "pers-sysinfo", 1);
		double va = best_median(t_a, rounds, b->bench, "pers-sysinfo", 1);
		int pass = row_is_pass(b->calls[0]) && !b->calls[1];
		int win = pass && va < vc * (1 - MIN_GAIN);

		md(&c, "| %s | %s | %.1f | %.1f | %s |\n", b->bench, b->calls[1] ? "several" : b->calls[0], vc, va,
		   !pass ? "not one PASS row: C" : win ? "asm" : "c (asm does not win)");
		if (win)
			fprintf(tf, "%s fast=asm\n", b->calls[0]);
	}
	md(&c, "\nPASS rows without a benchmark keep the table's column: a decision needs a figure.\n");

	/* Batch routes: the crossover is the smallest batch size from which the
	 * ring is cheaper at that size and every larger one. */
	static const unsigned sizes[] = { 1, 2, 4, 8, 16, 32, 64, 128 };
	md(&c, "\n## Batch route\n\n| op | batch | direct | ring |\n|---|---:|---:|---:|\n");
	for (size_t o = 0; o < sizeof batch_ops / sizeof batch_ops[0]; o++) {
		unsigned cross = 0;
		for (int s = (int)(sizeof sizes / sizeof sizes[0]) - 1; s >= 0 && batch_ops[o].ring; s--) {
			double d = median_of(&t_batch, batch_ops[o].op, "pers-batch-direct", sizes[s]);
			double r = median_of(&t_batch, batch_ops[o].op, "pers-batch-uring", sizes[s]);
			if (isnan(d) || isnan(r) || r >= d * (1 - MIN_GAIN))
				break;
			cross = sizes[s];
		}
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
			md(&c, "| %s | %u | %.1f | %.1f |\n", batch_ops[o].op, sizes[s],
			   median_of(&t_batch, batch_ops[o].op, "pers-batch-direct", sizes[s]),
			   median_of(&t_batch, batch_ops[o].op, "pers-batch-uring", sizes[s]));
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
	 * the same run, in alternating rounds; the lowest median of the rounds
	 * stands for each (the machine is shared and noisy). */
	{
		const char *argv[] = { "make", "-s", "-C", c.tree, NULL };
		bfmt(path, sizeof path, "%s/build-tuned.log", c.out);
		fprintf(stderr, "persona tune: rebuilding the image with " TUNE_FILE "\n");
		if (run_argv(argv, NULL, path) != 0) {
			fprintf(stderr, "persona tune: make failed; see %s\n", path);
			return 1;
		}
	}
	bfmt(path, sizeof path, "%s/build/linux-i386.img", c.tree);
	if (stage_image(&c, path, tuned_img, sizeof tuned_img))
		return 1;
	struct run_table u[FINAL_ROUNDS_MAX], tt[FINAL_ROUNDS_MAX];
	const char *all = "null,read,write,stat,fstat,openclose,gate,batch";
	const char *paths = "pers-sysinfo,pers-batch-direct,pers-batch-uring";
	int final_rounds = c.quick ? 4 : FINAL_ROUNDS_MAX;
	for (int round = 0; round < final_rounds; round++) {
		char n1[32], n2[32];
		bfmt(n1, sizeof n1, "final-untuned-%d", round + 1);
		bfmt(n2, sizeof n2, "final-tuned-%d", round + 1);
		/* alternate which goes first, so a drift of the machine favours neither */
		int first_tuned = round % 2;
		if (first_tuned ? measure(&c, n2, tuned_img, all, paths, &tt[round]) ||
				  measure(&c, n1, img_untuned, all, paths, &u[round])
				: measure(&c, n1, img_untuned, all, paths, &u[round]) ||
				  measure(&c, n2, tuned_img, all, paths, &tt[round]))
			return 1;
	}
	bfmt(path, sizeof path, "%s/tune.csv", c.out);
	FILE *csv = fopen(path, "w");
	if (!csv)
		return 1;
	fprintf(csv, "bench,variant,path,batch,ticks_median\n");
	md(&c, "## Untuned against tuned (same run, the lowest median of %d alternating rounds)\n\n"
	   "| bench | path | batch | untuned | tuned | tuned/untuned |\n|---|---|---:|---:|---:|---:|\n",
	   final_rounds);
	int slower = 0;
	for (size_t i = 0; i < u[0].n; i++) {
		const struct run_row *r = &u[0].rows[i];
		double a = best_median(u, final_rounds, r->bench, r->path, r->batch);
		double b = best_median(tt, final_rounds, r->bench, r->path, r->batch);
		if (isnan(a) || isnan(b))
			continue;
		fprintf(csv, "%s,untuned,%s,%u,%.1f\n%s,tuned,%s,%u,%.1f\n", r->bench, r->path, r->batch, a,
			r->bench, r->path, r->batch, b);
		md(&c, "| %s | %s | %u | %.1f | %.1f | %.3f |\n", r->bench, r->path, r->batch, a, b, b / a);
		slower += b > a * 1.02;
	}
	fclose(csv);
	double nu = best_median(u, final_rounds, "null", "pers-sysinfo", 1);
	double nt = best_median(tt, final_rounds, "null", "pers-sysinfo", 1);
	md(&c, "\nNull call: untuned %.1f, tuned %.1f ticks (%.3f). Figures slower by more than 2%% "
	   "after tuning: %d.\n", nu, nt, nt / nu, slower);
	fclose(c.md);
	printf("persona tune: wrote %s/" TUNE_FILE " and %s/tune.{csv,md}\n"
	       "persona tune: null call untuned %.1f, tuned %.1f ticks; %d figure(s) slower by more than 2%%\n",
	       c.tree, c.out, nu, nt, slower);
	for (int i = 0; i < final_rounds; i++) {
		table_free(&u[i]);
		table_free(&tt[i]);
	}
	for (int i = 0; i < rounds; i++) {
		table_free(&t_u[i]);
		table_free(&t_s[i]);
		table_free(&t_a[i]);
	}
	table_free(&t_batch);
	free(mix.e);
	return 0;
}
