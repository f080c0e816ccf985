/* personality/c/core/lib.c — the few libc pieces a freestanding image needs.
 * gcc may emit calls to memcpy/memset/memmove/memcmp itself, so they keep
 * their standard names; they are hidden (not exported) like everything else. */
#include "core/persona.h"

/* From this size on the string instructions: their start-up cost is
 * below a byte loop's (x86-64 has fast rep movsb/stosb since Ivy Bridge
 * and Zen); below it a byte loop, which the batch and ring code's small
 * copies (an SQE is 64 bytes, a message 72) are not. */
#define REP_MIN 32

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (n >= REP_MIN) {
		__asm__ volatile("rep movsb" : "+D"(dp), "+S"(sp), "+c"(n) : : "memory");
		return d;
	}
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp < sp)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *dp = d;

	if (n >= REP_MIN) {
		__asm__ volatile("rep stosb" : "+D"(dp), "+c"(n) : "a"(c) : "memory");
		return d;
	}
	while (n--)
		*dp++ = (unsigned char)c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

struct out {
	char  *buf;
	size_t cap, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, int neg, int width, char pad)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	for (int w = n; w < width; w++)
		put(o, pad);
	while (n)
		put(o, tmp[--n]);
}

int pvsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct out o = { buf, cap, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		char pad = ' ';
		int width = 0, lng = 0;

		fmt++;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z')
			lng = 1, fmt++;
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, long) : va_arg(ap, int);
			put_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, pad);
			break;
		}
		case 'u':
			put_num(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, 0, width, pad);
			break;
		case 'x':
			put_num(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, 0, width, pad);
			break;
		case 'p':
			put(&o, '0'), put(&o, 'x');
			put_num(&o, (uintptr_t)va_arg(ap, void *), 16, 0, width, pad);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			for (s = s ? s : "(null)"; *s; s++)
				put(&o, *s);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:                /* unknown conversion: show it, never guess */
			put(&o, '%');
			if (*fmt)
				put(&o, *fmt);
			else
				fmt--;
		}
	}
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = 0;
	return (int)o.len;
}

int psnprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pvsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

static void log_line(int fd, const char *fmt, va_list ap)
{
	char line[512];
	int n = psnprintf(line, sizeof(line) - 1, "persona[%ld]: ", nsys0(__NR_getpid));

	n += pvsnprintf(line + n, sizeof(line) - 1 - n, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	nsys3(__NR_write, fd, line, n);
}

/* The personality's own remarks (a refused request, an unknown number):
 * only into a log that was asked for. The program's stderr is its own. */
void plog(const char *fmt, ...)
{
	va_list ap;

	if (persona_opts.log_fd < 0)
		return;
	va_start(ap, fmt);
	log_line(persona_opts.log_fd, fmt, ap);
	va_end(ap);
}

/* What the user asked for (--trace, --stats) or the personality's own
 * failure: into the log, or stderr when none was asked for. */
void pout(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(persona_opts.log_fd < 0 ? 2 : persona_opts.log_fd, fmt, ap);
	va_end(ap);
}

long nsys6(long nr, long a, long b, long c, long d, long e, long f)
{
	struct sysmsg m = { .nr = (uint32_t)nr, .args = { a, b, c, d, e, f } };

	persona_submit(&m, 1);
	return m.result;
}
