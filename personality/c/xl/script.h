/* personality/c/xl/script.h — `#!` scripts, followed as the kernel follows them.
 *
 * Shared by the loader (`persona run SCRIPT`) and the image (an i386
 * program's execve of a script), so that both read a `#!` line and nest
 * scripts exactly alike. Header-only and freestanding: no libc, and the
 * caller reads the files (the loader with libc, the image with raw calls).
 *
 * The kernel's rules: it looks at the first SCRIPT_HEAD_SIZE bytes of the
 * file. After `#!` and blanks comes the interpreter's path, up to a blank, a
 * NUL or the end of the line; the rest of the line, blanks cut at both
 * ends, is one optional argument. A first line that does not end within
 * those bytes is accepted only if the interpreter's path does. The new argv
 * is: interpreter, the argument if any, the script's path as execve was
 * given it, then the old argv from argv[1] on. An interpreter may itself be
 * a script, up to SCRIPT_MAX_NEST scripts in one exec; one more is ELOOP.
 */
#ifndef PERSONA_SCRIPT_H
#define PERSONA_SCRIPT_H

#include <asm-generic/errno.h>

/* BINPRM_BUF_SIZE: the bytes of a file the kernel reads to pick a loader */
#define SCRIPT_HEAD_SIZE 256
/* The kernel runs up to six loaders in one exec (fs/exec.c exec_binprm:
 * depth 0 to 5): five scripts and the program they end in. Measured on
 * 6.18: five nested scripts run, a sixth fails with ELOOP. */
#define SCRIPT_MAX_NEST 5

struct script_level {
	char head[SCRIPT_HEAD_SIZE + 1];    /* the line, split in place */
	char *interp, *arg;                 /* into head; arg may be 0 */
};

/* A file execve was asked to run and the scripts it leads through. */
struct script_chain {
	int nscripts;                           /* 0: the file is no script */
	struct script_level level[SCRIPT_MAX_NEST];
	const char *program;    /* the file the chain ends in: the path given, or the last interpreter */
	unsigned char head[SCRIPT_HEAD_SIZE];   /* that file's first bytes */
	long head_len;
};

/* Reads the first n bytes of path (level 0: the file execve names, with
 * the caller's directory and flags; then interpreters, relative to the
 * working directory as the kernel opens them). The count, or -errno. */
typedef long (*script_read_fn)(void *ctx, int level, const char *path, void *buf, unsigned long n);

static inline int script_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits a `#!` line in place. 0, or -ENOEXEC when buf (n bytes, with room
 * for one more) holds no usable one. */
static inline int script_parse(char *buf, long n, char **interp, char **arg)
{
	char *end, *p, *sep;

	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;
	if (n > SCRIPT_HEAD_SIZE)
		n = SCRIPT_HEAD_SIZE;
	/* the kernel keeps the last byte of its buffer out of the line */
	end = buf + (n < SCRIPT_HEAD_SIZE ? n : SCRIPT_HEAD_SIZE - 1);
	for (p = buf + 2; p < end && *p != '\n'; p++)
		;
	if (p == end && n == SCRIPT_HEAD_SIZE) {
		/* no newline in the buffer: the interpreter's path must end in it */
		for (p = buf + 2; p < end && script_blank(*p); p++)
			;
		if (p == end)
			return -ENOEXEC;
		while (p < end && *p && !script_blank(*p))
			p++;
		if (p == end)
			return -ENOEXEC;
		p = end;
	}
	end = p;
	while (end > buf + 2 && script_blank(end[-1]))
		end--;
	*end = 0;
	for (p = buf + 2; p < end && script_blank(*p); p++)
		;
	if (p == end || !*p)
		return -ENOEXEC;
	*interp = p;
	*arg = 0;
	for (sep = p; sep < end && *sep && !script_blank(*sep); sep++)
		;
	if (sep < end && *sep) {
		*sep = 0;
		for (p = sep + 1; p < end && script_blank(*p); p++)
			;
		if (p < end)
			*arg = p;
	}
	return 0;
}

/* Follows path through `#!` lines to the file that is no script. 0 with
 * c filled in, or -errno: -ELOOP past SCRIPT_MAX_NEST, -ENOEXEC for a bad
 * `#!` line, or what read returned (-ENOENT for a missing interpreter). */
static inline long script_follow(struct script_chain *c, const char *path,
				 script_read_fn read, void *ctx)
{
	c->nscripts = 0;
	c->program = path;
	for (;;) {
		long n = read(ctx, c->nscripts, c->program, c->head, SCRIPT_HEAD_SIZE);
		if (n < 0)
			return n;
		c->head_len = n;
		if (n < 2 || c->head[0] != '#' || c->head[1] != '!')
			return 0;
		if (c->nscripts == SCRIPT_MAX_NEST)
			return -ELOOP;
		struct script_level *l = &c->level[c->nscripts];
		for (long i = 0; i < n; i++)
			l->head[i] = (char)c->head[i];
		l->head[n] = 0;
		if (script_parse(l->head, n, &l->interp, &l->arg) < 0)
			return -ENOEXEC;
		c->nscripts++;
		c->program = l->interp;
	}
}

/* The argv the kernel builds for the chain, before the old argv[1...]:
 * the innermost interpreter first, then outwards, then the script's path.
 * Calls put(ctx, s) for each string in order; stops at put's first
 * non-zero answer and returns it. */
static inline long script_argv(const struct script_chain *c, const char *script,
			       long (*put)(void *ctx, const char *s), void *ctx)
{
	long r = 0;

	for (int i = c->nscripts - 1; i >= 0 && !r; i--) {
		r = put(ctx, c->level[i].interp);
		if (!r && c->level[i].arg)
			r = put(ctx, c->level[i].arg);
	}
	if (!r && c->nscripts)
		r = put(ctx, script);
	return r;
}

#endif
