/* bench/cli/bench.c — `persona bench`: runs every benchmark on every path,
 * collects the records, writes runs.csv, samples.csv, meta.json, the report
 * and charts.
 *
 *   persona bench [--quick] [--events LIST|none] [--out DIR] [--only BENCH,...] [--paths PATH,...]
 *                 [--paths PATH,...]
 *
 * Each figure comes from a lat_* program run as a child, pinned to one CPU,
 * writing machine-readable records (bench/lib/harness.h) on a pipe. The
 * counters are attached to the child from here and enabled only around its
 * measured loop, through a handshake on a second pipe. A path that cannot
 * run still gets its rows, with the reason.
 */

#include "bench_cli.h"
#include "sys/doctor/hostcaps.h"
#include "bench/lib/batch.h"
#include "bench/lib/harness.h"
#include "bench/lib/stats.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QUICK_REPS    11        /* in QUICK_ROUNDS rounds */
#define QUICK_ROUNDS  1
#define FULL_REPS     33        /* in all: FULL_REPS / FULL_ROUNDS a round */
#define FULL_ROUNDS   3
_Static_assert(FULL_REPS % FULL_ROUNDS == 0 && FULL_REPS / FULL_ROUNDS >= 11,
	       "a round runs at least the harness's least number of repetitions");
#define MIN_MS        10        /* each repetition lasts at least this */
#define IDLE_LIMIT_S  30        /* a child silent this long is stuck
				 * (PERSONA_BENCH_IDLE_S overrides) */
#define LINE_MAX_REC  BENCH_RECORD_MAX
_Static_assert(ROW_SAMPLES_MAX >= BENCH_REPS_MAX, "a row holds every repetition the harness runs");

struct bench_opts {
	int quick;
	const char *events;
	const char *out;
	const char *only;
	const char *paths;
};

struct places {
	char progs[4096];       /* directory of the lat_* programs */
	char persona[4096];     /* the persona binary */
	char tracer[4096];      /* ptrace-emu */
	char variants[4096];    /* the dispatch variant images: variants/<name>/ */
};

/* One child process: a program on a path, and the rows it should yield. */
struct job {
	const struct path_def *path;
	const char *bench;      /* single-call bench, or NULL for a batch path */
	char prog[4096];
	size_t first;           /* its rows: the table's first..first+nrows */
	unsigned nrows;
	int measured;           /* its rows are measured, round after round */
};

static const unsigned batch_sizes[] = { BENCH_BATCH_SIZES };
static const char *const batch_ops[] = { BATCH_OPS };

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int in_list(const char *list, const char *name)
{
	if (!list)
		return 1;
	size_t n = strlen(name);
	for (const char *p = list; *p; ) {
		size_t len = strcspn(p, ",");
		if (len == n && !strncmp(p, name, n))
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Each name of list must be one of valid (a NULL-terminated array). */
static int check_list(const char *opt, const char *list, const char *const *valid)
{
	if (!list)
		return 0;
	char *copy = strdup(list), *save = NULL;
	int bad = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int ok = 0;
		for (const char *const *v = valid; *v; v++)
			ok |= !strcmp(*v, t);
		if (!ok) {
			fprintf(stderr, "persona bench: %s: unknown name '%s'; one of:", opt, t);
			for (const char *const *v = valid; *v; v++)
				fprintf(stderr, " %s", *v);
			fputc('\n', stderr);
			bad = 1;
		}
	}
	free(copy);
	return bad ? -1 : 0;
}

/* ---- where things are ---------------------------------------------------- */

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void locate(struct places *pl)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	/* build/persona finds build/bench/; an installed BINDIR/persona finds
	 * BINDIR/../lib/persona/bench; build/bench/persona-bench finds its own
	 * directory and build/persona above it. */
	char probe[4200];
	bpath(pl->persona, sizeof pl->persona, "%s/persona", exe);
	bfmt(probe, sizeof probe, "%s/bench/lat_null-64", exe);
	if (is_file(probe)) {
		bpath(pl->progs, sizeof pl->progs, "%s/bench", exe);
	} else {
		bfmt(probe, sizeof probe, "%s/../lib/persona/bench/lat_null-64", exe);
		if (is_file(probe)) {
			bpath(pl->progs, sizeof pl->progs, "%s/../lib/persona/bench", exe);
		} else {
			bpath(pl->progs, sizeof pl->progs, "%s", exe);
			bpath(pl->persona, sizeof pl->persona, "%s/../persona", exe);
		}
	}
	const char *e;
	if ((e = getenv("PERSONA_BENCH_PROGS")) && *e)
		bpath(pl->progs, sizeof pl->progs, "%s", e);
	if ((e = getenv("PERSONA_BIN")) && *e)
		bpath(pl->persona, sizeof pl->persona, "%s", e);
	char real[PATH_MAX];
	if (realpath(pl->persona, real))
		bpath(pl->persona, sizeof pl->persona, "%s", real);
	if (realpath(pl->progs, real))
		bpath(pl->progs, sizeof pl->progs, "%s", real);
	bpath(pl->tracer, sizeof pl->tracer, "%s/ptrace-emu", pl->progs);
	/* beside the persona binary: build/variants (make builds them) */
	bpath(pl->variants, sizeof pl->variants, "%s", pl->persona);
	slash = strrchr(pl->variants, '/');
	bfmt(slash ? slash + 1 : pl->variants, sizeof pl->variants - (slash ? (size_t)(slash + 1 - pl->variants) : 0),
	     "variants");
}

/* ---- the machine ----------------------------------------------------------- */

static inline uint64_t rdtscp_now(void)
{
	uint32_t lo, hi, aux;
	__asm__ volatile("lfence; rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* TSC ticks per second against CLOCK_MONOTONIC_RAW over a busy interval. */
static double measure_tsc_hz(double seconds)
{
	struct timespec a, b;
	double ns;
	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	uint64_t t0 = rdtscp_now();
	do {
		clock_gettime(CLOCK_MONOTONIC_RAW, &b);
		ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	} while (ns < seconds * 1e9);
	uint64_t t1 = rdtscp_now();
	return (double)(t1 - t0) * 1e9 / ns;
}

static void read_line_of(const char *file, const char *prefix, char *out, size_t n)
{
	char line[4096];
	FILE *f = fopen(file, "r");
	out[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		if (prefix && strncmp(line, prefix, strlen(prefix)))
			continue;
		char *v = prefix ? strchr(line, ':') : line;
		if (!v)
			continue;
		v += prefix ? 1 : 0;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = 0;
		bfmt(out, n, "%s", v);
		break;
	}
	fclose(f);
}

void bench_host_line(char *out, size_t n)
{
	char cpu[256];
	struct utsname u;

	read_line_of("/proc/cpuinfo", "model name", cpu, sizeof cpu);
	bfmt(out, n, "%s, %ld CPUs online, kernel %s", cpu[0] ? cpu : "unknown CPU", sysconf(_SC_NPROCESSORS_ONLN),
	     uname(&u) == 0 ? u.release : "unknown");
}

static void run_capture(const char *cmd, char *out, size_t n)
{
	out[0] = 0;
	FILE *p = popen(cmd, "r");
	if (!p)
		return;
	if (fgets(out, (int)n, p))
		out[strcspn(out, "\n")] = 0;
	pclose(p);
}

static void collect_meta(struct meta *m, int argc, char **argv, const struct bench_opts *o,
			 const struct places *pl, double tsc_hz, int cpu, const char *host,
			 const char *date)
{
	char buf[4096];
	size_t off = 0;
	off += (size_t)bfmt(buf, sizeof buf, "persona");
	for (int i = 0; i < argc && off < sizeof buf; i++)
		off += (size_t)bfmt(buf + off, sizeof buf - off, " %s", argv[i]);
	meta_set(m, "host", "%s", host);
	meta_set(m, "date", "%s", date);
	meta_set(m, "command", "%s", buf);
	read_line_of("/proc/cpuinfo", "model name", buf, sizeof buf);
	meta_set(m, "cpu_model", "%s", buf);
	meta_set(m, "cpus_online", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	meta_set(m, "cpu_pinned", "%d", cpu);
	read_line_of("/proc/cpuinfo", "flags", buf, sizeof buf);
	meta_set(m, "tsc_flags", "%s%s%s", strstr(buf, " constant_tsc") ? "constant_tsc " : "",
		 strstr(buf, " nonstop_tsc") ? "nonstop_tsc " : "",
		 strstr(buf, " rdtscp") ? "rdtscp" : "no-rdtscp");
	struct utsname u;
	if (uname(&u) == 0)
		meta_set(m, "kernel", "%s %s %s %s", u.sysname, u.release, u.version, u.machine);
	/* Only the boot parameters that change what a system call costs; the
	 * rest of the command line is the host's business. */
	static const char *const relevant[] = {
		"mitigations", "ia32_emulation", "spectre", "nospec", "pti", "nopti",
		"retbleed", "mds", "tsx", "l1tf", "isolcpus", "nohz", "idle", "tsc",
		"clocksource", "intel_pstate", "processor.max_cstate", "vsyscall",
	};
	read_line_of("/proc/cmdline", NULL, buf, sizeof buf);
	char params[1024] = "";
	size_t used = 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		for (unsigned i = 0; i < sizeof relevant / sizeof relevant[0]; i++)
			if (!strncmp(tok, relevant[i], strlen(relevant[i])) && used < sizeof params) {
				used += (size_t)bfmt(params + used, sizeof params - used, "%s%s",
						     used ? " " : "", tok);
				break;
			}
	meta_set(m, "kernel_boot_params", "%s", used ? params : "(none that matter here)");
	meta_set(m, "tsc_hz", "%.0f", tsc_hz);

	/* Mitigations: one key per vulnerability file. */
	FILE *ls = popen("ls /sys/devices/system/cpu/vulnerabilities 2>/dev/null", "r");
	if (ls) {
		char name[256], path[512], val[400];
		while (fgets(name, sizeof name, ls)) {
			name[strcspn(name, "\n")] = 0;
			bfmt(path, sizeof path, "/sys/devices/system/cpu/vulnerabilities/%s", name);
			read_line_of(path, NULL, val, sizeof val);
			char key[48];
			bfmt(key, sizeof key, "vuln.%.40s", name);
			meta_set(m, key, "%s", val);
		}
		pclose(ls);
	}

	/* How the programs were built (bench/module.mk writes buildinfo). */
	char path[4200];
	bpath(path, sizeof path, "%s/buildinfo", pl->progs);
	FILE *bi = fopen(path, "r");
	if (bi) {
		char line[1024];
		while (fgets(line, sizeof line, bi)) {
			char *eq = strchr(line, '=');
			if (!eq)
				continue;
			*eq = 0;
			eq[1 + strcspn(eq + 1, "\n")] = 0;
			char key[48];
			bfmt(key, sizeof key, "build.%.40s", line);
			meta_set(m, key, "%s", eq + 1);
		}
		fclose(bi);
	}
	meta_set(m, "driver_compiler", "%s", __VERSION__);
	run_capture("git rev-parse HEAD 2>/dev/null", buf, sizeof buf);
	if (buf[0]) {
		char dirty[256];
		run_capture("git status --porcelain --untracked-files=no 2>/dev/null | head -n 1", dirty, sizeof dirty);
		meta_set(m, "git_revision", "%s%s", buf, dirty[0] ? "-dirty" : "");
	} else {
		meta_set(m, "git_revision", "unknown (no git revision here)");
	}
	/* Paths relative to where the run was started, as the command was. */
	char cwd[4096];
	const char *persona = pl->persona;
	if (getcwd(cwd, sizeof cwd) && !strncmp(persona, cwd, strlen(cwd)) &&
	    persona[strlen(cwd)] == '/')
		persona += strlen(cwd) + 1;
	meta_set(m, "persona", "%s", persona);
	meta_set(m, "events", "%s", o->events ? o->events : COUNTERS_DEFAULT);
	meta_set(m, "repetitions", "%d", o->quick ? QUICK_REPS : FULL_REPS);
	meta_set(m, "rounds", "%d", o->quick ? QUICK_ROUNDS : FULL_ROUNDS);
	meta_set(m, "min_ms_per_repetition", "%d", MIN_MS);
	meta_set(m, "quick", "%s", o->quick ? "yes" : "no");
	/* what this host can do, as persona doctor says: one key for every
	 * capability some path needs ("yes", or "no: evidence") */
	char seen[512] = "";
	for (unsigned p = 0; p < bench_npaths; p++) {
		const char *n = bench_paths[p].needs;
		while (n && *n) {
			size_t len = strcspn(n, ",");
			char name[32], key[48], why[768];
			bfmt(name, sizeof name, "%.*s", (int)len, n);
			n += len + (n[len] == ',');
			bfmt(key, sizeof key, ",%s,", name);
			if (strstr(seen, key))
				continue;
			strncat(seen, key, sizeof seen - strlen(seen) - 1);
			bfmt(key, sizeof key, "host.%s", name);
			if (hostcap_need(name, why, sizeof why))
				meta_set(m, key, "yes");
			else
				meta_set(m, key, "%s", why);
		}
	}
}

/* ---- running one child ------------------------------------------------------ */

struct record {
	unsigned n;
	char *key[32], *val[32];
};

static void parse_record(char *line, struct record *r)
{
	r->n = 0;
	char *save = NULL;
	for (char *f = strtok_r(line, "\t", &save); f && r->n < 32; f = strtok_r(NULL, "\t", &save)) {
		char *eq = strchr(f, '=');
		if (!eq)
			continue;
		*eq = 0;
		r->key[r->n] = f;
		r->val[r->n++] = eq + 1;
	}
}

static const char *rec_get(const struct record *r, const char *key)
{
	for (unsigned i = 0; i < r->n; i++)
		if (!strcmp(r->key[i], key))
			return r->val[i];
	return NULL;
}

static const char *rec_or(const struct record *r, const char *key, const char *def)
{
	const char *v = rec_get(r, key);
	return v ? v : def;
}

static double rec_num(const struct record *r, const char *key)
{
	const char *v = rec_get(r, key);
	return v ? strtod(v, NULL) : NAN;
}

/* What the child said on stderr: its first non-empty line (where tools
 * put the error, before any usage text), and its last if that differs and
 * the child died of a signal (the last words before the crash). */
static void child_said(int fd, int signalled, char *out, size_t n)
{
	char buf[4096];
	out[0] = 0;
	ssize_t got = pread(fd, buf, sizeof buf - 1, 0);
	if (got <= 0)
		return;
	buf[got] = 0;
	char *first = buf + strspn(buf, "\n ");
	first[strcspn(first, "\n")] = 0;
	bfmt(out, n, "%s", first);
	if (!signalled)
		return;
	off_t end = lseek(fd, 0, SEEK_END);
	off_t start = end > (off_t)sizeof buf - 1 ? end - (off_t)sizeof buf + 1 : 0;
	got = pread(fd, buf, (size_t)(end - start), start);
	if (got <= 0)
		return;
	buf[got] = 0;
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' '))
		buf[--got] = 0;
	char *l = strrchr(buf, '\n');
	l = l ? l + 1 : buf;
	if (strcmp(l, out)) {
		size_t used = strlen(out);
		bfmt(out + used, n - used, "%s%s", used ? " ... " : "", l);
	}
}

/* In the forked child, before exec: any length (an image path under a long
 * checkout path included); a value that cannot be set ends the child. */
static void set_child_env(const char *name, const char *fmt, ...)
{
	char *v;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (r < 0 || setenv(name, v, 1) < 0)
		_exit(127);
	free(v);
}

struct run_ctx {
	const struct bench_opts *o;
	const struct places *pl;
	struct counter_set *cs;
	double tsc_hz;
	int cpu;
	int idle_s;
	struct run_table *t;
};

static void fail_rows(struct run_row **rows, unsigned n, const char *reason)
{
	for (unsigned i = 0; i < n; i++)
		if (rows[i]->status == ROW_FAIL && !rows[i]->reason[0])
			bfmt(rows[i]->reason, sizeof rows[i]->reason, "%s", reason);
}

static void fill_row(struct run_ctx *c, struct run_row *row, const struct record *r,
		     const struct counter_value *counts, int have_counts)
{
	const char *st = rec_get(r, "status");
	if (st && !strcmp(st, "ok")) {
		row->status = ROW_OK;
		row->reason[0] = 0;
		row->iterations = strtoull(rec_or(r, "iterations", "0"), NULL, 10);
		row->reps = (unsigned)rec_num(r, "reps");
		row->ticks_min = rec_num(r, "ticks_min");
		row->ticks_median = rec_num(r, "ticks_median");
		row->ticks_p99 = rec_num(r, "ticks_p99");
		row->loop_overhead = rec_num(r, "loop_overhead");
		/* each repetition, for comparing runs by their spread; a
		 * record without them (an older harness) leaves none */
		row->nsamples = 0;
		for (const char *s = rec_or(r, "samples", ""); *s && row->nsamples < ROW_SAMPLES_MAX; ) {
			char *end;
			double v = strtod(s, &end);
			if (end == s)
				break;
			row->samples[row->nsamples++] = v;
			s = *end == ',' ? end + 1 : end;
		}
		if (row->nsamples != row->reps)
			row->nsamples = 0;      /* a cut list: better none than some */
		row->stage_calls = strtoull(rec_or(r, "stage_calls", "0"), NULL, 10);
		if (row->stage_calls) {
			row->stage_entry = rec_num(r, "stage_entry");
			row->stage_call = rec_num(r, "stage_call");
			row->stage_exit = rec_num(r, "stage_exit");
			row->stage_stamp = rec_num(r, "stage_stamp");
		}
		for (unsigned k = 0; k < counters_count(c->cs); k++) {
			if (counters_unsupported(c->cs, k))
				row->counter[k].state = COUNTER_UNSUPPORTED;
			else if (have_counts)
				row->counter[k] = counts[k];
		}
	} else {
		row->status = ROW_NA;
		bfmt(row->reason, sizeof row->reason, "%s", rec_or(r, "reason", "not applicable"));
	}
}

/* Runs one job to its end; every row of it gets a figure or a reason. */
static void run_process(struct run_ctx *c, const struct job *j, const char **argv,
			const char *image, struct run_row **rows, unsigned nrows);
static void pool_row(struct run_row *row, const struct run_row *one, int first, unsigned ncounters);

/* Runs one round of a job: the first makes its rows and gives each a
 * figure or a reason; a later one runs the job's process again and pools
 * its repetitions into the rows (pool_row). */
static void run_job(struct run_ctx *c, struct job *j, unsigned round)
{
	struct run_row *rows[32];
	unsigned nrows = 0;
	const char *what = j->bench;
	if (round > 0) {
		if (!j->measured)
			return;
		for (nrows = 0; nrows < j->nrows; nrows++)
			rows[nrows] = &c->t->rows[j->first + nrows];
		goto command;
	}
	/* rows[] holds pointers into the table: no reallocation while filling */
	table_reserve(c->t, sizeof rows / sizeof rows[0]);
	j->first = c->t->n;
	if (j->path->batch) {
		for (unsigned b = 0; b < sizeof batch_ops / sizeof batch_ops[0]; b++)
			for (unsigned s = 0; s < sizeof batch_sizes / sizeof batch_sizes[0]; s++) {
				struct run_row *r = table_add(c->t);
				bfmt(r->bench, sizeof r->bench, "%s", batch_ops[b]);
				r->batch = batch_sizes[s];
				rows[nrows++] = r;
			}
	} else if (bench_find(what) && bench_find(what)->threads) {
		static const unsigned threads[] = { BENCH_MT_THREADS };
		for (unsigned s = 0; s < sizeof threads / sizeof threads[0]; s++) {
			struct run_row *r = table_add(c->t);
			bfmt(r->bench, sizeof r->bench, "%s", what);
			r->batch = threads[s];
			rows[nrows++] = r;
		}
	} else {
		struct run_row *r = table_add(c->t);
		bfmt(r->bench, sizeof r->bench, "%s", what);
		rows[nrows++] = r;
	}
	for (unsigned i = 0; i < nrows; i++) {
		bfmt(rows[i]->path, sizeof rows[i]->path, "%s", j->path->name);
		rows[i]->status = ROW_FAIL;
	}
	j->nrows = nrows;

	if (j->path->only && !in_list(j->path->only, j->bench)) {
		for (unsigned i = 0; i < nrows; i++) {
			rows[i]->status = ROW_NA;
			bfmt(rows[i]->reason, sizeof rows[i]->reason, "%s measures the %s benchmark%s only",
			     j->path->name, j->path->only, strchr(j->path->only, ',') ? "s" : "");
		}
		return;
	}

	/* What this host cannot do is named once, at the top of the report
	 * (meta host.*); the rows say which capability they need. */
	char lacks[768];
	if (j->path->needs && !hostcap_need(j->path->needs, lacks, sizeof lacks)) {
		for (unsigned i = 0; i < nrows; i++) {
			rows[i]->status = ROW_NA;
			bfmt(rows[i]->reason, sizeof rows[i]->reason, "this host lacks what %s needs (%s): see the top",
			     j->path->name, j->path->needs);
		}
		return;
	}

	/* The command line. */
command:;
	const char *argv[8];
	char image[4200] = "";
	unsigned argc = 0;
	char reason[512];
	if (j->path->runner == RUN_PERSONA) {
		if (access(c->pl->persona, X_OK) != 0) {
			bfmt(reason, sizeof reason, "persona run unavailable: %s: %s",
				 c->pl->persona, strerror(errno));
			fail_rows(rows, nrows, reason);
			return;
		}
		if (j->path->image) {
			bpath(image, sizeof image, "%s/%s/linux-i386.img", c->pl->variants, j->path->image);
			if (!is_file(image)) {
				bfmt(reason, sizeof reason, "variant image not built: %s (make bench-variants)", image);
				fail_rows(rows, nrows, reason);
				return;
			}
		}
		argv[argc++] = c->pl->persona;
		argv[argc++] = "run";
		if (j->path->option)
			argv[argc++] = j->path->option;
		if (j->path->option2)
			argv[argc++] = j->path->option2;
	} else if (j->path->runner == RUN_PTRACE) {
		argv[argc++] = c->pl->tracer;
	}
	argv[argc++] = j->prog;
	if (j->path->route) {
		argv[argc++] = "--route";
		argv[argc++] = j->path->route;
	}
	argv[argc] = NULL;
	if (!is_file(j->prog)) {
		bfmt(reason, sizeof reason, "not built: %s", j->prog);
		fail_rows(rows, nrows, reason);
		return;
	}

	/* One process a round, its repetitions pooled into the rows: on a
	 * shared host the same code runs at one of a few speeds for tens of
	 * milliseconds to seconds at a time (the README's "Rounds"), so each
	 * figure takes repetitions from rounds spread over the whole run, and
	 * every path meets the host's slow spells alike. */
	struct run_row *one = calloc(nrows, sizeof *one), *onep[32];
	if (!one) {
		fail_rows(rows, nrows, "out of memory");
		return;
	}
	for (unsigned i = 0; i < nrows; i++) {
		one[i] = (struct run_row){ .batch = rows[i]->batch, .status = ROW_FAIL,
			.ticks_min = NAN, .ticks_median = NAN, .ticks_p99 = NAN,
			.ns_median = NAN, .ratio_native = NAN, .loop_overhead = NAN };
		memcpy(one[i].bench, rows[i]->bench, sizeof one[i].bench);
		memcpy(one[i].path, rows[i]->path, sizeof one[i].path);
		onep[i] = &one[i];
	}
	run_process(c, j, argv, image, onep, nrows);
	for (unsigned i = 0; i < nrows; i++)
		pool_row(rows[i], &one[i], round == 0, c->cs ? counters_count(c->cs) : 0);
	j->measured = 1;
	free(one);
}

/* Adds one round's row to the job's row: the first is copied; a later
 * one's repetitions join the pool, whose statistics are taken anew; a round
 * without a figure leaves the row without one (that round's reason). */
static void pool_row(struct run_row *row, const struct run_row *one, int first, unsigned ncounters)
{
	if (first || (row->status == ROW_OK && one->status != ROW_OK)) {
		*row = *one;
		return;
	}
	if (row->status != ROW_OK)
		return;
	if (!row->nsamples || !one->nsamples || row->nsamples + one->nsamples > ROW_SAMPLES_MAX) {
		row->status = ROW_FAIL;
		bfmt(row->reason, sizeof row->reason, "a round gave no repetitions to pool");
		return;
	}
	double w0 = row->nsamples, w1 = one->nsamples;
	for (unsigned k = 0; k < ncounters; k++)
		if (row->counter[k].state == COUNTER_OK && one->counter[k].state == COUNTER_OK)
			row->counter[k].per_call = (row->counter[k].per_call * w0 +
						    one->counter[k].per_call * w1) / (w0 + w1);
	row->loop_overhead = (row->loop_overhead * w0 + one->loop_overhead * w1) / (w0 + w1);
	if (one->iterations < row->iterations)
		row->iterations = one->iterations;
	if (row->stage_calls && one->stage_calls) {
		double c0 = (double)row->stage_calls, c1 = (double)one->stage_calls;
		row->stage_entry = (row->stage_entry * c0 + one->stage_entry * c1) / (c0 + c1);
		row->stage_call = (row->stage_call * c0 + one->stage_call * c1) / (c0 + c1);
		row->stage_exit = (row->stage_exit * c0 + one->stage_exit * c1) / (c0 + c1);
		row->stage_stamp = (row->stage_stamp * c0 + one->stage_stamp * c1) / (c0 + c1);
		row->stage_calls += one->stage_calls;
	}
	memcpy(row->samples + row->nsamples, one->samples, one->nsamples * sizeof one->samples[0]);
	row->nsamples += one->nsamples;
	row->reps = row->nsamples;
	double sorted[ROW_SAMPLES_MAX];
	struct bench_stats st;
	memcpy(sorted, row->samples, row->nsamples * sizeof sorted[0]);
	stats_compute(sorted, row->nsamples, &st);
	row->ticks_min = st.min;
	row->ticks_median = st.median;
	row->ticks_p99 = st.p99;
}

/* One process of a job: fills rows from its records, or gives each a reason. */
static void run_process(struct run_ctx *c, const struct job *j, const char **argv,
			const char *image, struct run_row **rows, unsigned nrows)
{
	char reason[512];
	int rec[2], sync[2], err[2];
	if (pipe2(rec, O_CLOEXEC) || pipe2(sync, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		bfmt(reason, sizeof reason, "pipe: %s", strerror(errno));
		fail_rows(rows, nrows, reason);
		return;
	}
	int log = memfd_create("persona-bench-stderr", MFD_CLOEXEC);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(c->cpu, &set);
		sched_setaffinity(0, sizeof set, &set);
		if (log >= 0) {
			dup2(log, 1);
			dup2(log, 2);
		}
		fcntl(rec[1], F_SETFD, 0);
		fcntl(sync[0], F_SETFD, 0);
		set_child_env("PERSONA_BENCH_FD", "%d", rec[1]);
		set_child_env("PERSONA_BENCH_SYNC", "%d", sync[0]);
		set_child_env("PERSONA_BENCH_REPS", "%d", c->o->quick ? QUICK_REPS / QUICK_ROUNDS :
			      FULL_REPS / FULL_ROUNDS);
		set_child_env("PERSONA_BENCH_MIN_MS", "%d", MIN_MS);
		set_child_env("PERSONA_BENCH_TSC_HZ", "%.0f", c->tsc_hz);
		set_child_env("PERSONA_BENCH_CPU", "%d", c->cpu);
		if (image[0])
			set_child_env("PERSONA_IMAGE", "%s", image);   /* persona run maps this image */
		char go;
		if (read(sync[0], &go, 1) != 1)
			_exit(127);
		execv(argv[0], (char **)argv);
		int e = errno;
		if (write(err[1], &e, sizeof e) < 0)
			_exit(127);
		_exit(127);
	}
	close(rec[1]);
	close(sync[0]);
	close(err[1]);
	if (pid < 0) {
		bfmt(reason, sizeof reason, "fork: %s", strerror(errno));
		fail_rows(rows, nrows, reason);
		close(rec[0]);
		close(sync[1]);
		close(err[0]);
		if (log >= 0)
			close(log);
		return;
	}
	if (c->cs)
		counters_attach(c->cs, pid);
	if (write(sync[1], "g", 1) != 1) {
		/* The child died before exec; waitpid below says how. */
	}

	/* Records, line by line, until the child closes the pipe. */
	char buf[LINE_MAX_REC * 2];
	size_t have = 0;
	int timed_out = 0, have_counts = 0;
	struct counter_value counts[ROW_COUNTERS_MAX];
	for (;;) {
		struct pollfd p = { .fd = rec[0], .events = POLLIN };
		int pr = poll(&p, 1, c->idle_s * 1000);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0) {
			timed_out = 1;
			break;
		}
		ssize_t got = read(rec[0], buf + have, sizeof buf - 1 - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		have += (size_t)got;
		buf[have] = 0;
		char *line = buf, *nl;
		while ((nl = strchr(line, '\n'))) {
			*nl = 0;
			struct record r;
			parse_record(line, &r);
			const char *kind = rec_get(&r, "kind");
			if (kind && !strcmp(kind, "count-begin")) {
				if (c->cs)
					counters_enable(c->cs);
				if (write(sync[1], "b", 1) != 1)
					break;
			} else if (kind && !strcmp(kind, "count-end")) {
				if (c->cs) {
					const char *it = rec_get(&r, "iterations");
					counters_disable_read(c->cs, it ? strtoull(it, NULL, 10) : 1, counts);
					have_counts = 1;
				}
				if (write(sync[1], "e", 1) != 1)
					break;
			} else if (kind && !strcmp(kind, "result")) {
				const char *b = rec_get(&r, "bench");
				unsigned batch = (unsigned)strtoul(rec_or(&r, "batch", "1"), NULL, 10);
				for (unsigned i = 0; b && i < nrows; i++)
					if (rows[i]->batch == batch && !strcmp(rows[i]->bench, b))
						fill_row(c, rows[i], &r, counts, have_counts);
				have_counts = 0;
			}
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have >= sizeof buf - 1)
			have = 0;       /* an overlong line: not a record */
	}
	if (timed_out)
		kill(-pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	kill(-pid, SIGKILL);    /* anything the child left behind */
	if (c->cs)
		counters_detach(c->cs);

	char said[300];
	int exec_errno = 0;
	if (read(err[0], &exec_errno, sizeof exec_errno) != (ssize_t)sizeof exec_errno)
		exec_errno = 0;
	child_said(log, WIFSIGNALED(status) || timed_out, said, sizeof said);
	const char *who = j->path->runner == RUN_PERSONA ? "persona run" :
			  j->path->runner == RUN_PTRACE ? "ptrace-emu" : "program";
	if (exec_errno)
		bfmt(reason, sizeof reason, "cannot exec %s: %s%s", argv[0], strerror(exec_errno),
			 exec_errno == ENOEXEC ? " (no ia32 layer in this kernel?)" : "");
	else if (timed_out)
		bfmt(reason, sizeof reason, "%s: no record for %d s, killed%s%s", who,
			 c->idle_s, said[0] ? ": " : "", said);
	else if (WIFSIGNALED(status))
		bfmt(reason, sizeof reason, "%s: killed by signal %d (%s)%s%s", who,
			 WTERMSIG(status), strsignal(WTERMSIG(status)), said[0] ? ": " : "", said);
	else if (WEXITSTATUS(status))
		bfmt(reason, sizeof reason, "%s: exit %d%s%s", who, WEXITSTATUS(status),
			 said[0] ? ": " : "", said);
	else
		bfmt(reason, sizeof reason, "%s: exited without a record%s%s", who,
			 said[0] ? ": " : "", said);
	fail_rows(rows, nrows, reason);

	close(rec[0]);
	close(sync[1]);
	close(err[0]);
	if (log >= 0)
		close(log);
}

/* ---- the command ----------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr, "usage: persona bench [--quick] [--events LIST|none] [--out DIR] "
		"[--only BENCH,...] [--paths PATH,...]\n"
		"  BENCH: null read write stat fstat openclose gate vdso null-mt batch\n");
	return 2;
}

/* The CPU to pin children to: the last one this process may use (the
 * driver mostly sleeps; other work tends to start on CPU 0). */
static int pick_cpu(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		for (int i = CPU_SETSIZE - 1; i >= 0; i--)
			if (CPU_ISSET(i, &set))
				return i;
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quick",  no_argument,       NULL, 'q' },
		{ "events", required_argument, NULL, 'e' },
		{ "out",    required_argument, NULL, 'o' },
		{ "only",   required_argument, NULL, 'n' },
		{ "paths",  required_argument, NULL, 'p' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_opts o = { 0 };
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q': o.quick = 1; break;
		case 'e': o.events = optarg; break;
		case 'o': o.out = optarg; break;
		case 'n': o.only = optarg; break;
		case 'p': o.paths = optarg; break;
		default: return usage();
		}
	}
	if (optind != argc)
		return usage();

	const char *valid_only[16], *valid_paths[BENCH_PATHS_MAX];
	unsigned nv = 0;
	for (unsigned i = 0; i < bench_nsingles; i++)
		valid_only[nv++] = bench_singles[i].name;
	valid_only[nv++] = BENCH_ONLY_BATCH;
	valid_only[nv] = NULL;
	for (nv = 0; nv < bench_npaths; nv++)
		valid_paths[nv] = bench_paths[nv].name;
	valid_paths[nv] = NULL;
	if (check_list("--only", o.only, valid_only) || check_list("--paths", o.paths, valid_paths))
		return 2;

	struct places pl;
	locate(&pl);

	char host[256] = "localhost", date[32], when[64];
	gethostname(host, sizeof host - 1);
	time_t tnow = time(NULL);
	struct tm tm;
	gmtime_r(&tnow, &tm);
	strftime(date, sizeof date, "%Y-%m-%d", &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char outdir[4096];
	if (o.out) {
		bpath(outdir, sizeof outdir, "%s", o.out);
	} else {
		/* a new directory each run: results/HOST-DATE, then with a
		 * letter (b, c, ...) where a run of that day is there already,
		 * so that no run, committed or not, is written over */
		struct stat st;
		bpath(outdir, sizeof outdir, "results/%s-%s", host, date);
		for (char letter = 'b'; stat(outdir, &st) == 0; letter++) {
			if (letter > 'z') {
				fprintf(stderr, "persona bench: results/%s-%s and b to z exist: "
					"name the directory with --out\n", host, date);
				return 1;
			}
			bpath(outdir, sizeof outdir, "results/%s-%s%c", host, date, letter);
		}
	}
	if (mkdir_p(outdir)) {
		fprintf(stderr, "persona bench: %s: %s\n", outdir, strerror(errno));
		return 1;
	}

	struct run_ctx c = { .o = &o, .pl = &pl, .cpu = pick_cpu(), .idle_s = IDLE_LIMIT_S };
	const char *idle = getenv("PERSONA_BENCH_IDLE_S");
	if (idle && atoi(idle) > 0)
		c.idle_s = atoi(idle);
	struct run_table t = { 0 };
	c.t = &t;
	fprintf(stderr, "persona bench: measuring the TSC frequency\n");
	c.tsc_hz = measure_tsc_hz(o.quick ? 0.05 : 0.2);
	fprintf(stderr, "persona bench: TSC %.3f MHz; children pinned to CPU %d; results in %s\n",
		c.tsc_hz / 1e6, c.cpu, outdir);

	if (!o.events || strcmp(o.events, "none")) {
		c.cs = counters_new(o.events);
		for (unsigned k = 0; k < counters_count(c.cs); k++) {
			counter_column_name(t.counter[k], COUNTER_NAME_MAX, counters_event(c.cs, k));
			t.ncounters++;
		}
		/* Probe once on ourselves, so that a machine without a PMU says so
		 * before the run rather than in every row. */
		counters_attach(c.cs, 0);
		counters_detach(c.cs);
		for (unsigned k = 0; k < counters_count(c.cs); k++)
			if (counters_unsupported(c.cs, k))
				fprintf(stderr, "persona bench: event %s unsupported: %s\n",
					counters_event(c.cs, k), counters_unsupported(c.cs, k));
	}

	/* The plan: every selected single bench on every selected path, then
	 * the batch paths. */
	struct job *jobs = calloc(bench_nsingles * bench_npaths + bench_npaths, sizeof *jobs);
	unsigned njobs = 0;
	for (unsigned b = 0; b < bench_nsingles; b++) {
		if (!in_list(o.only, bench_singles[b].name))
			continue;
		for (unsigned p = 0; p < bench_npaths; p++) {
			const struct path_def *pd = &bench_paths[p];
			if (pd->batch || !in_list(o.paths, pd->name) ||
			    (bench_singles[b].paths && !in_list(bench_singles[b].paths, pd->name)))
				continue;
			struct job *j = &jobs[njobs++];
			j->path = pd;
			j->bench = bench_singles[b].name;
			bpath(j->prog, sizeof j->prog, "%s/lat_%s-%s", pl.progs, j->bench, pd->program);
		}
	}
	if (in_list(o.only, BENCH_ONLY_BATCH))
		for (unsigned p = 0; p < bench_npaths; p++) {
			const struct path_def *pd = &bench_paths[p];
			if (!pd->batch || !in_list(o.paths, pd->name))
				continue;
			struct job *j = &jobs[njobs++];
			j->path = pd;
			bpath(j->prog, sizeof j->prog, "%s/%s", pl.progs, pd->program);
		}

	double start = now_s();
	unsigned rounds = o.quick ? QUICK_ROUNDS : FULL_ROUNDS, steps = rounds * njobs;
	for (unsigned r = 0, step = 0; r < rounds; r++)
		for (unsigned i = 0; i < njobs; i++, step++) {
			double el = now_s() - start;
			char eta[48] = "";
			if (step > 0)
				bfmt(eta, sizeof eta, ", ~%.0f s left", el / step * (steps - step));
			fprintf(stderr, "persona bench: [%3u/%u] round %u/%u: %-9s on %-17s (%.0f s elapsed%s)\n",
				step + 1, steps, r + 1, rounds, jobs[i].bench ? jobs[i].bench : "batch",
				jobs[i].path->name, el, eta);
			run_job(&c, &jobs[i], r);
		}
	free(jobs);
	table_derive(&t, c.tsc_hz);

	struct meta m = { 0 };
	collect_meta(&m, argc, argv, &o, &pl, c.tsc_hz, c.cpu, host, when);
	if (c.cs)
		for (unsigned k = 0; k < counters_count(c.cs); k++)
			if (counters_unsupported(c.cs, k)) {
				char key[48];
				bfmt(key, sizeof key, "unsupported.%.30s", t.counter[k]);
				meta_set(&m, key, "%s", counters_unsupported(c.cs, k));
			}
	counters_free(c.cs);

	char path[4200];
	int rc = 0;
	bpath(path, sizeof path, "%s/runs.csv", outdir);
	FILE *f = fopen(path, "w");
	if (!f || table_write_csv(&t, f) || fclose(f)) {
		fprintf(stderr, "persona bench: %s: %s\n", path, strerror(errno));
		rc = 1;
	}
	bpath(path, sizeof path, "%s/samples.csv", outdir);
	f = fopen(path, "w");
	if (!f || table_write_samples(&t, f) || fclose(f)) {
		fprintf(stderr, "persona bench: %s: %s\n", path, strerror(errno));
		rc = 1;
	}
	bpath(path, sizeof path, "%s/stages.csv", outdir);
	f = fopen(path, "w");
	if (!f || table_write_stages(&t, f) || fclose(f)) {
		fprintf(stderr, "persona bench: %s: %s\n", path, strerror(errno));
		rc = 1;
	}
	bpath(path, sizeof path, "%s/meta.json", outdir);
	f = fopen(path, "w");
	if (!f || meta_write_json(&m, f) || fclose(f)) {
		fprintf(stderr, "persona bench: %s: %s\n", path, strerror(errno));
		rc = 1;
	}
	if (report_write(outdir, &t, &m))
		rc = 1;
	report_lmbench_lines(&t, stdout);
	fprintf(stderr, "persona bench: %zu figures in %.0f s; wrote %s/runs.csv, samples.csv, stages.csv, meta.json, report.md\n",
		t.n, now_s() - start, outdir);
	table_free(&t);
	return rc;
}
