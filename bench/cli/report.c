/* bench/cli/report.c — report.md and the charts from runs.csv and
 * meta.json; `persona report DIR [DIR...]` rebuilds them, and with several
 * directories prints a side-by-side comparison; with two, each figure of
 * the second against the first from their repetitions (samples.csv).
 *
 * Every figure in the report is computed from the rows of one run: ratios
 * are against that run's native row, never against remembered numbers.
 */
#include "bench_cli.h"
#include "bench/lib/stats.h"
#include "bench/lib/batch.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The goals the report states (figures, not tests). */
/* the paths whose per-call cost the floor-relative goals judge */
static const char *const floor_paths[] = { "pers-sysinfo", "pers-startup" };
#define GOAL_SYSINFO_RATIO   1.25   /* pers-sysinfo null / native */
/* (pers-sysinfo - (native + modeswitch)) / native: the personality's own
 * cost, above the native trap and the bare mode switch it cannot avoid */
#define GOAL_FLOOR_FRACTION  0.10
#define GOAL_INT80_64_RATIO  1.10   /* pers-int80-64 null / native */
#define GOAL_INT80_FRACTION  0.10   /* pers-int80 / kernel-int80: "far below" */
#define GOAL_BATCH_MARGIN    1.10   /* batch per call / raw io_uring */
#define ROUNDS_APART         1.10   /* a figure's rounds disagree past this ratio */
#define GOAL_BATCH_FROM      32     /* ... at every batch of this size or more */
#define GOAL_BATCH_FROM_TEXT "32"
#define GOAL_VDSO_RATIO      1.00   /* pers-vdso / kernel-vdso clock_gettime: at or below */
/* The decomposition chart leaves out paths dearer than this many times the
 * cheapest one. */
#define DECOMPOSITION_SPREAD 10.0

static const unsigned batch_sizes[] = { BENCH_BATCH_SIZES };
static const char *const batch_ops[] = { BATCH_OPS };
#define NBATCH (sizeof batch_sizes / sizeof batch_sizes[0])
/* The batch entry's lanes, each with its two forced routes (direct, ring):
 * from i386 code, and by int $0x80 from 64-bit code, which needs no 32-bit
 * code and so is measured on every host. */
static const struct batch_lane {
	const char *name;
	const char *route[2];
} batch_lanes[] = {
	{ "i386 lane", { "pers-batch-direct", "pers-batch-uring" } },
	{ "x86-64 lane", { "pers-int80-64-batch-direct", "pers-int80-64-batch-uring" } },
};
#define NLANES (sizeof batch_lanes / sizeof batch_lanes[0])

static const struct run_row *ok_row(const struct run_table *t, const char *bench,
				    const char *path, unsigned batch)
{
	const struct run_row *r = table_find(t, bench, path, batch);
	return r && r->status == ROW_OK ? r : NULL;
}

static const char *mval(const struct meta *m, const char *key)
{
	const char *v = meta_get(m, key);
	return v && *v ? v : "unknown";
}

static void fmt_counter(char *out, size_t n, const struct counter_value *v)
{
	switch (v->state) {
	case COUNTER_OK:
		if (v->scale > 1.0005)
			bfmt(out, n, "%.4g (x%.2f)", v->per_call, v->scale);
		else
			bfmt(out, n, "%.4g", v->per_call);
		break;
	case COUNTER_UNSUPPORTED: bfmt(out, n, "unsupported"); break;
	case COUNTER_NOT_COUNTED: bfmt(out, n, "not counted"); break;
	default: bfmt(out, n, "-");
	}
}

/* Markdown cells must not hold a '|'. */
static void md_text(FILE *f, const char *s)
{
	for (; *s; s++)
		fputs(*s == '|' ? "\\|" : (char[]){ *s, 0 }, f);
}

static int path_order(const char *name)
{
	for (unsigned i = 0; i < bench_npaths; i++)
		if (!strcmp(bench_paths[i].name, name))
			return (int)i;
	return (int)bench_npaths;
}

/* Paths present in the table, in report order (the known ones first). */
static unsigned paths_present(const struct run_table *t, int batch, const char **out, unsigned max)
{
	unsigned n = 0;
	for (unsigned p = 0; p <= bench_npaths && n < max; p++)
		for (size_t i = 0; i < t->n && n < max; i++) {
			const struct run_row *r = &t->rows[i];
			const struct path_def *pd = path_find(r->path);
			if (path_order(r->path) != (int)p || (pd ? pd->batch : r->batch != 1) != batch)
				continue;
			int seen = 0;
			for (unsigned k = 0; k < n; k++)
				seen |= !strcmp(out[k], r->path);
			if (!seen)
				out[n++] = r->path;
		}
	return n;
}

static int path_present(const struct run_table *t, const char *path)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].path, path))
			return 1;
	return 0;
}

/* The batch lanes this run has rows of (in any state), into shown[]; where
 * it has none, the i386 lane, so that a table of raw io_uring alone still
 * shows which routes are missing. */
static unsigned lanes_shown(const struct run_table *t, const struct batch_lane **shown)
{
	unsigned n = 0;
	for (unsigned l = 0; l < NLANES; l++)
		if (path_present(t, batch_lanes[l].route[0]) || path_present(t, batch_lanes[l].route[1]))
			shown[n++] = &batch_lanes[l];
	if (!n)
		shown[n++] = &batch_lanes[0];
	return n;
}

static int bench_present(const struct run_table *t, const char *bench)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct path_def *pd = path_find(t->rows[i].path);
		if (!strcmp(t->rows[i].bench, bench) && !(pd && pd->batch))
			return 1;
	}
	return 0;
}

/* ---- decomposition: where a personality's null call goes ----------------- */

/* Every part is the difference of figures measured in the run, never a
 * guess: native trap = native null; mode switch = the bare round trip
 * (modeswitch gate); way in and out = the path's gate minus that round
 * trip (the personality's entry and exit, no native call); call inside a
 * switch = what a native call costs more when made inside a round trip
 * than alone (modeswitch null − modeswitch gate − native null: a floor of
 * the machine, no personality code); the row = what is left, the table's
 * dispatch and the row's own work. A 64-bit path (int $0x80 from x86-64
 * code) switches no mode: its switch parts are 0. A run without the
 * modeswitch null (before it was measured) has no call-inside-a-switch
 * part: the row takes it. */
struct decomposition {
	const char *path;
	double total, native_trap, mode_switch, way, switch_call, row;
	int switch_call_unmeasured;     /* a switching path, the run without modeswitch null */
};

static unsigned decompose(const struct run_table *t, struct decomposition *d)
{
	static const char *const pers[] = { "pers-sysinfo", "pers-startup", "pers-int80", "pers-int80-64",
					    "pers-int80-64-startup" };
	const struct run_row *native = ok_row(t, "null", "native", 1);
	const struct run_row *ms_gate = ok_row(t, "gate", "modeswitch", 1);
	const struct run_row *ms_null = ok_row(t, "null", "modeswitch", 1);
	unsigned n = 0;
	if (!native)
		return 0;
	for (unsigned i = 0; i < sizeof pers / sizeof pers[0]; i++) {
		const struct run_row *null = ok_row(t, "null", pers[i], 1);
		const struct run_row *gate = ok_row(t, "gate", pers[i], 1);
		/* i386 programs switch mode; x86-64 ones (program "64-...") do not */
		const struct path_def *pd = path_find(pers[i]);
		int switches = pd && !strncmp(pd->program, "i386", 4);
		if (!null || !gate || (switches && !ms_gate))
			continue;
		d[n].path = pers[i];
		d[n].total = null->ticks_median;
		d[n].native_trap = native->ticks_median;
		d[n].mode_switch = switches ? ms_gate->ticks_median : 0;
		d[n].way = gate->ticks_median - d[n].mode_switch;
		d[n].switch_call = switches && ms_null ?
			ms_null->ticks_median - ms_gate->ticks_median - native->ticks_median : 0;
		d[n].switch_call_unmeasured = switches && !ms_null;
		d[n].row = null->ticks_median - gate->ticks_median - native->ticks_median - d[n].switch_call;
		n++;
	}
	return n;
}

/* The crossover of one lane, in words: the smallest batch from which the
 * ring costs less than direct at that size and every larger one; where
 * there is none, whether raw io_uring itself ever does, which no route
 * through io_uring can improve on. Nothing where the lane was not measured;
 * the lane is named where the report shows more than one. */
static void crossover_line(FILE *f, const struct run_table *t, const char *op,
			   const struct batch_lane *lane, int name_lane)
{
	unsigned cross = 0, raw_wins = 0, measured = 0;
	char head[64];

	for (int z = (int)NBATCH - 1; z >= 0; z--) {
		const struct run_row *d = ok_row(t, op, lane->route[0], batch_sizes[z]);
		const struct run_row *r = ok_row(t, op, lane->route[1], batch_sizes[z]);
		if (!d || !r)
			break;
		measured++;
		if (r->ticks_median >= d->ticks_median)
			break;
		cross = batch_sizes[z];
	}
	for (unsigned z = 0; z < NBATCH; z++) {
		const struct run_row *d = ok_row(t, op, lane->route[0], batch_sizes[z]);
		const struct run_row *u = ok_row(t, op, "uring-raw", batch_sizes[z]);
		raw_wins += d && u && u->ticks_median < d->ticks_median;
	}
	if (!measured)
		return;
	if (name_lane)
		bfmt(head, sizeof head, "Crossover (%s):", lane->name);
	else
		bfmt(head, sizeof head, "Crossover:");
	if (!strcmp(op, "null"))
		fprintf(f, "%s not applicable. io_uring has no getppid: the ring route runs "
			"it direct, and raw io_uring's figure is a no-op.\n\n", head);
	else if (cross)
		fprintf(f, "%s the ring costs less than direct from batch %u on.\n\n", head, cross);
	else if (!raw_wins)
		fprintf(f, "%s none. The ring never costs less than direct here, and cannot: "
			"raw io_uring itself costs more per call than the direct route at every "
			"batch size, so on this host the table's direct route is the right one for "
			"%s.\n\n", head, op);
	else
		fprintf(f, "%s none at the largest batch. Raw io_uring beats direct at "
			"%u of %u sizes; the ring's own cost above it keeps the ring from doing "
			"so.\n\n", head, raw_wins, (unsigned)NBATCH);
}

/* ---- the stage timers: where the lane's call goes, measured inside it ------ */

/* The stages of one row (stages.csv), net of the stamp each one holds,
 * and the rest of the row's figure: the way to the lane and back, which
 * no stamp covers (the caller's call, the mode switch, the flags and
 * registers back), with the timers' own stamps outside the stages in it
 * (stages.inc: the bare stamps overlap other work, so how much of a stamp
 * each costs there is not known). Each stage is measured; only the rest
 * is a difference. */
struct stage_parts {
	double entry, call, exit, untimed;
};

static int stage_parts_of(const struct run_row *r, struct stage_parts *p)
{
	if (!r->stage_calls || r->status != ROW_OK)
		return 0;
	p->entry = r->stage_entry - r->stage_stamp;
	p->call = r->stage_call - r->stage_stamp;
	p->exit = r->stage_exit - r->stage_stamp;
	p->untimed = r->ticks_median - r->stage_entry - r->stage_call - r->stage_exit;
	return 1;
}

/* ---- charts ---------------------------------------------------------------- */

/* The head of a chart script: it draws NAME.svg first, then NAME.png
 * (gp_outputs) with the same plot. */
static void gp_common(FILE *g, const char *name)
{
	fprintf(g, "# generated by persona bench/report from runs.csv — do not edit\n"
		"set datafile separator \",\"\n"
		"set datafile columnheaders\n"
		"set grid ytics\n"
		"set key outside right top\n"
		/* Twelve distinct colours: one per path, none repeated. */
		"set linetype 1 lc rgb '#1f77b4'\nset linetype 2 lc rgb '#ff7f0e'\n"
		"set linetype 3 lc rgb '#2ca02c'\nset linetype 4 lc rgb '#d62728'\n"
		"set linetype 5 lc rgb '#9467bd'\nset linetype 6 lc rgb '#8c564b'\n"
		"set linetype 7 lc rgb '#e377c2'\nset linetype 8 lc rgb '#7f7f7f'\n"
		"set linetype 9 lc rgb '#bcbd22'\nset linetype 10 lc rgb '#17becf'\n"
		"set linetype 11 lc rgb '#000000'\nset linetype 12 lc rgb '#aec7e8'\n"
		"set linetype cycle 12\n"
		"set terminal svg size 1100,600 dynamic\nset output '%s.svg'\n", name);
}

/* The settings of a stacked bar chart of ticks per call (one bar a row). */
#define STACKED_BARS "set key below\nset xtics rotate by -20\n" \
	"set ylabel 'TSC ticks per call'\nset style data histograms\n" \
	"set style histogram rowstacked\nset style fill solid 0.85 border -1\n" \
	"set boxwidth 0.6\nset yrange [0:*]\n"

static void gp_outputs(FILE *g, const char *name)
{
	/* libgd's png terminal: pngcairo is not everywhere gnuplot is. */
	fprintf(g, "set terminal png size 1100,600\nset output '%s.png'\nreplot\nunset output\n", name);
}

/* Runs gnuplot on DIR/script; 0, or -1 with the reason in why. */
static int gnuplot(const char *dir, const char *script, char *why, size_t n)
{
	pid_t pid = fork();
	if (pid < 0) {
		bfmt(why, n, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (chdir(dir) == 0) {
			int null = open("/dev/null", O_WRONLY);
			if (null >= 0)
				dup2(null, 1);
			execlp("gnuplot", "gnuplot", script, (char *)NULL);
		}
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	bfmt(why, n, WIFEXITED(st) && WEXITSTATUS(st) == 127 ? "gnuplot not found" :
	     "gnuplot failed on %s", script);
	return -1;
}

/* Ends the chart script g (NAME.gp in dir: its PNG output), closes it and
 * runs gnuplot on it; a chart not drawn gets a line in notes. */
static void gp_draw(const char *dir, FILE *g, const char *name, char *notes, size_t nlen, size_t *used)
{
	char script[64], why[256];
	gp_outputs(g, name);
	fclose(g);
	bfmt(script, sizeof script, "%s.gp", name);
	if (gnuplot(dir, script, why, sizeof why))
		*used += (size_t)bfmt(notes + *used, nlen - *used, "- %s chart not drawn: %s\n", name, why);
}

static FILE *open_in(const char *dir, const char *name, const char *mode)
{
	char p[4200];
	bpath(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, mode);
	if (!f)
		fprintf(stderr, "persona report: %s: %s\n", p, strerror(errno));
	return f;
}

/* Draws the charts; notes what could not be drawn. */
static void charts(const char *dir, const struct run_table *t, char *notes, size_t nlen)
{
	const char *paths[BENCH_PATHS_MAX];
	size_t used = strlen(notes);
	FILE *g;

	/* 1. ticks per call, per path per benchmark, log scale. */
	unsigned np = paths_present(t, 0, paths, BENCH_PATHS_MAX);
	if (np && (g = open_in(dir, "ticks.gp", "w"))) {
		gp_common(g, "ticks");
		fputs("set title 'TSC ticks per call (median), per benchmark and path'\n"
		      "set ylabel 'TSC ticks per call (log)'\nset logscale y\n"
		      "set style fill solid 0.85 border -1\nset xtics nomirror\n", g);
		fputs("paths = \"", g);
		for (unsigned i = 0; i < np; i++)
			fprintf(g, "%s%s", i ? " " : "", paths[i]);
		fputs("\"\nbidx(s) = ", g);
		unsigned nb = 0;
		for (unsigned b = 0; b < bench_nsingles; b++)
			if (bench_present(t, bench_singles[b].name))
				fprintf(g, "s eq \"%s\" ? %u : ", bench_singles[b].name, nb++);
		fputs("NaN\nset xtics (", g);
		nb = 0;
		for (unsigned b = 0; b < bench_nsingles; b++)
			if (bench_present(t, bench_singles[b].name))
				fprintf(g, "%s\"%s\" %u", nb ? ", " : "", bench_singles[b].name, nb), nb++;
		fprintf(g, ")\nset xrange [-0.6:%u.6]\nw = 0.9 / words(paths)\nset boxwidth w\n", nb ? nb - 1 : 0);
		fputs("plot for [i=1:words(paths)] 'runs.csv' using "
		      "(bidx(strcol(\"bench\")) + (i - (words(paths) + 1) / 2.0) * w):"
		      "(strcol(\"path\") eq word(paths, i) && strcol(\"status\") eq \"ok\" && "
		      "column(\"batch\") == 1 ? column(\"ticks_median\") : NaN) "
		      "with boxes title word(paths, i)\n", g);
		gp_draw(dir, g, "ticks", notes, nlen, &used);
	}

	/* 2. ticks per call against batch size, per route, with raw io_uring. */
	int any_batch = 0;
	for (size_t i = 0; i < t->n; i++)
		any_batch |= t->rows[i].status == ROW_OK && path_find(t->rows[i].path) &&
			     path_find(t->rows[i].path)->batch;
	if (any_batch && (g = open_in(dir, "batch.gp", "w"))) {
		gp_common(g, "batch");
		fputs("set title 'Per-call cost against batch size (TSC ticks = reference cycles)'\n"
		      "set xlabel 'batch size (calls per entry)'\nset ylabel 'TSC ticks per call (log)'\n"
		      "set logscale x 2\nset logscale y\nset xrange [0.8:160]\nroutes = \"", g);
		const struct batch_lane *shown[NLANES];
		unsigned nshown = lanes_shown(t, shown);
		for (unsigned l = 0; l < nshown; l++)
			fprintf(g, "%s %s ", shown[l]->route[0], shown[l]->route[1]);
		fputs("uring-raw\"\nops = \"", g);
		for (unsigned o = 0; o < sizeof batch_ops / sizeof batch_ops[0]; o++)
			fprintf(g, "%s%s", o ? " " : "", batch_ops[o]);
		fputs("\"\nn = words(ops)\n"
		      "plot for [k=0:words(routes)*n-1] 'runs.csv' using "
		      "(strcol(\"path\") eq word(routes, k/n+1) && strcol(\"bench\") eq word(ops, k%n+1) && "
		      "strcol(\"status\") eq \"ok\" ? column(\"batch\") : NaN):(column(\"ticks_median\")) "
		      "with linespoints lw 2 title word(routes, k/n+1).' '.word(ops, k%n+1)\n", g);
		gp_draw(dir, g, "batch", notes, nlen, &used);
	} else if (!any_batch) {
		used += (size_t)bfmt(notes + used, nlen - used,
				     "- batch chart not drawn: no batch figure in this run\n");
	}

	/* 3. the decomposition of the personality's null call. */
	struct decomposition d[8];
	unsigned nd = decompose(t, d);
	if (nd && (g = open_in(dir, "decomposition.csv", "w"))) {
		/* A linear scale: a path ten times dearer than the cheapest (a
		 * reflected one) would flatten the rest; the report's table has
		 * every path. */
		double least = d[0].total;
		for (unsigned i = 1; i < nd; i++)
			if (d[i].total < least)
				least = d[i].total;
		fputs("path,native_trap,mode_switch,way,switch_call,row,total\n", g);
		for (unsigned i = 0; i < nd; i++)
			if (d[i].total <= DECOMPOSITION_SPREAD * least)
				fprintf(g, "%s,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f\n", d[i].path, d[i].native_trap,
					d[i].mode_switch, d[i].way, d[i].switch_call, d[i].row, d[i].total);
		fclose(g);
		if ((g = open_in(dir, "decomposition.gp", "w"))) {
			gp_common(g, "decomposition");
			fputs("set title 'The personality null call, each part from figures of this run'\n"
			      STACKED_BARS
			      "plot 'decomposition.csv' using 2:xtic(1) title 'native trap (native null)', "
			      "'' using 3 title 'mode switch (modeswitch gate)', "
			      "'' using ($4 > 0 ? $4 : 0) title 'way in and out (gate - modeswitch gate)', "
			      "'' using ($5 > 0 ? $5 : 0) title 'call inside a switch (modeswitch null - gate - native)', "
			      "'' using ($6 > 0 ? $6 : 0) title 'dispatch and row (the rest)'\n", g);
			gp_draw(dir, g, "decomposition", notes, nlen, &used);
		}
	} else if (!nd) {
		used += (size_t)bfmt(notes + used, nlen - used,
				     "- decomposition chart not drawn: it needs the null and gate figures "
				     "of a personality path and the native null\n");
	}

	/* 4. the stage timers of the stages paths. */
	unsigned ns = 0;
	if ((g = open_in(dir, "stages-chart.csv", "w"))) {
		struct stage_parts sp;
		fputs("row,entry,call,exit,untimed\n", g);
		for (size_t i = 0; i < t->n; i++)
			if (stage_parts_of(&t->rows[i], &sp))
				fprintf(g, "%s %s,%.2f,%.2f,%.2f,%.2f\n", t->rows[i].path, t->rows[i].bench,
					sp.entry, sp.call, sp.exit, sp.untimed), ns++;
		fclose(g);
	}
	if (ns && (g = open_in(dir, "stages.gp", "w"))) {
		gp_common(g, "stages");
		fputs("set title 'Inside the express lane: each stage measured by TSC stamps (net of a stamp)'\n"
		      STACKED_BARS
		      "plot 'stages-chart.csv' using ($2 > 0 ? $2 : 0):xtic(1) title 'entry (gate to syscall)', "
		      "'' using ($3 > 0 ? $3 : 0) title 'the system call (kernel)', "
		      "'' using ($4 > 0 ? $4 : 0) title 'exit (syscall to the way out)', "
		      "'' using ($5 > 0 ? $5 : 0) title 'untimed: caller, mode switch, way back, other stamps'\n", g);
		gp_draw(dir, g, "stages", notes, nlen, &used);
	}
}

/* ---- the report ------------------------------------------------------------- */

void report_lmbench_lines(const struct run_table *t, FILE *f)
{
	for (unsigned b = 0; b < bench_nsingles; b++) {
		const struct run_row *r = ok_row(t, bench_singles[b].name, "native", 1);
		if (r && bench_singles[b].lmbench && !isnan(r->ns_median))
			fprintf(f, "%s: %.4f microseconds\n", bench_singles[b].lmbench, r->ns_median / 1000);
	}
}

static void ratio_cell(FILE *f, double v)
{
	if (isnan(v))
		fputs(" - |", f);
	else
		fprintf(f, " %.2f |", v);
}

static void bench_table(FILE *f, const struct run_table *t, const char *bench)
{
	const char *paths[BENCH_PATHS_MAX];
	unsigned np = paths_present(t, 0, paths, BENCH_PATHS_MAX);
	fputs("| path | status | median ticks | min | p99 | ns | x native |", f);
	for (unsigned k = 0; k < t->ncounters; k++)
		fprintf(f, " %s /call |", t->counter[k]);
	fputs("\n|---|---|---:|---:|---:|---:|---:|", f);
	for (unsigned k = 0; k < t->ncounters; k++)
		fputs("---:|", f);
	fputc('\n', f);
	for (unsigned p = 0; p < np; p++) {
		const struct run_row *r = table_find(t, bench, paths[p], 1);
		if (!r)
			continue;
		fprintf(f, "| %s | %s |", r->path, row_status_name(r->status));
		if (r->status != ROW_OK) {
			fputs(" - | - | - | - | - |", f);
			for (unsigned k = 0; k < t->ncounters; k++)
				fputs(" - |", f);
			fputc('\n', f);
			continue;
		}
		fprintf(f, " %.1f | %.1f | %.1f |", r->ticks_median, r->ticks_min, r->ticks_p99);
		if (isnan(r->ns_median))
			fputs(" - |", f);
		else
			fprintf(f, " %.1f |", r->ns_median);
		ratio_cell(f, r->ratio_native);
		for (unsigned k = 0; k < t->ncounters; k++) {
			char c[64];
			fmt_counter(c, sizeof c, &r->counter[k]);
			fprintf(f, " %s |", c);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
}

/* The median of each of a row's rounds (samples.csv keeps its repetitions
 * in the order they ran, round after round); how many there are: 0 where
 * the run has one round, or the row no samples that split into rounds. */
static unsigned round_medians(const struct run_row *r, unsigned rounds, double *med, unsigned max)
{
	if (!r || r->status != ROW_OK || rounds < 2 || rounds > max || !r->nsamples ||
	    r->nsamples % rounds)
		return 0;
	unsigned k = r->nsamples / rounds;
	for (unsigned q = 0; q < rounds; q++) {
		double part[ROW_SAMPLES_MAX];
		struct bench_stats st;
		memcpy(part, r->samples + q * k, k * sizeof part[0]);
		stats_compute(part, k, &st);
		med[q] = st.median;
	}
	return rounds;
}

#define ROUNDS_MAX 16

/* A goal's figure from rows of the run: (sum of sign[i] * row[i]) / den,
 * in ticks: a ratio of two paths (one term), or what a path adds above a
 * floor (the floor's rows subtracted). A missing row: no figure. */
struct goal_fig {
	unsigned n;
	const struct run_row *row[3];
	double sign[3];
	const struct run_row *den;
};
#define GOAL_RATIO(a, b)            ((struct goal_fig){ 1, { (a) }, { 1 }, (b) })
#define GOAL_ABOVE(path, floor, d)  ((struct goal_fig){ 2, { (path), (floor) }, { 1, -1 }, (d) })

static int goal_rows_ok(const struct goal_fig *g)
{
	for (unsigned i = 0; i < g->n; i++)
		if (!g->row[i] || g->row[i]->status != ROW_OK)
			return 0;
	return g->den && g->den->status == ROW_OK && g->den->ticks_median > 0;
}

/* The figure from every repetition's median (q < 0), or from round q's. */
static double goal_value(const struct goal_fig *g, int q, double (*med)[ROUNDS_MAX])
{
	double num = 0;
	for (unsigned i = 0; i < g->n; i++)
		num += g->sign[i] * (q < 0 ? g->row[i]->ticks_median : med[i][q]);
	double den = q < 0 ? g->den->ticks_median : med[g->n][q];
	return den > 0 ? num / den : NAN;
}

/* One line of the goal table: the figure from all repetitions, and where
 * the run was made in rounds, the same figure in each round (the paths'
 * rounds ran in the same sweep, so each round pairs them in time) and in
 * how many of them it was met: on a shared host a figure near its limit
 * can fall on either side, and the rounds show how firmly. */
static void goal_line(FILE *f, unsigned rounds, const char *what, struct goal_fig g, double limit,
		      int below_is_met, const char *missing)
{
	fprintf(f, "| %s | ", what);
	if (!goal_rows_ok(&g)) {
		fprintf(f, "not measured (%s) | - |\n", missing);
		return;
	}
	/* each term's round medians, then the denominator's */
	double value = goal_value(&g, -1, NULL), med[sizeof g.row / sizeof g.row[0] + 1][ROUNDS_MAX];
	unsigned have = rounds;
	for (unsigned i = 0; i <= g.n; i++)
		if (round_medians(i < g.n ? g.row[i] : g.den, rounds, med[i], ROUNDS_MAX) != rounds)
			have = 0;
#define GOAL_MET(v) (below_is_met ? (v) <= limit : (v) >= limit)
	fprintf(f, "%.3f (goal %s %.2f", value, below_is_met ? "<=" : ">=", limit);
	unsigned met = 0;
	for (unsigned q = 0; q < have; q++) {
		double v = goal_value(&g, (int)q, med);
		met += GOAL_MET(v);
		fprintf(f, "%s%.3f", q ? " / " : "; each round ", v);
	}
	fprintf(f, ") | %s", GOAL_MET(value) ? "met" : "not met");
	if (have)
		fprintf(f, " (met in %u of %u rounds)", met, have);
	fputs(" |\n", f);
#undef GOAL_MET
}

/* Why a goal over paths a and b has no figure: the host lacks what one of
 * them needs, or else the rows are missing. */
static const char *why_missing(const struct run_table *t, const char *a, const char *b, const char *otherwise)
{
	static char why[256];
	const char *paths[] = { a, b };

	for (unsigned k = 0; k < 2; k++)
		for (size_t i = 0; i < t->n; i++)
			if (!strcmp(t->rows[i].path, paths[k]) && t->rows[i].status == ROW_NA &&
			    !strncmp(t->rows[i].reason, "this host lacks", 15)) {
				const struct path_def *d = path_find(paths[k]);
				bfmt(why, sizeof why, "not measurable on this host: %s needs %s", paths[k],
				     d && d->needs ? d->needs : "what it lacks");
				return why;
			}
	return otherwise;
}

static double ratio_of(const struct run_table *t, const char *bench, const char *a, const char *b,
		       unsigned batch_a, unsigned batch_b)
{
	const struct run_row *x = ok_row(t, bench, a, batch_a), *y = ok_row(t, bench, b, batch_b);
	return x && y && y->ticks_median > 0 ? x->ticks_median / y->ticks_median : NAN;
}

/* A batch route's goal line: its per-call cost within 10% of raw io_uring
 * doing the same operation at the same batch size. */
static void batch_goal_line(FILE *f, const struct run_table *t, const char *op, const char *route)
{
	char what[160], sizes[128] = "";
	size_t used = 0;
	double best = NAN;
	unsigned best_at = 0, measured = 0, met = 0, large = 0, large_met = 0;
	for (unsigned s = 0; s < NBATCH; s++) {
		double r = ratio_of(t, op, route, "uring-raw",
				    batch_sizes[s], batch_sizes[s]);
		if (isnan(r))
			continue;
		measured++;
		large += batch_sizes[s] >= GOAL_BATCH_FROM;
		if (isnan(best) || r < best)
			best = r, best_at = batch_sizes[s];
		if (r <= GOAL_BATCH_MARGIN && ++met) {
			large_met += batch_sizes[s] >= GOAL_BATCH_FROM;
			used += (size_t)bfmt(sizes + used, sizeof sizes - used, "%s%u",
					     used ? ", " : "", batch_sizes[s]);
		}
	}
	bfmt(what, sizeof what, "batch %s per call, %s / raw io_uring (within 10%%)",
	     op, route);
	if (!measured)
		fprintf(f, "| %s | not measured (%s) | - |\n", what,
			why_missing(t, route, "uring-raw", "rows missing"));
	else
		fprintf(f, "| %s | best %.3f at batch %u; within 10%% at: %s | %s |\n", what,
			best, best_at, used ? sizes : "no size",
			met == measured ? "met at every size" :
			large && large_met == large ? "met at every batch from " GOAL_BATCH_FROM_TEXT :
			used ? "met at some sizes" : "not met");
}

/* How the image's C code returns (RETURNS=jmp or ret: Makefile; why:
 * personality/asm/return_thunk.asm): the run's image against the same image
 * built the other way (the -ret paths), per lane and bench, with each
 * round's ratio where the run was made in rounds. */
static void returns_lines(FILE *f, const struct run_table *t, const struct meta *m, unsigned rounds)
{
	static const struct { const char *path, *ret, *lane; } lanes[] = {
		{ "pers-startup", "pers-startup-ret", "the i386 lane" },
		{ "pers-int80-64-startup", "pers-int80-64-ret", "the x86-64 lane" },
	};
	static const char *const benches[] = { "null", "read", "write", "stat", "fstat", "openclose" };
	const char *built = meta_get(m, "build.returns");

	for (unsigned l = 0; l < sizeof lanes / sizeof lanes[0]; l++) {
		unsigned shown = 0;
		for (unsigned b = 0; b < sizeof benches / sizeof benches[0]; b++) {
			const struct run_row *per = ok_row(t, benches[b], lanes[l].path, 1);
			const struct run_row *ret = ok_row(t, benches[b], lanes[l].ret, 1);
			double pm[ROUNDS_MAX], rm[ROUNDS_MAX];
			if (!per || !ret)
				continue;
			if (!shown++)
				fprintf(f, "\nThe image's C code returns by %s (built with RETURNS=%s); the same "
					"image built the other way, per call, in %s (%s / %s; below 1 the image as "
					"built costs less):",
					built && !strcmp(built, "ret") ? "ret" : built ? "jumps" : "the way it was built",
					built ? built : "unknown", lanes[l].lane, lanes[l].path, lanes[l].ret);
			fprintf(f, "%s %s %.3f", shown > 1 ? ";" : "", benches[b], per->ticks_median / ret->ticks_median);
			unsigned np = round_medians(per, rounds, pm, ROUNDS_MAX);
			if (np && round_medians(ret, rounds, rm, ROUNDS_MAX) == np) {
				fputs(" (each round", f);
				for (unsigned q = 0; q < np; q++)
					fprintf(f, "%s%.3f", q ? " / " : " ", pm[q] / rm[q]);
				fputc(')', f);
			}
		}
		if (shown)
			fputs(".\n", f);
	}
}

int report_write(const char *dir, const struct run_table *t, const struct meta *m)
{
	char notes[4096] = "";
	charts(dir, t, notes, sizeof notes);
	FILE *f = open_in(dir, "report.md", "w");
	if (!f)
		return -1;

	fprintf(f, "# persona benchmarks: %s, %s\n\n", mval(m, "host"), mval(m, "date"));
	fputs("## The machine and the run\n\n", f);
	fprintf(f, "- CPU: %s (%s online; children pinned to CPU %s)\n", mval(m, "cpu_model"),
		mval(m, "cpus_online"), mval(m, "cpu_pinned"));
	fprintf(f, "- kernel: %s; boot parameters that matter: %s\n", mval(m, "kernel"),
		mval(m, "kernel_boot_params"));
	double hz = meta_get(m, "tsc_hz") ? strtod(meta_get(m, "tsc_hz"), NULL) : 0;
	fprintf(f, "- TSC: %.3f MHz, measured against CLOCK_MONOTONIC_RAW (%s)\n", hz / 1e6,
		mval(m, "tsc_flags"));
	fputs("- mitigations:", f);
	int affected = 0;
	for (unsigned i = 0; i < m->n; i++)
		if (!strncmp(m->key[i], "vuln.", 5) && strcmp(m->val[i], "Not affected")) {
			fprintf(f, "%s %s: %s", affected ? ";" : "", m->key[i] + 5, m->val[i]);
			affected = 1;
		}
	fputs(affected ? " (all others: Not affected)\n" : " none reported\n", f);
	fprintf(f, "- command: `%s`\n", mval(m, "command"));
	fprintf(f, "- git revision: %s\n", mval(m, "git_revision"));
	fprintf(f, "- compiler: %s; benchmark flags: `%s`\n", mval(m, "build.cc"), mval(m, "build.cflags"));
	fprintf(f, "- method: each figure is the median of %s repetitions of at least %s ms each, "
		"taken in %s round(s): one process per figure a round, every figure in turn, so that "
		"a slow spell of the host meets the paths alike; in each, after calibration and a "
		"warm-up, TSC ticks read with `lfence; rdtscp`, timer "
		"and loop overhead subtracted; min and p99 beside it. Ratios are against the "
		"`native` row of this run.\n", mval(m, "repetitions"), mval(m, "min_ms_per_repetition"),
		meta_get(m, "rounds") ? meta_get(m, "rounds") : "1");   /* runs before rounds: one */
	fprintf(f, "- counters (libpfm4 event strings, kernel+user, attached to the measured "
		"process and enabled only around one extra repetition; per call; multiplexing "
		"scale in parentheses when not 1): %s\n\n", mval(m, "events"));

	/* What the host lacks, once: the paths that need it are `na`. */
	int lacking = 0;
	for (unsigned i = 0; i < m->n; i++)
		if (!strncmp(m->key[i], "host.", 5) && strncmp(m->val[i], "yes", 3)) {
			if (!lacking++)
				fputs("## What this host cannot do\n\n"
				      "Paths that need it are `na` below, and goals that rest on them are not measured "
				      "(`persona doctor` probes each capability):\n\n", f);
			fprintf(f, "- `%s`: ", m->key[i] + 5);
			md_text(f, m->val[i]);
			fputs(" — not measured here:", f);
			for (unsigned p = 0; p < bench_npaths; p++) {
				const char *n = bench_paths[p].needs;
				size_t len = strlen(m->key[i] + 5);
				for (; n && *n; n += strcspn(n, ",") + (n[strcspn(n, ",")] == ','))
					if (strcspn(n, ",") == len && !strncmp(n, m->key[i] + 5, len)) {
						fprintf(f, " %s", bench_paths[p].name);
						break;
					}
			}
			fputc('\n', f);
		}
	if (lacking)
		fputc('\n', f);

	fputs("## Paths\n\n| path | what runs |\n|---|---|\n", f);
	for (unsigned p = 0; p < bench_npaths; p++) {
		fprintf(f, "| %s | ", bench_paths[p].name);
		md_text(f, bench_paths[p].what);
		fputs(" |\n", f);
	}
	fputc('\n', f);

	/* Summary: x native per bench per path. */
	const char *paths[BENCH_PATHS_MAX];
	unsigned np = paths_present(t, 0, paths, BENCH_PATHS_MAX);
	fputs("## Ratios to native (median ticks per call / native's)\n\n| bench |", f);
	for (unsigned p = 0; p < np; p++)
		fprintf(f, " %s |", paths[p]);
	fputs("\n|---|", f);
	for (unsigned p = 0; p < np; p++)
		fputs("---:|", f);
	fputc('\n', f);
	for (unsigned b = 0; b < bench_nsingles; b++) {
		if (!bench_present(t, bench_singles[b].name))
			continue;
		fprintf(f, "| %s |", bench_singles[b].name);
		for (unsigned p = 0; p < np; p++) {
			const struct run_row *r = table_find(t, bench_singles[b].name, paths[p], 1);
			if (!r || r->status != ROW_OK)
				fprintf(f, " %s |", r ? row_status_name(r->status) : "");
			else if (isnan(r->ratio_native))
				fprintf(f, " %.0f ticks |", r->ticks_median);
			else
				fprintf(f, " %.2f |", r->ratio_native);
		}
		fputc('\n', f);
	}
	fputs("\n![ticks per call](ticks.svg)\n\n", f);

	for (unsigned b = 0; b < bench_nsingles; b++) {
		if (!bench_present(t, bench_singles[b].name))
			continue;
		fprintf(f, "## %s: %s\n\n", bench_singles[b].name, bench_singles[b].what);
		bench_table(f, t, bench_singles[b].name);
	}

	/* The threads benchmarks: one line per thread count. */
	for (unsigned b = 0; b < bench_nsingles; b++) {
		static const unsigned threads[] = { BENCH_MT_THREADS };
		const char *name = bench_singles[b].name;
		if (!bench_singles[b].threads || !bench_present(t, name))
			continue;
		fprintf(f, "### %s by thread count\n\n"
			"Wall TSC ticks per call, all threads together (median): on separate CPUs a "
			"path that threads do not slow halves it with each doubling; more threads than "
			"CPUs keep it flat.\n\n| threads | native | pers-sysinfo | pers-sysinfo / native |\n"
			"|---:|---:|---:|---:|\n", name);
		for (unsigned s = 0; s < sizeof threads / sizeof threads[0]; s++) {
			const struct run_row *n = ok_row(t, name, "native", threads[s]);
			const struct run_row *p = ok_row(t, name, "pers-sysinfo", threads[s]);
			fprintf(f, "| %u |", threads[s]);
			if (n)
				fprintf(f, " %.1f |", n->ticks_median);
			else
				fputs(" - |", f);
			if (p)
				fprintf(f, " %.1f |", p->ticks_median);
			else
				fputs(" - |", f);
			if (n && p && n->ticks_median > 0)
				fprintf(f, " %.2f |\n", p->ticks_median / n->ticks_median);
			else
				fputs(" - |\n", f);
		}
		fputc('\n', f);
	}

	/* The batch curve. */
	int any_batch = 0;
	for (size_t i = 0; i < t->n; i++)
		any_batch |= path_find(t->rows[i].path) && path_find(t->rows[i].path)->batch;
	if (any_batch) {
		fputs("## Batch: per-call cost against batch size\n\n"
		      "TSC ticks per call (median); in parentheses the ratio to raw io_uring doing the "
		      "same operations at the same batch size. null = getppid in the personality's "
		      "batch, a no-op (IORING_OP_NOP) on the raw ring; write = 1 byte to /dev/null.\n\n", f);
		const struct batch_lane *shown[NLANES];
		unsigned nshown = lanes_shown(t, shown);
		for (unsigned o = 0; o < sizeof batch_ops / sizeof batch_ops[0]; o++) {
			fprintf(f, "### %s\n\n| batch |", batch_ops[o]);
			for (unsigned l = 0; l < nshown; l++)
				fprintf(f, " %s | %s |", shown[l]->route[0], shown[l]->route[1]);
			fputs(" uring-raw |\n|---:|", f);
			for (unsigned l = 0; l < nshown; l++)
				fputs("---:|---:|", f);
			fputs("---:|\n", f);
			for (unsigned s = 0; s < NBATCH; s++) {
				fprintf(f, "| %u |", batch_sizes[s]);
				const struct run_row *u = ok_row(t, batch_ops[o], "uring-raw", batch_sizes[s]);
				for (unsigned rt = 0; rt < 2 * nshown + 1; rt++) {
					const char *path = rt < 2 * nshown ? shown[rt / 2]->route[rt % 2] : "uring-raw";
					const struct run_row *r = table_find(t, batch_ops[o], path, batch_sizes[s]);
					if (!r || r->status != ROW_OK)
						fprintf(f, " %s |", r ? row_status_name(r->status) : "-");
					else if (rt < 2 * nshown && u && u->ticks_median > 0)
						fprintf(f, " %.1f (%.2f) |", r->ticks_median,
							r->ticks_median / u->ticks_median);
					else
						fprintf(f, " %.1f |", r->ticks_median);
				}
				fputc('\n', f);
			}
			fputc('\n', f);
			for (unsigned l = 0; l < nshown; l++)
				crossover_line(f, t, batch_ops[o], shown[l], nshown > 1);
		}
		fputs("![batch curve](batch.svg)\n\n", f);
	}

	/* The decomposition. */
	struct decomposition d[8];
	unsigned nd = decompose(t, d);
	fputs("## Where the personality's null call goes\n\n"
	      "Each part is a difference of figures measured in this run: native trap = native null; "
	      "mode switch = the bare 64→32→64 round trip (modeswitch gate); way in and out = the "
	      "path's gate benchmark (entering and leaving the personality, no native call) minus "
	      "that round trip; call inside a switch = modeswitch null − modeswitch gate − native "
	      "null, what the machine charges more for a native call made inside a round trip than "
	      "for the two apart (no personality code runs there; runs before modeswitch null "
	      "returned by a jump had a ret after its syscall in it); dispatch and row = the path's "
	      "null minus all of these. Paths from x86-64 code switch no mode.\n\n", f);
	if (nd) {
		fputs("| path | null (total) | native trap | mode switch | way in and out | call inside a switch | "
		      "dispatch and row |\n|---|---:|---:|---:|---:|---:|---:|\n", f);
		for (unsigned i = 0; i < nd; i++) {
			char call[32];
			if (d[i].switch_call_unmeasured)
				bfmt(call, sizeof call, "not measured");
			else
				bfmt(call, sizeof call, "%.1f", d[i].switch_call);
			fprintf(f, "| %s | %.1f | %.1f | %.1f | %.1f | %s | %.1f |\n", d[i].path, d[i].total,
				d[i].native_trap, d[i].mode_switch, d[i].way, call, d[i].row);
		}
		fprintf(f, "\n![decomposition](decomposition.svg)\n\n(The chart, on a linear scale, "
			"leaves out paths dearer than %.0f times the cheapest.)\n\n", DECOMPOSITION_SPREAD);
	} else {
		fputs("Not available in this run: it needs the null and gate figures of a personality "
		      "path and the native null.\n\n", f);
	}

	/* The stage timers. */
	{
		const struct run_row *native = ok_row(t, "null", "native", 1);
		struct stage_parts sp;
		unsigned ns = 0;
		fputs("## Inside the lanes: the stage timers\n\n"
		      "The paths on the stages image (pers-stages, pers-int80-64-stages) time each call the "
		      "express lane runs by a row's asm fast path with TSC stamps (bare rdtsc; "
		      "personality/asm/stages.inc): *entry* from the gate's first 64-bit instruction to the "
		      "`syscall`, *call* the `syscall` instruction itself (the kernel), *exit* from there to "
		      "the lane about to restore the caller's flags and registers. Each stage holds one "
		      "stamp, measured beside them (*stamp*); *net* is a stage less it. *Untimed* is the rest "
		      "of the row's own figure, a difference: the caller's call, the mode switch and the way "
		      "back, and the timers' other stamps. The timers make these rows dearer than their paths "
		      "without them; compare the nets, not the totals.\n\n", f);
		for (size_t i = 0; i < t->n; i++) {
			const struct run_row *r = &t->rows[i];
			if (!stage_parts_of(r, &sp))
				continue;
			if (!ns++)
				fputs("| path | bench | figure | stamp | entry net | call net (kernel) | exit net | "
				      "untimed | (entry + exit net) / native null |\n"
				      "|---|---|---:|---:|---:|---:|---:|---:|---:|\n", f);
			fprintf(f, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | ", r->path, r->bench,
				r->ticks_median, r->stage_stamp, sp.entry, sp.call, sp.exit, sp.untimed);
			if (native && native->ticks_median > 0)
				fprintf(f, "%.3f |\n", (sp.entry + sp.exit) / native->ticks_median);
			else
				fputs("no native null |\n", f);
		}
		if (ns) {
			if (native)
				fprintf(f, "\nFor the call net: native null of this run, the whole loop of a "
					"`syscall`, %.1f ticks. Where a row's call net stands well above it, the "
					"kernel took longer for the same call in that process.\n\n", native->ticks_median);
			fputs("![stages](stages.svg)\n\n", f);
		} else {
			fputs("Not in this run: no path on the stages image ran (they need the stages variant: "
			      "`make bench-variants`).\n\n", f);
		}
	}

	/* The goals, from this run. */
	const char *rounds_v = meta_get(m, "rounds");
	unsigned rounds = rounds_v ? (unsigned)strtoul(rounds_v, NULL, 10) : 1;
	fputs("## Goals\n\nEach figure is from all repetitions; in a run made in rounds, also the same "
	      "figure from each round's repetitions alone (the paths' rounds ran in the same sweep), "
	      "and in how many rounds the goal was met.\n\n"
	      "| goal | this run | status |\n|---|---|---|\n", f);
	goal_line(f, rounds, "null call, pers-sysinfo / native",
		  GOAL_RATIO(ok_row(t, "null", "pers-sysinfo", 1), ok_row(t, "null", "native", 1)),
		  GOAL_SYSINFO_RATIO, 1, why_missing(t, "pers-sysinfo", "native", "pers-sysinfo or native null missing"));
	/* The floor-relative goal per call: what the personality adds above
	 * native + the bare mode switch, as a fraction of native. The mode
	 * switch alone is CPU-dependent (a quarter to three quarters of a
	 * system call), so the plain ratio above cannot be met on a CPU whose
	 * round trip costs more than a quarter of native; this one can. */
	/* pers-startup is the same goal with --reflect=startup (SUD disarmed
	 * once start-up is over): what the armed guard costs shows as the
	 * difference between the two rows of one benchmark. */
	{
		static const char *const floor_benches[] = { "null", "read", "write", "fstat" };
		const struct run_row *ms = table_find(t, "gate", "modeswitch", 1);
		for (unsigned pi = 0; pi < sizeof floor_paths / sizeof floor_paths[0]; pi++)
			for (unsigned b = 0; b < sizeof floor_benches / sizeof floor_benches[0]; b++) {
				const char *path = floor_paths[pi];
				const struct run_row *nat = table_find(t, floor_benches[b], "native", 1);
				const struct run_row *per = table_find(t, floor_benches[b], path, 1);
				char what[160], missing[96];
				if (pi > 0 && !per)
					continue;       /* a run from before the path, or not asked for */
				bfmt(what, sizeof what, "%s, (%s − (native + modeswitch)) / native",
				     floor_benches[b], path);
				bfmt(missing, sizeof missing, "%s, native or the modeswitch gate missing", path);
				struct goal_fig g = { 3, { per, nat, ms }, { 1, -1, -1 }, nat };
				goal_line(f, rounds, what, g, GOAL_FLOOR_FRACTION, 1,
					  why_missing(t, path, "modeswitch", missing));
			}
	}
	/* The same null-call goal against the floor measured with the call in
	 * it (modeswitch null): what the personality alone adds. */
	{
		const struct run_row *nat = ok_row(t, "null", "native", 1);
		const struct run_row *msn = ok_row(t, "null", "modeswitch", 1);
		for (unsigned pi = 0; msn && nat && pi < sizeof floor_paths / sizeof floor_paths[0]; pi++) {
			const struct run_row *per = ok_row(t, "null", floor_paths[pi], 1);
			char what[160];
			if (!per)
				continue;
			bfmt(what, sizeof what, "null, (%s − modeswitch null) / native: above the measured floor "
			     "with the call", floor_paths[pi]);
			goal_line(f, rounds, what, GOAL_ABOVE(per, msn, nat), GOAL_FLOOR_FRACTION, 1, "");
		}
	}
	/* And against the floor measured in the same kind of process: the
	 * i386 program making the switch and the call itself, under the same
	 * persona run --reflect=startup (modeswitch-i386). Where the kernel
	 * takes longer for the calls of a process that runs 32-bit code, this
	 * floor carries that too, and only the personality's own work is left. */
	{
		static const char *const own_benches[] = { "null", "read", "write" };
		for (unsigned b = 0; b < sizeof own_benches / sizeof own_benches[0]; b++) {
			const char *bench = own_benches[b];
			if (!table_find(t, bench, "modeswitch-i386", 1))
				continue;       /* a run from before the path */
			const struct run_row *nat = ok_row(t, bench, "native", 1);
			const struct run_row *own = ok_row(t, bench, "modeswitch-i386", 1);
			const struct run_row *per = ok_row(t, bench, "pers-startup", 1);
			char what[200], missing[96];
			bfmt(what, sizeof what, "%s, (pers-startup − modeswitch-i386) / native: above the same "
			     "switch and call made by the i386 program itself", bench);
			bfmt(missing, sizeof missing, "pers-startup, modeswitch-i386 or native %s missing", bench);
			goal_line(f, rounds, what, GOAL_ABOVE(per, own, nat), GOAL_FLOOR_FRACTION, 1,
				  why_missing(t, "pers-startup", "modeswitch-i386", missing));
		}
	}
	goal_line(f, rounds, "null call, pers-int80-64 / native",
		  GOAL_RATIO(ok_row(t, "null", "pers-int80-64", 1), ok_row(t, "null", "native", 1)),
		  GOAL_INT80_64_RATIO, 1, why_missing(t, "pers-int80-64", "native", "pers-int80-64 or native null missing"));
	if (table_find(t, "null", "pers-int80-64-startup", 1))
		goal_line(f, rounds, "null call, pers-int80-64-startup / native",
			  GOAL_RATIO(ok_row(t, "null", "pers-int80-64-startup", 1), ok_row(t, "null", "native", 1)),
			  GOAL_INT80_64_RATIO, 1,
			  why_missing(t, "pers-int80-64-startup", "native", "pers-int80-64-startup or native null missing"));
	/* The x86-64 lane (int $0x80 from 64-bit code) switches no mode, so its
	 * floor is the native call itself, on every host, one that runs no
	 * 32-bit code included: the personality's own entry, dispatch and
	 * converters with every row that can take the asm fast path on it
	 * (pers-int80-64-asm: fstat64 and stat64 through their asm converter). */
	{
		static const char *const lane_benches[] = { "null", "read", "write", "stat", "fstat" };
		for (unsigned b = 0; b < sizeof lane_benches / sizeof lane_benches[0]; b++) {
			const char *bench = lane_benches[b];
			const struct run_row *nat = ok_row(t, bench, "native", 1);
			const struct run_row *lane = ok_row(t, bench, "pers-int80-64-asm", 1);
			char what[200], missing[96];
			if (!table_find(t, bench, "pers-int80-64-asm", 1))
				continue;       /* a run from before the path, or not asked for */
			bfmt(what, sizeof what, "%s, (pers-int80-64-asm − native) / native: the x86-64 lane, "
			     "no mode switch, every row it can on the asm path", bench);
			bfmt(missing, sizeof missing, "pers-int80-64-asm or native %s missing", bench);
			goal_line(f, rounds, what, GOAL_ABOVE(lane, nat, nat), GOAL_FLOOR_FRACTION, 1,
				  why_missing(t, "pers-int80-64-asm", "native", missing));
		}
	}
	goal_line(f, rounds, "null call, pers-int80 / kernel-int80 (\"far below\": at most a tenth)",
		  GOAL_RATIO(ok_row(t, "null", "pers-int80", 1), ok_row(t, "null", "kernel-int80", 1)),
		  GOAL_INT80_FRACTION, 1,
		  why_missing(t, "pers-int80", "kernel-int80", "pers-int80 or kernel-int80 null missing"));
	goal_line(f, rounds, "vDSO clock_gettime, pers-vdso / kernel-vdso",
		  GOAL_RATIO(ok_row(t, "vdso", "pers-vdso", 1), ok_row(t, "vdso", "kernel-vdso", 1)),
		  GOAL_VDSO_RATIO, 1, why_missing(t, "pers-vdso", "kernel-vdso", "pers-vdso or kernel-vdso vdso missing"));
	const struct batch_lane *shown[NLANES];
	unsigned nshown = lanes_shown(t, shown);
	for (unsigned l = 0; l < nshown; l++)
		for (unsigned o = 0; o < sizeof batch_ops / sizeof batch_ops[0]; o++)
			for (unsigned rt = 0; rt < 2; rt++)
				batch_goal_line(f, t, batch_ops[o], shown[l]->route[rt]);
	/* The floor under the sysinfo goal on this machine: the native trap
	 * plus a bare mode-switch round trip, with no personality at all. */
	{
		const struct run_row *nat = table_find(t, "null", "native", 1);
		const struct run_row *ms = table_find(t, "gate", "modeswitch", 1);
		if (nat && ms && nat->status == ROW_OK && ms->status == ROW_OK)
			fprintf(f, "\nThe floor under any 32↔64-bit gate on this machine: native null %.1f + "
				"bare mode-switch round trip %.1f = %.1f ticks, a ratio of %.3f to native — %s the "
				"pers-sysinfo goal of %.2f before the personality does any work.\n",
				nat->ticks_median, ms->ticks_median, nat->ticks_median + ms->ticks_median,
				(nat->ticks_median + ms->ticks_median) / nat->ticks_median,
				(nat->ticks_median + ms->ticks_median) / nat->ticks_median > GOAL_SYSINFO_RATIO ?
				"already above" : "below", GOAL_SYSINFO_RATIO);
		const struct run_row *msn = ok_row(t, "null", "modeswitch", 1);
		if (nat && ms && msn && nat->status == ROW_OK && ms->status == ROW_OK)
			fprintf(f, "\nWith the native call made inside the round trip, as a gate makes it "
				"(modeswitch null, which returns by a jump as the personality's fast path does): "
				"%.1f ticks, %+.1f against the two apart (%+.3f of native).\n",
				msn->ticks_median, msn->ticks_median - nat->ticks_median - ms->ticks_median,
				(msn->ticks_median - nat->ticks_median - ms->ticks_median) / nat->ticks_median);
		/* what a ret right after a system call costs here: the kernel's
		 * own i386 vDSO pays it, and so does any C path back to i386 code */
		const struct run_row *ret = ok_row(t, "null", "native-ret", 1);
		if (nat && ret && nat->status == ROW_OK)
			fprintf(f, "\nA ret right after the system call (native-ret null) costs %.1f ticks "
				"more than the same call inline (%.3f of native): on this machine the first "
				"ret after a syscall %s. The i386 vDSO's __kernel_vsyscall returns that way "
				"(kernel-vdso), and so does every call the personality answers in C; its asm "
				"fast path goes back to i386 code by jumps alone.\n",
				ret->ticks_median - nat->ticks_median,
				(ret->ticks_median - nat->ticks_median) / nat->ticks_median,
				(ret->ticks_median - nat->ticks_median) / nat->ticks_median > 0.10 ?
				"is mispredicted (the kernel leaves the return predictor wrong on its way out)" :
				"costs little");
		returns_lines(f, t, m, rounds);
	}
	fputc('\n', f);

	/* Figures whose rounds disagree: the median of each round's
	 * repetitions (samples.csv keeps them in the order they ran, round
	 * after round), where the dearest round is more than ROUNDS_APART
	 * above the cheapest. */
	{
		unsigned listed = 0;
		for (size_t i = 0; i < t->n; i++) {
			const struct run_row *r = &t->rows[i];
			double med[ROUNDS_MAX], lo = INFINITY, hi = 0;
			if (!round_medians(r, rounds, med, ROUNDS_MAX))
				continue;
			for (unsigned q = 0; q < rounds; q++)
				lo = fmin(lo, med[q]), hi = fmax(hi, med[q]);
			if (!(lo > 0 && hi / lo > ROUNDS_APART))
				continue;
			if (!listed++)
				fprintf(f, "## Figures whose rounds disagree\n\nThe median of each round's "
					"repetitions, where the dearest round lies more than %.0f%% above the "
					"cheapest. On a shared host the same code runs for a while at one of a few "
					"speeds (in the stage timers, the time spent inside the `syscall` "
					"instruction is what changes); the figure above is the median of all "
					"rounds.\n\n| bench | path | batch | figure | each round |\n"
					"|---|---|---:|---:|---|\n", (ROUNDS_APART - 1) * 100);
			fprintf(f, "| %s | %s | %u | %.1f |", r->bench, r->path, r->batch, r->ticks_median);
			for (unsigned q = 0; q < rounds; q++)
				fprintf(f, "%s%.1f", q ? " / " : " ", med[q]);
			fputs(" |\n", f);
		}
		if (listed)
			fputc('\n', f);
	}

	/* Rows that could not run: one line per distinct reason per path. */
	fputs("## Rows that could not run\n\n", f);
	int any = 0, host_na = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct run_row *r = &t->rows[i];
		if (r->status == ROW_OK)
			continue;
		/* named once at the top, not once per path */
		if (r->status == ROW_NA && !strncmp(r->reason, "this host lacks", 15)) {
			host_na++;
			continue;
		}
		int dup = 0;
		for (size_t j = 0; j < i && !dup; j++)
			dup = t->rows[j].status != ROW_OK && !strcmp(t->rows[j].path, r->path) &&
			      !strcmp(t->rows[j].reason, r->reason);
		if (dup)
			continue;
		unsigned count = 0;
		for (size_t j = i; j < t->n; j++)
			count += t->rows[j].status != ROW_OK && !strcmp(t->rows[j].path, r->path) &&
				 !strcmp(t->rows[j].reason, r->reason);
		char batch[32] = "";
		if (r->batch != 1)
			bfmt(batch, sizeof batch, " batch %u", r->batch);
		fprintf(f, "- **%s**, %s%s", r->path, r->bench, batch);
		if (count > 1)
			fprintf(f, " and %u more row%s", count - 1, count == 2 ? "" : "s");
		fprintf(f, " (%s): ", r->status == ROW_NA ? "not applicable" : "could not run");
		md_text(f, r->reason);
		fputc('\n', f);
		any = 1;
	}
	if (host_na)
		fprintf(f, "- %d row%s of paths this host cannot run (see \"What this host cannot do\" at the top)\n",
			host_na, host_na == 1 ? "" : "s");
	else if (!any)
		fputs("Every row ran.\n", f);
	fputc('\n', f);

	fputs("## Counters\n\n", f);
	int unsup = 0;
	for (unsigned i = 0; i < m->n; i++)
		if (!strncmp(m->key[i], "unsupported.", 12)) {
			fprintf(f, "- %s: unsupported on this machine (%s); printed as unsupported, "
				"never as zero\n", m->key[i] + 12, m->val[i]);
			unsup = 1;
		}
	if (!unsup)
		fputs("Every requested event was counted.\n", f);
	fputc('\n', f);

	fputs("## lmbench-compatible lines (native rows)\n\n```\n", f);
	report_lmbench_lines(t, f);
	fputs("```\n\n", f);
	if (notes[0])
		fprintf(f, "## Notes\n\n%s\n", notes);
	int any_samples = 0;
	for (size_t i = 0; i < t->n; i++)
		any_samples |= t->rows[i].nsamples > 0;
	fprintf(f, "Raw data: runs.csv (one row per figure)%s and meta.json; the charts' gnuplot "
		"scripts (*.gp) read runs.csv. Rebuild with `persona report DIR`%s.\n",
		any_samples ? ", samples.csv (each repetition of each figure)" : "",
		any_samples ? "; compare two runs with intervals with `persona report DIR1 DIR2`" : "");
	return fclose(f) ? -1 : 0;
}

/* DIR/name read into the rows by reader, where the run has the file: 0
 * (also when it has none), or -1 with a message. */
static int load_optional(const char *dir, const char *name, struct run_table *t,
			 int (*reader)(struct run_table *, FILE *, char *, size_t))
{
	char p[4200], err[256];
	bpath(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "persona report: %s: %s\n", p, strerror(errno));
		return -1;
	}
	int r = reader(t, f, err, sizeof err);
	fclose(f);
	if (r)
		fprintf(stderr, "persona report: %s: %s\n", p, err);
	return r ? -1 : 0;
}

int report_load(const char *dir, struct run_table *t, struct meta *m)
{
	char err[200];
	FILE *f = open_in(dir, "runs.csv", "r");
	if (!f)
		return -1;
	int r = table_read_csv(t, f, err, sizeof err);
	fclose(f);
	if (r) {
		fprintf(stderr, "persona report: %s/runs.csv: %s\n", dir, err);
		return -1;
	}
	memset(m, 0, sizeof *m);
	if ((f = open_in(dir, "meta.json", "r"))) {
		meta_read_json(m, f);
		fclose(f);
	}
	/* Runs made before the repetitions were kept have no samples.csv
	 * (their rows are compared by their medians alone), and runs before
	 * the stage timers no stages.csv. */
	if (load_optional(dir, "samples.csv", t, table_read_samples) ||
	    load_optional(dir, "stages.csv", t, table_read_stages))
		return -1;
	return 0;
}

/* Several runs side by side: median ticks and x native per run. With two,
 * the second against the first per figure (twosample.c): the
 * Hodges–Lehmann ratio of their repetitions with its interval and
 * paired_verdict's verdict, or the bare ratio of medians where a run kept
 * no repetitions; then a summary of the verdicts. */
static void compare(FILE *out, char **dirs, int n, struct run_table *ts, const struct meta *ms)
{
	static const char *const verdicts[] = { "faster", "within", "unresolved", "slower" };
	unsigned count[4] = { 0 }, bare = 0, nslower = 0;
	char slower[2048] = "";
	size_t used = 0;

	if (n == 2)
		fprintf(out, "second / first: the Hodges–Lehmann ratio of the two runs' repetitions (the "
			"median of every ratio of a repetition of %s to one of %s) with its distribution-free "
			"%.0f%% interval (Mann–Whitney order statistics; its coverage in parentheses where the "
			"repetitions are too few to reach it). Verdicts against %.0f%%: *faster* (the whole "
			"interval below 1), *within* (the ratio at most %.2f), *unresolved* (above, the interval "
			"reaching below), *slower* (the whole interval above %.2f).\n\n"
			"The interval covers the noise within each run only: between processes on a shared "
			"machine figures move more, and an A/A comparison (two runs of the same tree) shows "
			"that floor.\n\n",
			dirs[1], dirs[0], PAIRED_COVERAGE * 100, PAIRED_TOLERANCE * 100,
			1 + PAIRED_TOLERANCE, 1 + PAIRED_TOLERANCE);
	/* Ticks from two machines are not the same unit of work: say where
	 * each run was made, and that a ratio across machines measures the
	 * host as much as the code. */
	int other_host = 0;
	for (int d = 0; d < n; d++) {
		fprintf(out, "- %s: %s, %s, TSC %s Hz, tree %s\n", dirs[d], mval(&ms[d], "cpu_model"),
			mval(&ms[d], "kernel"), mval(&ms[d], "tsc_hz"), mval(&ms[d], "git_revision"));
		other_host |= d && (strcmp(mval(&ms[d], "cpu_model"), mval(&ms[0], "cpu_model")) ||
				    strcmp(mval(&ms[d], "kernel"), mval(&ms[0], "kernel")));
	}
	if (other_host)
		fputs("\nThese runs come from different machines (CPU or kernel): a ratio between them "
		      "measures the host as much as the code; compare *x native* columns, each against "
		      "its own run's native trap.\n", out);
	fputc('\n', out);
	fputs("| bench | path | batch |", out);
	for (int d = 0; d < n; d++)
		fprintf(out, " %s ticks | x native |", dirs[d]);
	if (n == 2)
		fputs(" second / first | verdict |", out);
	fputs("\n|---|---|---:|", out);
	for (int d = 0; d < n; d++)
		fputs("---:|---:|", out);
	if (n == 2)
		fputs("---|---|", out);
	fputc('\n', out);
	for (int d = 0; d < n; d++)
		for (size_t i = 0; i < ts[d].n; i++) {
			const struct run_row *r = &ts[d].rows[i];
			int seen = 0;
			for (int e = 0; e < d && !seen; e++)
				seen = table_find(&ts[e], r->bench, r->path, r->batch) != NULL;
			if (seen)
				continue;
			fprintf(out, "| %s | %s | %u |", r->bench, r->path, r->batch);
			const struct run_row *x[2] = { NULL, NULL };
			for (int e = 0; e < n; e++) {
				const struct run_row *y = table_find(&ts[e], r->bench, r->path, r->batch);
				if (!y || y->status != ROW_OK) {
					fprintf(out, " %s | - |", y ? row_status_name(y->status) : "-");
					continue;
				}
				fprintf(out, " %.1f |", y->ticks_median);
				ratio_cell(out, y->ratio_native);
				if (e < 2)
					x[e] = y;
			}
			if (n != 2) {
				fputc('\n', out);
				continue;
			}
			if (!x[0] || !x[1]) {
				fputs(" - | - |\n", out);
				continue;
			}
			struct paired p;
			if (!x[0]->nsamples || !x[1]->nsamples) {
				bare++;
				if (x[0]->ticks_median > 0)
					fprintf(out, " %.3f | no interval (run has no samples) |\n",
						x[1]->ticks_median / x[0]->ticks_median);
				else
					fputs(" - | no interval (run has no samples) |\n", out);
				continue;
			}
			if (twosample_ratio(x[1]->samples, x[1]->nsamples, x[0]->samples, x[0]->nsamples, &p)) {
				bare++;
				fputs(" - | no interval (no repetition above 0 ticks) |\n", out);
				continue;
			}
			const char *v = paired_verdict(&p, PAIRED_TOLERANCE);
			fprintf(out, " %.3f [%.3f, %.3f]", p.median, p.low, p.high);
			if (p.coverage < PAIRED_COVERAGE)
				fprintf(out, " (%.0f%%)", p.coverage * 100);
			fprintf(out, " | %s |\n", v);
			for (unsigned k = 0; k < 4; k++)
				count[k] += !strcmp(v, verdicts[k]);
			if (!strcmp(v, "slower")) {
				nslower++;
				if (used < sizeof slower)
					used += (size_t)bfmt(slower + used, sizeof slower - used, "%s%s on %s, batch %u",
							     used ? "; " : "", r->bench, r->path, r->batch);
			}
		}
	if (n != 2)
		return;
	fprintf(out, "\n**Summary, second / first:** %u faster, %u within %.0f%%, %u unresolved, %u slower",
		count[0], count[1], PAIRED_TOLERANCE * 100, count[2], count[3]);
	if (bare)
		fprintf(out, "; %u without an interval", bare);
	if (nslower)
		fprintf(out, ". Slower: %s%s.\n", slower, used >= sizeof slower ? " ..." : "");
	else
		fputs(". Slower: none.\n", out);
}

int cmd_report(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: persona report DIR [DIR...]\n"
			"  rebuilds DIR/report.md and the charts from DIR/runs.csv and DIR/meta.json;\n"
			"  with several DIRs, also prints a side-by-side comparison (Markdown);\n"
			"  with two, each figure of the second against the first, with an interval\n"
			"  from their repetitions (DIR/samples.csv) and a verdict\n");
		return 2;
	}
	int n = argc - 1, rc = 0;
	struct run_table *ts = calloc((size_t)n, sizeof *ts);
	struct meta *ms = calloc((size_t)n, sizeof *ms);
	for (int d = 0; d < n; d++) {
		struct meta *m = &ms[d];
		if (report_load(argv[1 + d], &ts[d], m)) {
			rc = 1;
			continue;
		}
		/* ns and ratios follow from the rows and the TSC figure. */
		const char *hz = meta_get(m, "tsc_hz");
		if (hz)
			table_derive(&ts[d], strtod(hz, NULL));
		if (report_write(argv[1 + d], &ts[d], m))
			rc = 1;
		else
			fprintf(stderr, "persona report: wrote %s/report.md\n", argv[1 + d]);
	}
	if (n > 1 && !rc)
		compare(stdout, argv + 1, n, ts, ms);
	for (int d = 0; d < n; d++)
		table_free(&ts[d]);
	free(ts);
	free(ms);
	return rc;
}
