/* bench/cli/runs.c — the rows of a run, runs.csv and meta.json. */
#include "bench_cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int bfmt(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(dst, n, fmt, ap);
	va_end(ap);
	return r;
}

void bpath(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(dst, n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= n) {
		fprintf(stderr, "persona: a path of %d characters does not fit (at most %zu): %.60s...\n",
			r, n - 1, dst);
		exit(2);
	}
}

void table_reserve(struct run_table *t, size_t more)
{
	if (t->n + more <= t->cap)
		return;
	size_t cap = t->cap ? t->cap : 64;
	while (cap < t->n + more)
		cap *= 2;
	struct run_row *r = realloc(t->rows, cap * sizeof *r);
	if (!r) {
		perror("persona bench");
		exit(1);
	}
	t->rows = r;
	t->cap = cap;
}

struct run_row *table_add(struct run_table *t)
{
	table_reserve(t, 1);
	struct run_row *r = &t->rows[t->n++];
	memset(r, 0, sizeof *r);
	r->batch = 1;
	r->ticks_min = r->ticks_median = r->ticks_p99 = NAN;
	r->ns_median = r->ratio_native = r->loop_overhead = NAN;
	return r;
}

void table_free(struct run_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof *t);
}

const struct run_row *table_find(const struct run_table *t, const char *bench,
				 const char *path, unsigned batch)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].batch == batch && !strcmp(t->rows[i].bench, bench) &&
		    !strcmp(t->rows[i].path, path))
			return &t->rows[i];
	return NULL;
}

void table_derive(struct run_table *t, double tsc_hz)
{
	for (size_t i = 0; i < t->n; i++) {
		struct run_row *r = &t->rows[i];
		r->ns_median = NAN;
		r->ratio_native = NAN;
		if (r->status != ROW_OK)
			continue;
		if (tsc_hz > 0)
			r->ns_median = r->ticks_median * 1e9 / tsc_hz;
		const struct run_row *n = table_find(t, r->bench, "native", 1);
		if (n && n->status == ROW_OK && n->ticks_median > 0)
			r->ratio_native = r->ticks_median / n->ticks_median;
	}
}

const char *row_status_name(enum row_status s)
{
	return s == ROW_OK ? "ok" : s == ROW_NA ? "na" : "fail";
}

void counter_column_name(char *dst, size_t n, const char *event)
{
	size_t i;
	for (i = 0; event[i] && i + 1 < n; i++) {
		unsigned char c = (unsigned char)event[i];
		dst[i] = isalnum(c) || c == '-' || c == '_' ? (char)c : '_';
	}
	dst[i] = 0;
}

/* ---- CSV ---------------------------------------------------------------- */

static void put_num(FILE *f, double v, const char *fmt)
{
	fputc(',', f);
	if (!isnan(v))
		fprintf(f, fmt, v);
}

static void put_text(FILE *f, const char *s)
{
	fputc(',', f);
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
	fputc('"', f);
}

static const char *const fixed_cols[] = {
	"bench", "path", "batch", "iterations", "reps", "ticks_min", "ticks_median",
	"ticks_p99", "ns_median", "ratio_native", "loop_overhead", "status", "reason",
};
enum { C_BENCH, C_PATH, C_BATCH, C_ITER, C_REPS, C_MIN, C_MEDIAN, C_P99, C_NS,
       C_RATIO, C_LOOP, C_STATUS, C_REASON, C_FIXED };

int table_write_csv(const struct run_table *t, FILE *f)
{
	for (unsigned c = 0; c < C_FIXED; c++)
		fprintf(f, "%s%s", c ? "," : "", fixed_cols[c]);
	for (unsigned k = 0; k < t->ncounters; k++)
		fprintf(f, ",%s,%s_scale", t->counter[k], t->counter[k]);
	fputc('\n', f);
	for (size_t i = 0; i < t->n; i++) {
		const struct run_row *r = &t->rows[i];
		fputs(r->bench, f);
		put_text(f, r->path);
		fprintf(f, ",%u", r->batch);
		if (r->status == ROW_OK)
			fprintf(f, ",%llu,%u", (unsigned long long)r->iterations, r->reps);
		else
			fputs(",,", f);
		put_num(f, r->ticks_min, "%.2f");
		put_num(f, r->ticks_median, "%.2f");
		put_num(f, r->ticks_p99, "%.2f");
		put_num(f, r->ns_median, "%.2f");
		put_num(f, r->ratio_native, "%.3f");
		put_num(f, r->loop_overhead, "%.3f");
		put_text(f, row_status_name(r->status));
		put_text(f, r->reason);
		for (unsigned k = 0; k < t->ncounters; k++) {
			const struct counter_value *v = &r->counter[k];
			switch (v->state) {
			case COUNTER_OK:
				fprintf(f, ",%.4f,%.3f", v->per_call, v->scale);
				break;
			case COUNTER_UNSUPPORTED:
				fputs(",unsupported,", f);
				break;
			case COUNTER_NOT_COUNTED:
				fputs(",not-counted,", f);
				break;
			default:
				fputs(",,", f);
			}
		}
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

/* Splits one CSV line in place (quotes honoured); returns the field count. */
static int split_csv(char *line, char **field, int max)
{
	int n = 0;
	char *p = line;
	for (;;) {
		if (n == max)
			return n;
		char *out = p;
		field[n++] = p;
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '"' && p[1] == '"') {
					*out++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else if (!*p) {
					break;
				} else {
					*out++ = *p++;
				}
			}
			while (*p && *p != ',')
				p++;
		} else {
			while (*p && *p != ',')
				out = ++p;
		}
		char sep = *p;
		*out = 0;
		if (sep != ',')
			return n;
		p++;
	}
}

static double get_num(const char *s)
{
	char *end;
	if (!*s)
		return NAN;
	double v = strtod(s, &end);
	return *end ? NAN : v;
}

int table_read_csv(struct run_table *t, FILE *f, char *err, size_t errlen)
{
	enum { MAXF = C_FIXED + 2 * ROW_COUNTERS_MAX };
	static char line[8192];
	char *field[MAXF];
	int col[C_FIXED], ccol[ROW_COUNTERS_MAX], scol[ROW_COUNTERS_MAX];

	memset(t, 0, sizeof *t);
	if (!fgets(line, sizeof line, f)) {
		snprintf(err, errlen, "empty file");
		return -1;
	}
	line[strcspn(line, "\r\n")] = 0;
	int nf = split_csv(line, field, MAXF);
	for (unsigned c = 0; c < C_FIXED; c++) {
		col[c] = -1;
		for (int i = 0; i < nf; i++)
			if (!strcmp(field[i], fixed_cols[c]))
				col[c] = i;
		if (col[c] < 0 && c != C_LOOP && c != C_REPS) {
			snprintf(err, errlen, "no column '%s'", fixed_cols[c]);
			return -1;
		}
	}
	/* Counters: every other column, each with its NAME_scale beside it. */
	for (int i = 0; i < nf; i++) {
		int fixed = 0;
		for (unsigned c = 0; c < C_FIXED; c++)
			fixed |= col[c] == i;
		size_t len = strlen(field[i]);
		if (fixed || (len > 6 && !strcmp(field[i] + len - 6, "_scale")))
			continue;
		if (t->ncounters == ROW_COUNTERS_MAX)
			break;
		unsigned k = t->ncounters++;
		snprintf(t->counter[k], COUNTER_NAME_MAX, "%s", field[i]);
		ccol[k] = i;
		scol[k] = -1;
		for (int j = 0; j < nf; j++)
			if (!strncmp(field[j], field[i], len) && !strcmp(field[j] + len, "_scale"))
				scol[k] = j;
	}

	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!*line)
			continue;
		int n = split_csv(line, field, MAXF);
		for (int i = n; i < MAXF; i++)
			field[i] = "";
#define F(c) (col[c] >= 0 ? field[col[c]] : "")
		struct run_row *r = table_add(t);
		snprintf(r->bench, sizeof r->bench, "%s", F(C_BENCH));
		snprintf(r->path, sizeof r->path, "%s", F(C_PATH));
		r->batch = (unsigned)strtoul(F(C_BATCH), NULL, 10);
		r->iterations = strtoull(F(C_ITER), NULL, 10);
		r->reps = (unsigned)strtoul(F(C_REPS), NULL, 10);
		r->ticks_min = get_num(F(C_MIN));
		r->ticks_median = get_num(F(C_MEDIAN));
		r->ticks_p99 = get_num(F(C_P99));
		r->ns_median = get_num(F(C_NS));
		r->ratio_native = get_num(F(C_RATIO));
		r->loop_overhead = get_num(F(C_LOOP));
		const char *st = F(C_STATUS);
		r->status = !strcmp(st, "ok") ? ROW_OK : !strcmp(st, "na") ? ROW_NA : ROW_FAIL;
		snprintf(r->reason, sizeof r->reason, "%s", F(C_REASON));
#undef F
		for (unsigned k = 0; k < t->ncounters; k++) {
			struct counter_value *v = &r->counter[k];
			const char *s = field[ccol[k]];
			if (!strcmp(s, "unsupported")) {
				v->state = COUNTER_UNSUPPORTED;
			} else if (!strcmp(s, "not-counted")) {
				v->state = COUNTER_NOT_COUNTED;
			} else if (*s) {
				v->state = COUNTER_OK;
				v->per_call = get_num(s);
				v->scale = scol[k] >= 0 ? get_num(field[scol[k]]) : NAN;
			}
		}
	}
	return 0;
}

/* ---- samples.csv: each repetition of each row ------------------------------ */

static const char *const sample_cols[] = { "bench", "path", "batch", "rep", "ticks" };
enum { S_BENCH, S_PATH, S_BATCH, S_REP, S_TICKS, S_FIXED };

int table_write_samples(const struct run_table *t, FILE *f)
{
	for (unsigned c = 0; c < S_FIXED; c++)
		fprintf(f, "%s%s", c ? "," : "", sample_cols[c]);
	fputc('\n', f);
	for (size_t i = 0; i < t->n; i++) {
		const struct run_row *r = &t->rows[i];
		for (unsigned k = 0; k < r->nsamples; k++) {
			fputs(r->bench, f);
			put_text(f, r->path);
			fprintf(f, ",%u,%u", r->batch, k + 1);
			put_num(f, r->samples[k], "%.2f");
			fputc('\n', f);
		}
	}
	return ferror(f) ? -1 : 0;
}

/* The header line of a file whose every column in names[0..n) must be
 * there: col[c] = where names[c] is. 0, or -1 with a message in err. */
static int find_columns(FILE *f, const char *const *names, unsigned n, int *col, char *err, size_t errlen)
{
	char line[1024];
	char *field[32];

	if (!fgets(line, sizeof line, f)) {
		snprintf(err, errlen, "empty file");
		return -1;
	}
	line[strcspn(line, "\r\n")] = 0;
	int nf = split_csv(line, field, 32);
	for (unsigned c = 0; c < n; c++) {
		col[c] = -1;
		for (int i = 0; i < nf; i++)
			if (!strcmp(field[i], names[c]))
				col[c] = i;
		if (col[c] < 0) {
			snprintf(err, errlen, "no column '%s'", names[c]);
			return -1;
		}
	}
	return 0;
}

int table_read_samples(struct run_table *t, FILE *f, char *err, size_t errlen)
{
	char line[1024];
	char *field[S_FIXED + 4];
	int col[S_FIXED];

	if (find_columns(f, sample_cols, S_FIXED, col, err, errlen))
		return -1;
	for (unsigned lineno = 2; fgets(line, sizeof line, f); lineno++) {
		line[strcspn(line, "\r\n")] = 0;
		if (!*line)
			continue;
		int n = split_csv(line, field, S_FIXED + 4);
		for (int i = n; i < S_FIXED + 4; i++)
			field[i] = "";
		const char *bench = field[col[S_BENCH]], *path = field[col[S_PATH]];
		unsigned batch = (unsigned)strtoul(field[col[S_BATCH]], NULL, 10);
		double v = get_num(field[col[S_TICKS]]);
		struct run_row *r = (struct run_row *)table_find(t, bench, path, batch);
		if (!r) {
			snprintf(err, errlen, "line %u: %s on %s, batch %u, is not a row of runs.csv",
				 lineno, bench, path, batch);
			return -1;
		}
		if (isnan(v)) {
			snprintf(err, errlen, "line %u: ticks '%s' is not a number", lineno, field[col[S_TICKS]]);
			return -1;
		}
		if (r->nsamples == ROW_SAMPLES_MAX) {
			snprintf(err, errlen, "line %u: more than %d samples of %s on %s, batch %u",
				 lineno, ROW_SAMPLES_MAX, bench, path, batch);
			return -1;
		}
		r->samples[r->nsamples++] = v;
	}
	return 0;
}

/* ---- stages.csv: the lanes' stage timers of the rows that have them ------- */

static const char *const stage_cols[] = { "bench", "path", "batch", "calls", "entry", "call", "exit", "stamp" };
enum { G_BENCH, G_PATH, G_BATCH, G_CALLS, G_ENTRY, G_CALL, G_EXIT, G_STAMP, G_FIXED };

int table_write_stages(const struct run_table *t, FILE *f)
{
	for (unsigned c = 0; c < G_FIXED; c++)
		fprintf(f, "%s%s", c ? "," : "", stage_cols[c]);
	fputc('\n', f);
	for (size_t i = 0; i < t->n; i++) {
		const struct run_row *r = &t->rows[i];
		if (!r->stage_calls)
			continue;
		fputs(r->bench, f);
		put_text(f, r->path);
		fprintf(f, ",%u,%llu", r->batch, (unsigned long long)r->stage_calls);
		put_num(f, r->stage_entry, "%.2f");
		put_num(f, r->stage_call, "%.2f");
		put_num(f, r->stage_exit, "%.2f");
		put_num(f, r->stage_stamp, "%.2f");
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

int table_read_stages(struct run_table *t, FILE *f, char *err, size_t errlen)
{
	char line[1024];
	char *field[G_FIXED + 4];
	int col[G_FIXED];

	if (find_columns(f, stage_cols, G_FIXED, col, err, errlen))
		return -1;
	for (unsigned lineno = 2; fgets(line, sizeof line, f); lineno++) {
		line[strcspn(line, "\r\n")] = 0;
		if (!*line)
			continue;
		int n = split_csv(line, field, G_FIXED + 4);
		for (int i = n; i < G_FIXED + 4; i++)
			field[i] = "";
		const char *bench = field[col[G_BENCH]], *path = field[col[G_PATH]];
		unsigned batch = (unsigned)strtoul(field[col[G_BATCH]], NULL, 10);
		struct run_row *r = (struct run_row *)table_find(t, bench, path, batch);
		if (!r) {
			snprintf(err, errlen, "line %u: %s on %s, batch %u, is not a row of runs.csv",
				 lineno, bench, path, batch);
			return -1;
		}
		double v[4] = { get_num(field[col[G_ENTRY]]), get_num(field[col[G_CALL]]),
				get_num(field[col[G_EXIT]]), get_num(field[col[G_STAMP]]) };
		unsigned long long calls = strtoull(field[col[G_CALLS]], NULL, 10);
		for (unsigned k = 0; k < 4; k++)
			if (isnan(v[k])) {
				snprintf(err, errlen, "line %u: '%s' is not a number", lineno,
					 field[col[G_ENTRY + k]]);
				return -1;
			}
		if (!calls) {
			snprintf(err, errlen, "line %u: calls '%s' is not a count", lineno, field[col[G_CALLS]]);
			return -1;
		}
		r->stage_calls = calls;
		r->stage_entry = v[0], r->stage_call = v[1], r->stage_exit = v[2], r->stage_stamp = v[3];
	}
	return 0;
}

/* ---- meta.json: one flat object of strings ------------------------------ */

void meta_set(struct meta *m, const char *key, const char *fmt, ...)
{
	unsigned i;
	for (i = 0; i < m->n; i++)
		if (!strcmp(m->key[i], key))
			break;
	if (i == m->n) {
		if (m->n == META_MAX)
			return;
		m->n++;
		snprintf(m->key[i], sizeof m->key[i], "%s", key);
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->val[i], sizeof m->val[i], fmt, ap);
	va_end(ap);
}

const char *meta_get(const struct meta *m, const char *key)
{
	for (unsigned i = 0; i < m->n; i++)
		if (!strcmp(m->key[i], key))
			return m->val[i];
	return NULL;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int meta_write_json(const struct meta *m, FILE *f)
{
	fputs("{\n", f);
	for (unsigned i = 0; i < m->n; i++) {
		fputs("  ", f);
		json_string(f, m->key[i]);
		fputs(": ", f);
		json_string(f, m->val[i]);
		fputs(i + 1 < m->n ? ",\n" : "\n", f);
	}
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}

/* Reads back what meta_write_json wrote: one "key": "value" per line. */
static const char *json_unstring(const char *p, char *out, size_t n)
{
	size_t o = 0;
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		char c = *p++;
		if (c == '\\') {
			c = *p++;
			if (c == 'n')
				c = '\n';
			else if (c == 'u') {
				c = (char)strtol((char[]){ p[0], p[1], p[2], p[3], 0 }, NULL, 16);
				p += 4;
			}
		}
		if (o + 1 < n)
			out[o++] = c;
	}
	out[o] = 0;
	return *p == '"' ? p + 1 : NULL;
}

int meta_read_json(struct meta *m, FILE *f)
{
	char line[2048], key[48], val[512];
	memset(m, 0, sizeof *m);
	while (fgets(line, sizeof line, f)) {
		const char *p = line + strspn(line, " \t");
		if (*p != '"')
			continue;
		if (!(p = json_unstring(p, key, sizeof key)))
			continue;
		p += strspn(p, " \t:");
		if (!json_unstring(p, val, sizeof val))
			continue;
		meta_set(m, key, "%s", val);
	}
	return 0;
}

/* mkdir -p: 0, or -1 with errno set. */
int mkdir_p(const char *dir)
{
	char p[4096];
	bpath(p, sizeof p, "%s", dir);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, 0777) && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(p, 0777) && errno != EEXIST ? -1 : 0;
}
