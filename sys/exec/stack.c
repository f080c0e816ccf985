/* sys/exec/stack.c — the initial process stack, as the kernel lays it out.
 *
 * From the top: the program's file name (AT_EXECFN), the environment and
 * argument strings, the platform string, 16 random bytes (AT_RANDOM); then,
 * 16-byte aligned, argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL.
 * Words are 4 bytes for an i386 program and 8 for an x86-64 one.
 */
#include <elf.h>
#include <string.h>
#include <sys/random.h>

#include "sys/exec/loader.h"

struct cursor {
	uint64_t sp, lo;
	int overflow;
};

static uint64_t push_bytes(struct cursor *c, const void *p, size_t n)
{
	if (c->sp - c->lo < n + 64) {
		c->overflow = 1;
		return c->sp;
	}
	c->sp -= n;
	memcpy((void *)(uintptr_t)c->sp, p, n);
	return c->sp;
}

static uint64_t push_str(struct cursor *c, const char *s)
{
	return push_bytes(c, s, strlen(s) + 1);
}

uint64_t stack_build(struct stack_args *s)
{
	struct cursor c = { .sp = s->hi, .lo = s->lo };
	unsigned word = s->bits == 32 ? 4 : 8;
	int envc = 0;
	uint8_t rnd[16];

	while (s->envp[envc])
		envc++;
	if ((uint64_t)(s->argc + envc) * word * 2 > s->hi - s->lo)
		return 0;

	/* strings, the kernel's order: file name on top, then envp, then argv */
	uint64_t execfn = push_str(&c, s->execfn);
	uint64_t envs[envc + 1], args[s->argc + 1];
	for (int i = envc - 1; i >= 0; i--)
		envs[i] = push_str(&c, s->envp[i]);
	for (int i = s->argc - 1; i >= 0; i--)
		args[i] = push_str(&c, s->argv[i]);
	uint64_t platform = s->platform ? push_str(&c, s->platform) : 0;
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	c.sp &= ~15ull;
	uint64_t random = push_bytes(&c, rnd, sizeof(rnd));

	for (int i = 0; i < s->nauxv; i++) {
		if (s->auxv[i][0] == AT_EXECFN)
			s->auxv[i][1] = execfn;
		else if (s->auxv[i][0] == AT_PLATFORM)
			s->auxv[i][1] = platform;
		else if (s->auxv[i][0] == AT_RANDOM)
			s->auxv[i][1] = random;
	}

	/* the vector block: argc, argv, NULL, envp, NULL, auxv, AT_NULL */
	size_t words = 1 + (size_t)s->argc + 1 + (size_t)envc + 1 + 2 * ((size_t)s->nauxv + 1);
	c.sp = (c.sp - words * word) & ~15ull;
	if (c.sp < c.lo + 4096 || c.overflow)
		return 0;
	uint8_t *p = (uint8_t *)(uintptr_t)c.sp;
#define PUT(v) do { uint64_t v_ = (v); memcpy(p, &v_, word); p += word; } while (0)
	PUT((uint64_t)s->argc);
	for (int i = 0; i < s->argc; i++)
		PUT(args[i]);
	PUT(0);
	for (int i = 0; i < envc; i++)
		PUT(envs[i]);
	PUT(0);
	for (int i = 0; i < s->nauxv; i++) {
		PUT(s->auxv[i][0]);
		PUT(s->auxv[i][1]);
	}
	PUT(AT_NULL);
	PUT(0);
#undef PUT
	return c.sp;
}
