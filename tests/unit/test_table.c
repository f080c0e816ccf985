/* tests/unit/test_table.c — the table against the kernel's own numbers.
 *
 * One test per row and property, built from the generated X-macro:
 *   nr      the row's number is asm/unistd_32.h's __NR_<name>
 *   tnr     the row's x86-64 number is asm/unistd_64.h's __NR_<target>
 *   handler an XLATE/EMUL row has a handler linked in
 *   hole    an unused number answers -ENOSYS, from the kernel too
 * A row newer than the installed headers is reported as skipped, not
 * passed. A missing handler is a failure (the dispatch would answer the
 * row with -ENOSYS).
 *
 * Both unistd headers define __NR_* with different values, so each is read
 * where it is included: the macros are turned into strings at that point
 * ("__NR_x" stays as it is where a header lacks x).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "personality/c/core/persona.h"
#include "personality/c/core/sysent_types.h"
#include "support/i386call.h"

#define STR2(x) #x
#define STR(x) STR2(x)

struct row {
	uint32_t nr;
	const char *name, *kind, *target;
	int tnr;
	const char *nr32;   /* __NR_<name> of unistd_32.h, as text */
	const char *nr64;   /* __NR_<target> of unistd_64.h, as text */
	int line;           /* the table line */
};

/* the x86-64 numbers: persona.h has included asm/unistd_64.h */
static const char *const target64[] = {
#define SYSENT(nr, name, kind, target, tnr, reason, line, ...) \
	STR(__NR_##target),
#include "sysent.h"
#undef SYSENT
};

/* from here on __NR_* are the i386 numbers */
#include <asm/unistd_32.h>

static struct row rows[] = {
#define SYSENT(nr, name, kind, target, tnr, reason, line, ...) \
	{ nr, #name, #kind, #target, tnr, STR(__NR_##name), NULL, line },
#include "sysent.h"
#undef SYSENT
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static int unknown(const char *text) { return !strncmp(text, "__NR_", 5); }

static void check_nr(void **state)
{
	const struct row *r = *state;

	if (unknown(r->nr32)) {
		printf("# %s (table line %d): newer than asm/unistd_32.h\n", r->name, r->line);
		skip();
	}
	if ((uint32_t)atoi(r->nr32) != r->nr)
		fail_msg("table line %d: %s is %u, asm/unistd_32.h says %s", r->line, r->name, r->nr, r->nr32);
}

static void check_tnr(void **state)
{
	const struct row *r = *state;

	if (unknown(r->nr64)) {
		printf("# %s -> %s (table line %d): newer than asm/unistd_64.h\n", r->name, r->target, r->line);
		skip();
	}
	if (atoi(r->nr64) != r->tnr)
		fail_msg("table line %d: %s targets %s = %d, asm/unistd_64.h says %s",
			 r->line, r->name, r->target, r->tnr, r->nr64);
}

static void check_handler(void **state)
{
	const struct row *r = *state;

	if (persona_handler(r->nr))
		return;
	fail_msg("table line %d: %s is %s but no xl_%s is linked", r->line, r->name, r->kind, r->name);
}

static void check_hole(void **state)
{
	const struct row *r = *state;

	assert_int_equal(p32(r->nr, 0, 0, 0, 0, 0, 0), -ENOSYS);
	if (k32_available())
		assert_int_equal(k32(r->nr, 0, 0, 0, 0, 0, 0), -ENOSYS);
}

/* Every row is reachable by its number and numbers are contiguous. */
static void table_shape(void **state)
{
	(void)state;
	assert_int_equal(rows[0].nr, 0);
	for (size_t i = 0; i < NROWS; i++) {
		const struct sysent *e = persona_lookup(rows[i].nr);
		assert_non_null(e);
		assert_int_equal(e->nr, rows[i].nr);
		assert_string_equal(e->name, rows[i].name);
		if (rows[i].nr < I386_NR_PRIVATE_BASE)
			assert_int_equal(rows[i].nr, i);
	}
	assert_int_equal(rows[I386_NR_LINUX_MAX].nr, I386_NR_LINUX_MAX);
	assert_null(persona_lookup(I386_NR_LINUX_MAX + 1));
}

int main(void)
{
	struct CMUnitTest *t = calloc(4 * NROWS + 1, sizeof(*t));
	size_t n = 0;
	static char names[4 * 480][64];

	t[n++] = (struct CMUnitTest){ .name = "table_shape", .test_func = table_shape };
	for (size_t i = 0; i < NROWS; i++) {
		struct row *r = &rows[i];

		r->nr64 = target64[i];
		if (!strcmp(r->name, "unused")) {
			snprintf(names[n], sizeof(names[n]), "hole %u", r->nr);
			t[n] = (struct CMUnitTest){ .name = names[n], .test_func = check_hole, .initial_state = r };
			n++;
			continue;
		}
		if (r->nr < I386_NR_PRIVATE_BASE) {
			snprintf(names[n], sizeof(names[n]), "nr %s", r->name);
			t[n] = (struct CMUnitTest){ .name = names[n], .test_func = check_nr, .initial_state = r };
			n++;
		}
		if (strcmp(r->target, "none")) {
			snprintf(names[n], sizeof(names[n]), "tnr %s -> %s", r->name, r->target);
			t[n] = (struct CMUnitTest){ .name = names[n], .test_func = check_tnr, .initial_state = r };
			n++;
		}
		if (!strcmp(r->kind, "XLATE") || !strcmp(r->kind, "EMUL")) {
			snprintf(names[n], sizeof(names[n]), "handler %s", r->name);
			t[n] = (struct CMUnitTest){ .name = names[n], .test_func = check_handler, .initial_state = r };
			n++;
		}
	}
	persona_test_init();
	return _cmocka_run_group_tests("table", t, n, NULL, NULL);
}
