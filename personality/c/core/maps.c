/* personality/c/core/maps.c — the one reader of /proc/self/maps.
 *
 * There is no system call that lists a process's mappings or tells the
 * protection of one; the kernel's text file is the only source. The
 * address-space allocator (xl/mem.c) walks it for free ranges, the site
 * patcher (reflect/patch.c) for the protection of a code page. Read in
 * chunks and parsed as it streams (the image has no heap): start-end, the
 * permissions, and the rest of the line, which nobody here needs.
 */
#include "core/persona.h"

#define MAPS_PROT_READ  1       /* PROT_READ, PROT_WRITE, PROT_EXEC */
#define MAPS_PROT_WRITE 2
#define MAPS_PROT_EXEC  4

static uint64_t hexval(char c)
{
	return c <= '9' ? (uint64_t)(c - '0') : (uint64_t)((c | 0x20) - 'a' + 10);
}

/* the permission letter at position i of "rwxp" and its PROT_ bit */
static uint32_t perm_bit(uint32_t i, char c)
{
	static const char letters[3] = { 'r', 'w', 'x' };
	static const uint32_t bits[3] = { MAPS_PROT_READ, MAPS_PROT_WRITE, MAPS_PROT_EXEC };

	return i < 3 && c == letters[i] ? bits[i] : 0;
}

long persona_maps_walk(persona_maps_fn each, void *ctx)
{
	char buf[2048];
	uint64_t start = 0, end = 0;
	uint32_t prot = 0, perm = 0;
	int field = 0;          /* 0: start, 1: end, 2: permissions, 3: the rest */
	long fd = nsys4(__NR_openat, -100 /* AT_FDCWD */, "/proc/self/maps", 0 /* O_RDONLY */, 0);
	long n, r = 0;

	if (fd < 0)
		return fd;
	while (!r && (n = nsys3(__NR_read, fd, buf, sizeof(buf))) > 0) {
		for (long i = 0; i < n && !r; i++) {
			char c = buf[i];

			if (field == 0) {
				if (c == '-')
					field = 1;
				else
					start = start << 4 | hexval(c);
			} else if (field == 1) {
				if (c == ' ')
					field = 2;
				else
					end = end << 4 | hexval(c);
			} else if (field == 2) {
				if (c == ' ')
					field = 3;
				else
					prot |= perm_bit(perm++, c);
			} else if (c == '\n') {
				r = each(ctx, start, end, prot) ? 1 : 0;
				start = end = 0;
				prot = perm = 0;
				field = 0;
			}
		}
	}
	nsys1(__NR_close, fd);
	return r;
}
